// A preview of the webviews for eyes (and a smoke test): replays a real sweep into the experiment panel and the
// side view in Chromium, in the extension's own page and Content Security Policy, checks them and screenshots them
// in light, dark and high-contrast themes.
//
//   node scripts/webview-preview/cli.mjs [SWEEP_DIR] [--fresh] [--serve]
//   node scripts/webview-preview/cli.mjs --screenshot [SWEEP_DIR] [--fresh]    (npm run screenshot)
//   node scripts/webview-preview/cli.mjs --ui-bench [TRIALSxEPOCHS] [--profile]  (npm run bench)
//   node scripts/webview-preview/cli.mjs --fixture space [--serve | --screenshot]
//
// Without SWEEP_DIR it runs examples/moons.dropout.json with the CLI (about 40 s), after a shorter earlier sweep of
// the same experiment (3 rates × 3 seeds) so that there is one to overlay; the runs are kept in
// test-results/webview-preview/runs and reused until --fresh. With SWEEP_DIR it reads that sweep, and every sweep
// of the same experiment beside it becomes history.
//
// Default: the checks, then screenshots in test-results/webview-preview/; exits 1 when a check fails or a page logs
// an error or a warning. --serve instead prints the pages' addresses and serves them until Ctrl-C.
// --screenshot writes media/screenshot-panel.png, the README's picture (--out FILE elsewhere).
// --ui-bench measures a synthetic stored sweep (default 50 trials × 500 epochs) replayed live (ui-bench.mjs).
// --fixture space replays an in-memory random search over three named hyperparameters (spaceFixture.mjs) instead of
// a stored sweep and runs its checks (spaceChecks.mjs); with --screenshot it writes the panel and the side view in light and dark to
// test-results/webview-preview/space-*.png (the per-hyperparameter charts, parallel coordinates, heatmap, table).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { launchBrowser } from './browser.mjs';
import { runChecks } from './checks.mjs';
import { runSpaceChecks } from './spaceChecks.mjs';
import { outDir, root } from './paths.mjs';
import { fixtureScreenshots, panelScreenshot } from './screenshot.mjs';
import { spaceReplay } from './spaceFixture.mjs';
import { startServer } from './server.mjs';
import { ensureBuilt, loadReplay, moonsSweep, simulateEvents, syntheticSweep } from './sweeps.mjs';
import { uiBench } from './ui-bench.mjs';

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    fresh: { type: 'boolean', default: false },
    serve: { type: 'boolean', default: false },
    screenshot: { type: 'boolean', default: false },
    out: { type: 'string', default: join(root, 'media', 'screenshot-panel.png') },
    'ui-bench': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    fixture: { type: 'string' },
  },
});
if ([options.serve, options.screenshot, options['ui-bench']].filter(Boolean).length > 1) usage('--serve, --screenshot and --ui-bench exclude each other');
if (options.fixture !== undefined && options.fixture !== 'space') usage(`--fixture takes "space", not ${options.fixture}`);
if (options.fixture && (options['ui-bench'] || positionals.length)) usage('--fixture replaces SWEEP_DIR and --ui-bench');
if (positionals.length > 1) usage(`one positional argument at most, got ${positionals.join(' ')}`);

let size;
if (options['ui-bench']) {
  const match = /^(\d+)x(\d+)$/.exec(positionals[0] ?? '50x500');
  if (!match) usage(`--ui-bench takes TRIALSxEPOCHS, e.g. 50x500, not ${positionals[0]}`);
  size = { trials: Number(match[1]), epochs: Number(match[2]) };
}

ensureBuilt();
mkdirSync(outDir, { recursive: true });
const replay = options.fixture
  ? spaceReplay(simulateEvents)
  : await loadReplay(size ? await syntheticSweep(size) : positionals[0] ?? moonsSweep({ fresh: options.fresh }));
const server = await startServer(replay);

if (options.serve) {
  console.log(`serving until Ctrl-C:\n  ${server.base}/panel.html?theme=dark&mode=live\n  ${server.base}/side.html?theme=light&mode=final`);
  console.log('  (query: theme=dark|light|high-contrast, mode=live|final, pauseAt=0…1, duration=ms)');
} else {
  const browser = await launchBrowser();
  let failures = [];
  try {
    if (size) await uiBench({ browser, base: server.base, ...size, profile: options.profile });
    else if (options.screenshot && options.fixture) await fixtureScreenshots({ browser, base: server.base, name: options.fixture });
    else if (options.screenshot) await panelScreenshot({ browser, base: server.base, path: resolve(options.out) });
    else if (options.fixture) failures = await runSpaceChecks({ browser, base: server.base, replay });
    else failures = await runChecks({ browser, base: server.base, replay });
  } finally {
    await browser.close();
    server.close();
  }
  if (failures.length) {
    console.error(`${failures.length} check(s) failed`);
    process.exit(1);
  }
  if (!size && !options.screenshot && !options.serve) console.log('all preview checks passed');
}

function usage(problem) {
  console.error(`webview-preview: ${problem}\nusage: node scripts/webview-preview/cli.mjs [SWEEP_DIR] [--fresh] `
    + '[--serve | --screenshot [--out FILE] | --ui-bench [TRIALSxEPOCHS] [--profile]]');
  process.exit(2);
}
