/**
 * Problems as the Problems panel shows them, without vscode (so the tests can check the positions): the range
 * starts at the problem's own line:column, the one the CLI prints, and spans its length; a zero-length problem
 * still underlines one character.
 */
import type { SpecProblem } from '../core/spec';
import { isSyntaxProblem } from '../engine/spec/messages';

/** 0-based, as vscode.Range takes them. */
export interface ProblemRange {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

export interface DiagnosticEntry {
  range: ProblemRange;
  message: string;
  severity: SpecProblem['severity'];
  /** The JSON path, when the problem has one. */
  code?: string;
}

/** `text` is the file the problem's offset and length refer to. */
export function problemRange(text: string, problem: SpecProblem): ProblemRange {
  const startLine = problem.line - 1;
  const startCharacter = problem.column - 1;
  if (problem.length === 0) return { startLine, startCharacter, endLine: startLine, endCharacter: startCharacter + 1 };
  const spanned = text.slice(problem.offset, problem.offset + problem.length);
  const breaks = [...spanned.matchAll(/\r\n|\r|\n/g)];
  if (breaks.length === 0) return { startLine, startCharacter, endLine: startLine, endCharacter: startCharacter + spanned.length };
  const last = breaks.at(-1)!;
  return { startLine, startCharacter, endLine: startLine + breaks.length, endCharacter: spanned.length - last.index! - last[0].length };
}

export interface EntryOptions {
  /**
   * The editor's JSON support already reports the syntax errors of this text (VS Code's JSON language features do for
   * a `*.dropout.json`, which is JSON with Comments): they are left out, so that each is shown once.
   */
  syntaxReportedByEditor?: boolean;
}

export function diagnosticEntries(text: string, problems: readonly SpecProblem[], options: EntryOptions = {}): DiagnosticEntry[] {
  const shown = options.syntaxReportedByEditor ? problems.filter((problem) => !isSyntaxProblem(problem)) : problems;
  return shown.map((problem) => ({
    range: problemRange(text, problem),
    message: problem.message,
    severity: problem.severity,
    ...(problem.path ? { code: problem.path } : {}),
  }));
}
