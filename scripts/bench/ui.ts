/** The webview under a long live sweep: scripts/webview-preview/cli.mjs --ui-bench replays 50 trials × 500 epochs into the panel in headless Chromium. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { root } from './options';

export interface UiFigures {
  trials: number;
  epochs: number;
  curvePointsDrawn: number;
  replaySeconds: number;
  batches: number;
  eventsPerBatch: number;
  handlerMs: { median: number; p95: number; max: number };
  redraws: number;
  redrawMs: { median: number; p95: number; max: number };
  lastRedrawMs: number;
  mainThreadBusy: number;
  openCompleteMs: number;
}

export function measureUi(): UiFigures | { error: string } {
  const out = spawnSync(process.execPath, [path.join(root, 'scripts', 'webview-preview', 'cli.mjs'), '--ui-bench', '50x500'],
    { encoding: 'utf8', cwd: root, timeout: 600_000 });
  const line = out.stdout.split('\n').find((text) => text.startsWith('UI_BENCH '));
  if (!line) return { error: (out.stderr.trim().split('\n').pop() ?? '') || `exit ${out.status}` };
  return JSON.parse(line.slice('UI_BENCH '.length)) as UiFigures;
}
