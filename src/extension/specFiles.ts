import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { parseSpec } from '../engine/spec/parse';
import type { ParsedSpec } from '../core/spec';
import { stripBom } from '../core/text';

export const specGlob = '**/*.dropout.json';

export function isSpecUri(uri: vscode.Uri): boolean {
  return uri.scheme === 'file' && uri.fsPath.endsWith('.dropout.json');
}

const cache = new WeakMap<vscode.TextDocument, { version: number; parsed: ParsedSpec }>();

/** Parsed once per document version; CodeLens, diagnostics and Run share the result. */
export function parseDocument(document: vscode.TextDocument): ParsedSpec {
  const hit = cache.get(document);
  if (hit && hit.version === document.version) return hit.parsed;
  const parsed = parseSpec(document.getText());
  cache.set(document, { version: document.version, parsed });
  return parsed;
}

/**
 * A file's current text as the editor holds it: the open editor's (saved or not), else the file's without its BOM
 * (an editor does not keep the BOM in the text, so offsets agree either way).
 */
export function readSpecText(uri: vscode.Uri): string {
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
  return open ? open.getText() : stripBom(fs.readFileSync(uri.fsPath, 'utf8'));
}

export async function findSpecFiles(): Promise<vscode.Uri[]> {
  const files = await vscode.workspace.findFiles(specGlob, '**/node_modules/**', 500);
  return files.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}
