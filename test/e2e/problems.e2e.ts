// Each problem of a broken spec appears once in VS Code's Problems panel (real VS Code: code-server + headless
// Chromium, the extension installed from its .vsix): the extension's diagnostic, not also a warning of the JSON
// Schema (which serves completion and hover only) nor, for a syntax error, a second copy of the JSON language
// service's. And the schema still completes values.
//   node scripts/e2e/run.mjs problems        (prepares code-server first; after npm run build)
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { DATASET_TYPES } from '../../src/engine/spec/rules';
import { screenshot, screenshotOnFailure } from './browser';
import { checkPrerequisites, ensureVsix, type CodeServer } from '../../scripts/e2e/codeServer';
import { poll } from '../../scripts/e2e/wait';
import { closeWorkbench, openFile, openWorkbench, readProblems } from './workbench';

// One problem of each kind the hand-kept schema used to report as well (additionalProperties, enum, minItems, minimum,
// type, a rate out of range in a oneOf), and a syntax error (a missing comma) that the JSON language service reports.
const broken = `{
  "name": "broken"
  "colour": "blue",
  "dataset": { "type": "moon" },
  "model": { "hidden": [], "activation": "Relu" },
  "training": { "epochs": 0, "batchSize": "32" },
  "sweep": { "rates": [0, 1.5] }
}
`;

/** Each problem: what its row says, and the text it starts at (its first occurrence in `broken`). */
const expected: Array<{ what: RegExp; at: string }> = [
  { what: /^Expected comma jsonc/, at: '"colour"' },
  { what: /^unknown property "colour"/, at: '"colour"' },
  { what: /^unknown dataset type "moon" — did you mean "moons"\?/, at: '"moon"' },
  { what: /^must list at least one layer/, at: '[]' },
  { what: /^unknown activation "Relu" — did you mean "relu"\?/, at: '"Relu"' },
  { what: /^must be ≥ 1, found 0/, at: '0,' },
  { what: /^expected an integer ≥ 1 and ≤ 65536 or {"hp": "name"}, found the string "32"/, at: '"32"' },
  { what: /^1\.5 is not a valid rate/, at: '1.5' },
];

/** How the Problems panel writes where a problem starts: `[Ln 3, Col 24]` (1-based). */
function position(text: string, needle: string): string {
  const before = text.slice(0, text.indexOf(needle)).split('\n');
  return `[Ln ${before.length}, Col ${before[before.length - 1]!.length + 1}]`;
}

let workspace = '';
let server: CodeServer | undefined;
let page: Page;

before(async () => {
  checkPrerequisites();
  const vsix = await ensureVsix();
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'dropout-e2e-problems-'));
  fs.writeFileSync(path.join(workspace, 'broken.dropout.json'), broken);
  // The value of dataset.type not typed yet: where completion is asked for.
  fs.writeFileSync(path.join(workspace, 'complete.dropout.json'), '{\n  "name": "complete",\n  "dataset": {\n    "type": \n  }\n}\n');
  ({ server, page } = await openWorkbench({ workspace, vsixPath: vsix, name: 'problems' }));
}, { timeout: 300_000 });

after(() => closeWorkbench({ server, page }, workspace), { timeout: 60_000 });

describe('a broken spec in VS Code', () => {
  test('each problem appears once in the Problems panel', async () => {
    await screenshotOnFailure(page, 'problems-once', async () => {
      await openFile(page, 'broken.dropout.json');
      // The JSON language service's syntax error shows that it has validated the document against the schema.
      const markerRows = async () => (await readProblems(page)).filter((row) => /\[Ln \d+, Col \d+\]$/.test(row));
      await poll('the engine\'s problems and the JSON language service\'s syntax error', async () => {
        const rows = await markerRows();
        return rows.some((row) => /^Expected comma/.test(row)) && rows.some((row) => /did you mean "moons"/.test(row));
      }, 60_000, 500);
      // Both report asynchronously: the rows must stay as they are.
      let rows = await markerRows();
      for (let settled = 0; settled < 3;) {
        await page.waitForTimeout(1000);
        const again = await markerRows();
        settled = JSON.stringify(again) === JSON.stringify(rows) ? settled + 1 : 0;
        rows = again;
      }
      await screenshot(page, 'problems-once');
      const shown = JSON.stringify(rows, null, 1);
      for (const { what, at } of expected) {
        const matching = rows.filter((row) => what.test(row));
        assert.equal(matching.length, 1, `${what}: ${matching.length} rows\n${shown}`);
        assert.ok(matching[0]!.endsWith(position(broken, at)), `${what} at ${position(broken, at)}\n${shown}`);
      }
      assert.equal(rows.length, expected.length, `one row per problem\n${shown}`);
      // The file's row counts them too.
      assert.ok((await readProblems(page)).includes(`broken.dropout.json ${expected.length}`), shown);
    });
  });

  test('completion offers the dataset types after "type":', async () => {
    await screenshotOnFailure(page, 'problems-completion', async () => {
      await openFile(page, 'complete.dropout.json');
      // The cursor after `"type": ` (line 4), then Trigger Suggest.
      await page.keyboard.press('Control+G');
      await page.keyboard.type('4');
      await page.keyboard.press('Enter');
      await page.keyboard.press('End');
      const labels = await poll('the suggestions', async () => {
        await page.keyboard.press('Control+Space');
        const shown = await page.locator('.suggest-widget .monaco-list-row .label-name').allInnerTexts().catch(() => []);
        return shown.length > 0 ? shown.map((label) => label.trim()) : undefined;
      }, 30_000, 1000);
      await screenshot(page, 'problems-completion');
      // Every dataset type the parser knows, as the JSON Schema offers them.
      assert.deepEqual([...labels].sort(), DATASET_TYPES.map((type) => `"${type}"`).sort());
    });
  });
});
