import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FileProblem } from '../engine/preflight';
import type { SpecProblem } from '../core/spec';
import { diagnosticEntries, problemRange, type EntryOptions, type ProblemRange } from './diagnosticsModel';
import { DisposableObject } from './disposable';
import { isSpecUri, parseDocument, readSpecText } from './specFiles';

export function toRange({ startLine, startCharacter, endLine, endCharacter }: ProblemRange): vscode.Range {
  return new vscode.Range(startLine, startCharacter, endLine, endCharacter);
}

/** `text` is the document's: the problems' offsets refer to it. */
function toDiagnostics(text: string, problems: readonly SpecProblem[], options?: EntryOptions): vscode.Diagnostic[] {
  return diagnosticEntries(text, problems, options).map((entry) => {
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

/**
 * Whether VS Code's own JSON support validates `document` and so reports its syntax errors: the built-in JSON language
 * features are enabled, their validation is on, and the document is JSON (a `*.dropout.json` is JSON with Comments).
 * The extension's JSON Schema validates nothing, so this is the only overlap with the engine's problems.
 */
function editorReportsSyntax(document: vscode.TextDocument): boolean {
  return (document.languageId === 'jsonc' || document.languageId === 'json')
    && vscode.extensions.getExtension('vscode.json-language-features') !== undefined
    && vscode.workspace.getConfiguration('json', document.uri).get<boolean>('validate.enable', true);
}

/** The engine's validation in the Problems panel, refreshed as the user types (debounced); each problem once. */
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
    // Whether the editor reports syntax errors itself may change (a new language mode reopens the document).
    this.push(vscode.workspace.onDidChangeConfiguration((event) => event.affectsConfiguration('json.validate.enable') && this.refreshAll()));
    this.push(vscode.extensions.onDidChange(() => this.refreshAll()));
    this.push({ dispose: () => this.pending.forEach((timer) => clearTimeout(timer)) });
    this.refreshAll();
  }

  refresh(document: vscode.TextDocument): void {
    if (!isSpecUri(document.uri)) return;
    const { problems } = parseDocument(document);
    this.collection.set(document.uri, toDiagnostics(document.getText(), problems, { syntaxReportedByEditor: editorReportsSyntax(document) }));
  }

  private refreshAll(): void {
    for (const document of vscode.workspace.textDocuments) this.refresh(document);
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
