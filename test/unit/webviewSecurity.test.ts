/**
 * The webview boundary: what a webview sends is validated before any handler sees it; the page's CSP lets only
 * the extension's own script run; webview code never turns text into HTML.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type * as vscode from 'vscode';
import { isFromPanelMessage, type FromPanelMessage, type ToPanelMessage } from '../../src/protocol/panelView';
import { isFromSideViewMessage, type FromSideViewMessage, type ToSideViewMessage } from '../../src/protocol/sideView';
import { ViewConnection } from '../../src/extension/viewConnection';
import { webviewPage } from '../../src/extension/webviewPage';
import { repoRoot } from '../support/specs';

/** A webview whose messages the test sends, and a log that records warnings. */
function fakeWebview() {
  let receive: ((message: unknown) => void) | undefined;
  const posted: (ToPanelMessage | ToSideViewMessage)[] = [];
  const webview = {
    onDidReceiveMessage: (listener: (message: unknown) => void) => {
      receive = listener;
      return { dispose: () => (receive = undefined) };
    },
    postMessage: async (message: ToPanelMessage | ToSideViewMessage) => posted.push(message),
  } as unknown as vscode.Webview;
  const warnings: string[] = [];
  const log = { warn: (line: string) => warnings.push(line) } as unknown as vscode.LogOutputChannel;
  return { webview, log, warnings, posted, send: (message: unknown) => receive!(message) };
}

describe('webview messages reach the host only when valid', () => {
  test('malformed or unknown messages are logged and dropped; valid ones reach the handlers', () => {
    const fake = fakeWebview();
    const handled: FromSideViewMessage[] = [];
    let readies = 0;
    const connection = new ViewConnection<ToSideViewMessage, FromSideViewMessage>(fake.webview, fake.log, isFromSideViewMessage, {
      onReady: () => readies++, onMessage: (message) => handled.push(message),
    });
    const malformed: unknown[] = [
      undefined, null, 42, 'ready', [], {}, { type: 'eval', code: 'process.exit()' }, { type: 'openSweep' },
      { type: 'openSweep', dir: 7 }, { type: 'loadSweep', dir: '' }, { type: 'exportCsv', dir: ['/a'] }, { type: 'resumeSweep' },
      { type: 'savePng', name: 'x', dataUrl: 'file:///etc/passwd' }, { type: 'savePng', name: 1, dataUrl: 'data:image/png;base64,AA' },
      { type: 'stop', dir: { toString: '/x' } }, { type: '__proto__' },
    ];
    for (const message of malformed) fake.send(message);
    assert.deepEqual(handled, []);
    assert.equal(readies, 0);
    assert.equal(fake.warnings.length, malformed.length);
    for (const line of fake.warnings) assert.match(line, /^dropped a malformed message from a webview/);
    assert.match(fake.warnings[6], /"type":"eval"/, 'the log shows what was dropped');

    fake.send({ type: 'ready' });
    fake.send({ type: 'openSweep', dir: '/w/.dropout/runs/m/1' });
    fake.send({ type: 'resumeSweep', dir: '/w/.dropout/runs/m/1' });
    assert.equal(readies, 1);
    assert.deepEqual(handled, [{ type: 'openSweep', dir: '/w/.dropout/runs/m/1' }, { type: 'resumeSweep', dir: '/w/.dropout/runs/m/1' }]);
    assert.equal(fake.warnings.length, malformed.length);
    connection.dispose();
  });

  test('each view accepts only its own messages: the panel drops what only the side view sends, and the other way round', () => {
    const dir = '/w/.dropout/runs/m/1';
    const panel = fakeWebview();
    const panelHandled: FromPanelMessage[] = [];
    const panelConnection = new ViewConnection<ToPanelMessage, FromPanelMessage>(panel.webview, panel.log, isFromPanelMessage, {
      onReady: () => {}, onMessage: (message) => panelHandled.push(message),
    });
    for (const message of [{ type: 'openSweep', dir }, { type: 'resumeSweep', dir }, { type: 'exportModel', dir: '' }, { type: 'stop' }]) panel.send(message);
    panel.send({ type: 'exportModel', dir });
    panel.send({ type: 'run' });
    assert.deepEqual(panelHandled, [{ type: 'exportModel', dir }, { type: 'run' }]);
    assert.equal(panel.warnings.length, 4);
    panelConnection.dispose();

    const side = fakeWebview();
    const sideHandled: FromSideViewMessage[] = [];
    const sideConnection = new ViewConnection<ToSideViewMessage, FromSideViewMessage>(side.webview, side.log, isFromSideViewMessage, {
      onReady: () => {}, onMessage: (message) => sideHandled.push(message),
    });
    const panelOnly = [{ type: 'run' }, { type: 'stop', dir }, { type: 'loadSweep', dir }, { type: 'exportCsv', dir }, { type: 'exportModel', dir }];
    for (const message of panelOnly) side.send(message);
    assert.deepEqual(sideHandled, []);
    assert.equal(side.warnings.length, 5);
    sideConnection.dispose();
  });
});

describe('webview page', () => {
  const nonce = 'bm9uY2Utb2YtdGhlLXRlc3Q=';
  const html = webviewPage({
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net', nonce, view: 'panel', title: '<img src=x onerror=alert(1)>',
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js', styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/webview.css',
  });
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';
  const directives = new Map(csp.split(';').map((part) => part.trim().split(/\s+/)).map(([name, ...sources]) => [name, sources]));

  test('CSP: nothing by default; scripts only by nonce; no inline script or eval; no remote origin', () => {
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('script-src'), [`'nonce-${nonce}'`]);
    const sources = [...directives.values()].flat();
    for (const forbidden of ["'unsafe-inline'", "'unsafe-eval'", '*', 'https:', 'http:']) assert.ok(!sources.includes(forbidden), forbidden);
    // Any http(s) source must be the webview's own resource origin, never a remote host.
    for (const source of sources.filter((s) => /^https?:/.test(s))) assert.equal(source, 'https://file+.vscode-resource.vscode-cdn.net');
    assert.equal(directives.has('connect-src'), false, 'no fetch or websocket anywhere');
    assert.equal(directives.has('frame-src'), false);
  });

  test('the only script is the bundle, carrying the nonce; the title is escaped', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0][1], new RegExp(`nonce="${nonce}"`));
    assert.match(scripts[0][1], /src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\.js"/);
    assert.equal(scripts[0][2].trim(), '', 'no inline script');
    assert.doesNotMatch(html, /<img/);
    assert.match(html, /<title>&#60;img src=x onerror=alert\(1\)&#62;<\/title>/);
    assert.doesNotMatch(html, /<[^>]*\son[a-z]+=/i, 'no inline event handlers');
  });
});

describe('webview code never parses text as HTML', () => {
  // Names of experiments, sweeps and CSV columns come from files in the workspace: they reach the DOM through
  // textContent (webview/dom.ts `el`). The sinks that would parse them as HTML must not appear in webview code.
  const htmlSinks = /\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser|srcdoc|\bnew Function\b|\beval\(/;

  function sourceFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const file = path.join(dir, entry.name);
      return entry.isDirectory() ? sourceFiles(file) : /\.(ts|js)$/.test(entry.name) ? [file] : [];
    });
  }

  test('no innerHTML, outerHTML, insertAdjacentHTML, document.write or eval in webview/', () => {
    const files = sourceFiles(path.join(repoRoot, 'webview'));
    assert.ok(files.length > 10, `${files.length} files scanned`);
    const offenders = files.flatMap((file) => fs.readFileSync(file, 'utf8').split('\n')
      .map((line, index) => ({ line, where: `${path.relative(repoRoot, file)}:${index + 1}` }))
      .filter(({ line }) => htmlSinks.test(line))
      .map(({ where, line }) => `${where}: ${line.trim()}`));
    assert.deepEqual(offenders, []);
  });

  test('the scan catches the sinks it looks for', () => {
    for (const line of ['row.innerHTML = name;', 'x.outerHTML += y', "el.insertAdjacentHTML('beforeend', s)", 'document.write(s)', 'eval(code)']) {
      assert.ok(htmlSinks.test(line), line);
    }
    assert.equal(htmlSinks.test('cell.textContent = name;'), false);
  });
});
