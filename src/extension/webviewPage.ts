/**
 * The webviews' shell page as text, free of `vscode` so its Content Security Policy is unit-tested: nothing but
 * the extension's own script (by nonce) and stylesheet loads; no inline script, no remote content.
 */
import type { ViewKind } from '../protocol/webview';

export interface WebviewPageParts {
  /** `webview.cspSource`: the origin of the extension's resources inside the webview. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  /** Fresh per page: only the script tag carrying it runs. */
  nonce: string;
  view: ViewKind;
  title: string;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function webviewPage(parts: WebviewPageParts): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(parts.cspSource, parts.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${parts.styleUri}">
<title>${escapeHtml(parts.title)}</title>
</head>
<body data-view="${parts.view}">
<div id="app"></div>
<script nonce="${parts.nonce}" src="${parts.scriptUri}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
