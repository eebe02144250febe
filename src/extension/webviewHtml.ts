import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import type { ViewKind } from '../protocol/webview';
import { webviewPage } from './webviewPage';

/** Only the bundle and the stylesheet are reachable from the webviews. */
export function webviewResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/** The shell page: strict CSP (no inline script, no remote content), a fresh nonce per page. */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, view: ViewKind, title: string): string {
  return webviewPage({
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'webview.css')).toString(),
    nonce: crypto.randomBytes(18).toString('base64'),
    view, title,
  });
}
