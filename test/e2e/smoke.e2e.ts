// Smoke test in real VS Code (code-server + headless Chromium): the extension, installed from its .vsix, maps
// *.dropout.json to JSON with Comments, contributes its schema, and flags an unknown property.
//   node scripts/e2e/run.mjs smoke        (prepares code-server first; after npm run build)
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { blockedRequests, closeBrowser, openBrowser, screenshot, screenshotOnFailure } from './browser';
import { checkPrerequisites, ensureVsix, repoRoot, startCodeServer, type CodeServer } from '../../scripts/e2e/codeServer';
import { poll } from '../../scripts/e2e/wait';
import { copyToTemp, editorText, openFile, statusBarItem, waitForProblem, waitForWorkbench } from './workbench';

let workspace: string | undefined;
let server: CodeServer | undefined;
let page: Page | undefined;

before(
  async () => {
    checkPrerequisites();
    const vsix = await ensureVsix();
    workspace = copyToTemp(path.join(repoRoot, 'examples'));
    // In the copy: drop "$schema" (it points outside the workspace, and a document's own $schema would
    // bypass the extension's jsonValidation contribution, the thing under test) and add an unknown property.
    const spec = path.join(workspace, 'moons.dropout.json');
    const original = fs.readFileSync(spec, 'utf8');
    const edited = original.replace(/^\s*"\$schema":.*\n/m, '').replace(/("name":\s*"moons",)/, '$1\n  "colour": "blue",');
    assert.match(edited, /"colour": "blue"/, 'could not add a property to the temp copy of moons.dropout.json');
    assert.doesNotMatch(edited, /"\$schema"/, 'could not remove "$schema" from the temp copy of moons.dropout.json');
    fs.writeFileSync(spec, edited);

    server = await startCodeServer({ workspace, vsixPath: vsix, name: 'smoke' });
    page = await openBrowser(server.url);
    await screenshotOnFailure(page, 'smoke-startup', () => waitForWorkbench(page!));
  },
  { timeout: 300_000 },
);

after(
  async () => {
    if (page) await closeBrowser(page);
    if (server) await server.stop();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  },
  { timeout: 60_000 },
);

test('opens moons.dropout.json as JSON with Comments', { timeout: 120_000 }, () =>
  screenshotOnFailure(page, 'smoke-open', async () => {
    const p = page!;
    await openFile(p, 'moons.dropout.json');
    const text = await poll('the editor to show the spec', async () => {
      const t = await editorText(p);
      return t.includes('"name": "moons"') ? t : undefined;
    });
    assert.match(text, /"colour": "blue"/);
    assert.match(text, /"dataset": \{ "type": "moons"/);
    assert.match(text, /\/\/ Two interleaved half-moons/);
    const mode = await poll('the language mode in the status bar', async () => (await statusBarItem(p, 'status.editor.mode')) || undefined);
    assert.equal(mode, 'JSON with Comments');
  }),
);

test('an unknown property is flagged once, by the extension; the schema loads', { timeout: 120_000 }, () =>
  screenshotOnFailure(page, 'smoke-schema', async () => {
    const p = page!;
    // The extension's diagnostic. The schema (schemas/dropout.schema.json, which only the extension's jsonValidation
    // associates with this file) serves completion and hover only, so the JSON language server adds no second
    // "Property colour is not allowed." (test/e2e/problems.e2e.ts counts every kind of problem).
    const rows = await waitForProblem(p, /unknown property "colour"/);
    await screenshot(p, 'smoke-moons');
    assert.ok(rows.some((row) => row.includes('moons.dropout.json')), `no Problems row for moons.dropout.json: ${JSON.stringify(rows)}`);
    assert.equal(rows.filter((row) => /colour/.test(row)).length, 1, `the unknown property once: ${JSON.stringify(rows)}`);
    assert.ok(!rows.some((row) => /Unable to load schema/i.test(row)), `the schema did not load: ${JSON.stringify(rows)}`);
    // The editor underlines it too.
    const squiggles = p.locator('.part.editor .monaco-editor .squiggly-warning, .part.editor .monaco-editor .squiggly-error');
    await poll('a squiggle in the editor', async () => (await squiggles.count()) > 0, 10_000);
  }),
);

test('the page sent nothing off 127.0.0.1', () => {
  assert.deepEqual(blockedRequests.get(page!) ?? [], []);
});
