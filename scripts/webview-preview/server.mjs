// Serves the webviews on 127.0.0.1 as the extension does: each page is the extension's own shell
// (src/extension/webviewPage.ts: its Content Security Policy, stylesheet and nonce'd script, a fresh nonce per page),
// with the stand-in for VS Code's prelude put in front of the page's script. Only dist/ and media/ are reachable,
// as in the extension (webviewResourceRoots), plus the preview's own /preview/ files.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { root } from './paths.mjs';
import { themeCss } from './themes.mjs';

const { webviewPage } = await tsImport(join(root, 'src/extension/webviewPage.ts'), import.meta.url);
const hostJs = readFileSync(fileURLToPath(new URL('./host.js', import.meta.url)), 'utf8');

const types = {
  '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json',
  '.png': 'image/png', '.ttf': 'font/ttf', '.woff2': 'font/woff2',
};
const resourceRoots = ['dist', 'media'].map((folder) => join(root, folder) + sep);

/** The extension's page for `view`, with the preview's theme stylesheet and its two scripts (same nonce) added. */
export function previewPage(view, origin) {
  const nonce = randomBytes(16).toString('base64');
  const html = webviewPage({
    cspSource: origin,
    scriptUri: `${origin}/dist/webview.js`,
    styleUri: `${origin}/media/webview.css`,
    nonce, view, title: `Dropout Lab · ${view} preview`,
  });
  const prelude = ['replay-data.js', 'host.js'].map((name) => `<script nonce="${nonce}" src="${origin}/preview/${name}"></script>`).join('\n');
  const page = html
    .replace('</head>', `<link rel="stylesheet" href="${origin}/preview/theme.css">\n</head>`)
    .replace(/<body[^>]*>\n/, (body) => `${body}${prelude}\n`);
  if (!page.includes(prelude) || !page.includes('/preview/theme.css')) throw new Error('webviewPage changed shape: the preview cannot add its prelude');
  return page;
}

/** Starts the server; `replay` is what /preview/replay-data.js hands to host.js. Resolves to { base, close }. */
export async function startServer(replay) {
  const generated = {
    '/preview/host.js': hostJs,
    '/preview/theme.css': themeCss,
    '/preview/replay-data.js': `window.__replay = ${JSON.stringify(replay)};\n`,
  };
  const server = createServer((request, response) => {
    const url = new URL(request.url, 'http://x');
    const origin = `http://${request.headers.host}`;
    if (url.pathname === '/favicon.ico') return void response.writeHead(204).end();
    const view = /^\/(panel|side)\.html$/.exec(url.pathname)?.[1];
    if (view) return send(response, '.html', previewPage(view, origin));
    if (generated[url.pathname] !== undefined) return send(response, extname(url.pathname), generated[url.pathname]);
    const path = resolve(root, `.${decodeURIComponent(url.pathname)}`);
    if (!resourceRoots.some((folder) => path.startsWith(folder)) || !existsSync(path) || statSync(path).isDirectory()) {
      response.writeHead(404).end();
      return;
    }
    send(response, extname(path), readFileSync(path));
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return { base: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

function send(response, extension, body) {
  response.writeHead(200, { 'content-type': types[extension] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
}
