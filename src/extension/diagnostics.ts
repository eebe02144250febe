import * as vscode from 'vscode';
import type { SpecProblem } from '../engine/spec/types';
import { DisposableObject } from './disposable';
import { isSpecUri, parseDocument } from './specFiles';

/** Problems as the editor shows them: a zero-length problem still underlines one character. */
export function toDiagnostic(document: vscode.TextDocument, problem: SpecProblem): vscode.Diagnostic {
  const start = document.positionAt(problem.offset);
  const end = document.positionAt(problem.offset + Math.max(1, problem.length));
  const diagnostic = new vscode.Diagnostic(
    new vscode.Range(start, end),
    problem.message,
    problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
  );
  diagnostic.source = 'Dropout Lab';
  if (problem.path) diagnostic.code = problem.path;
  return diagnostic;
}

/** The engine's validation in the Problems panel, refreshed as the user types (debounced). */
export class SpecDiagnostics extends DisposableObject {
  private readonly collection = this.push(vscode.languages.createDiagnosticCollection('dropoutLab'));
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(private readonly delayMs = 250) {
    super();
    this.push(vscode.workspace.onDidOpenTextDocument((document) => this.refresh(document)));
    this.push(vscode.workspace.onDidChangeTextDocument(({ document }) => this.schedule(document)));
    this.push(vscode.workspace.onDidCloseTextDocument((document) => this.collection.delete(document.uri)));
    this.push({ dispose: () => this.pending.forEach((timer) => clearTimeout(timer)) });
    for (const document of vscode.workspace.textDocuments) this.refresh(document);
  }

  refresh(document: vscode.TextDocument): void {
    if (!isSpecUri(document.uri)) return;
    const { problems } = parseDocument(document);
    this.collection.set(document.uri, problems.map((problem) => toDiagnostic(document, problem)));
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
