import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FileProblem } from '../engine/preflight';
import type { SpecProblem } from '../core/spec';
import { diagnosticEntries, problemRange, type ProblemRange } from './diagnosticsModel';
import { DisposableObject } from './disposable';
import { isSpecUri, parseDocument, readSpecText } from './specFiles';

export function toRange({ startLine, startCharacter, endLine, endCharacter }: ProblemRange): vscode.Range {
  return new vscode.Range(startLine, startCharacter, endLine, endCharacter);
}

/** `text` is the document's: the problems' offsets refer to it. */
function toDiagnostics(text: string, problems: readonly SpecProblem[]): vscode.Diagnostic[] {
  return diagnosticEntries(text, problems).map((entry) => {
    const diagnostic = new vscode.Diagnostic(
      toRange(entry.range),
      entry.message,
      entry.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
    );
    diagnostic.source = 'Dropout Lab';
    if (entry.code) diagnostic.code = entry.code;
    return diagnostic;
  });
}

/** The text the problems of a data file refer to; '' when it cannot be read (the range then spans one character). */
function fileText(uri: vscode.Uri): string {
  try {
    return readSpecText(uri);
  } catch {
    return '';
  }
}

/** Where the editor selects a problem of `file`. */
export function problemSelection(file: string, problem: SpecProblem): vscode.Range {
  return toRange(problemRange(fileText(vscode.Uri.file(path.resolve(file))), problem));
}

/** The engine's validation in the Problems panel, refreshed as the user types (debounced). */
export class SpecDiagnostics extends DisposableObject {
  private readonly collection = this.push(vscode.languages.createDiagnosticCollection('dropoutLab'));
  private readonly pending = new Map<string, NodeJS.Timeout>();
  /** Data files that hold problems found when a run was refused. */
  private dataFiles: vscode.Uri[] = [];

  constructor(private readonly delayMs = 250) {
    super();
    this.push(vscode.workspace.onDidOpenTextDocument((document) => this.refresh(document)));
    this.push(vscode.workspace.onDidChangeTextDocument(({ document }) => this.schedule(document)));
    this.push(vscode.workspace.onDidCloseTextDocument((document) => isSpecUri(document.uri) && this.collection.delete(document.uri)));
    this.push({ dispose: () => this.pending.forEach((timer) => clearTimeout(timer)) });
    for (const document of vscode.workspace.textDocuments) this.refresh(document);
  }

  refresh(document: vscode.TextDocument): void {
    if (!isSpecUri(document.uri)) return;
    const { problems } = parseDocument(document);
    this.collection.set(document.uri, toDiagnostics(document.getText(), problems));
  }

  /**
   * The problems found between a valid spec and its first trainer (the data, the limits), added to the spec's own
   * and shown on the data files they are in. An empty list clears what the last refused run left on data files.
   */
  showPreflight(specUri: vscode.Uri, problems: readonly FileProblem[]): void {
    for (const uri of this.dataFiles) this.collection.delete(uri);
    this.dataFiles = [];
    const byFile = new Map<string, FileProblem[]>();
    for (const problem of problems) {
      const file = path.resolve(problem.file);
      byFile.set(file, [...(byFile.get(file) ?? []), problem]);
    }
    for (const [file, fileProblems] of byFile) {
      const uri = vscode.Uri.file(file);
      const isSpec = uri.toString() === specUri.toString();
      const text = fileText(uri);
      const own = isSpec ? parseDocumentProblems(specUri) : [];
      this.collection.set(uri, toDiagnostics(text, [...own, ...fileProblems]));
      if (!isSpec) this.dataFiles.push(uri);
    }
  }

  private schedule(document: vscode.TextDocument): void {
    if (!isSpecUri(document.uri)) return;
    const key = document.uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.set(key, setTimeout(() => {
      this.pending.delete(key);
      this.refresh(document);
    }, this.delayMs));
  }
}

/** The spec's own problems (warnings, since it ran this far), when it is open. */
function parseDocumentProblems(specUri: vscode.Uri): SpecProblem[] {
  const document = vscode.workspace.textDocuments.find((open) => open.uri.toString() === specUri.toString());
  return document ? parseDocument(document).problems : [];
}
