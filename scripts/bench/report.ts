/** The bench's report: every measurement in one object (`--json`), or one side-by-side table and a few lines. */
import type { AbResult, ThroughputResult } from './engine';
import type { ExtensionFigures } from './extension';
import type { MnistSweepFigures } from './mnistSweep';
import type { Options } from './options';
import type { Spread } from './stats';
import type { QueueFigures } from './queue';
import type { SweepFigures } from './sweep';
import type { TorchFigures } from './torch';
import type { UiFigures } from './ui';

export interface Report {
  date: string;
  machine: { cpus: number; model: string; node: string; loadAverage: number[] };
  /** What was asked for (saveJson too: where this report was written). */
  options: Omit<Options, 'json' | 'child'>;
  throughput: ThroughputResult[];
  /** wasm+blas ÷ wasm steps/s per model, paired run by run in one process. */
  blasRatio?: AbResult[] | { error: string };
  mnistSweep?: MnistSweepFigures | { error: string };
  sweep?: SweepFigures | { error: string };
  queue?: QueueFigures | { error: string };
  extension?: ExtensionFigures;
  torch?: TorchFigures;
  ui?: UiFigures | { error: string };
}

const fmt = (value: number | undefined, digits = 0): string => (value === undefined ? '–' : value.toFixed(digits));
const range = (s: Spread | undefined, digits = 0): string =>
  (s ? `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})` : '–');

/** Throughput per backend and model beside `model.fit` and PyTorch, one row each. */
function throughputTable(report: Report): string[] {
  const torch = report.torch?.available ? report.torch.stepsPerSecond : undefined;
  const header = [
    'backend', 'model', 'engine steps/s', 'engine samples/s', 'fit steps/s', 'engine/fit', 'engine epoch steps/s', 'tensors (flat?)', 'peak RSS MB',
    'torch 1T / 2T steps/s', 'engine/torch 1T, 2T',
  ];
  const rows: string[][] = [header];
  const unavailable: string[] = [];
  for (const r of report.throughput) {
    if (!r.available) {
      unavailable.push(`${r.backend}: not available (${r.reason})`);
      continue;
    }
    const t = torch?.[r.model];
    const ours = r.engine!.stepsPerSecond.median;
    rows.push([
      r.backend, r.title, range(r.engine!.stepsPerSecond), fmt(r.engine!.samplesPerSecond.median), range(r.fit?.stepsPerSecond),
      `${fmt(r.engineOverFit, 2)}×`, fmt(r.engine!.epochStepsPerSecond.median),
      `${r.engine!.tensorsPerEpoch.at(-1)} ${r.engine!.tensorsFlat ? 'flat' : 'GROWS'} `
        + (r.fit ? `/ fit ${r.fit.tensorsPerEpoch.at(-1)} ${r.fit.tensorsFlat ? 'flat' : 'GROWS'}` : '/ fit cannot train it here'),
      fmt(r.peakRssMB),
      t ? `${fmt(t['1'])} / ${fmt(t['2'])}` : '–',
      t ? `${fmt(ours / t['1'], 2)}, ${fmt(ours / t['2'], 2)}` : '–',
    ]);
  }
  const widths = header.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return [...rows.map((row) => row.map((cell, i) => (cell ?? '').padEnd(widths[i])).join('  ').trimEnd()), ...unavailable];
}

export function printTable(report: Report): void {
  const lines: string[] = [];
  const { machine } = report;
  const load = machine.loadAverage.map((l) => l.toFixed(1)).join(' ');
  lines.push(`Dropout Lab bench, ${report.date}: ${machine.cpus} × ${machine.model}, node ${machine.node}, load ${load}`);
  lines.push(`Medians of ${report.options.reps} interleaved runs (min–max). Engine steps/s count its batch loop only; "epoch" includes its per-epoch scoring.`);
  lines.push('');
  lines.push(...throughputTable(report));
  lines.push('');
  if (report.torch && !report.torch.available) lines.push(`PyTorch reference: not run (${report.torch.reason}).`);
  else if (report.torch) {
    lines.push(`PyTorch reference: torch ${report.torch.version} (${report.torch.python}, BLAS ${report.torch.blas}), `
      + 'OMP_NUM_THREADS 1 and 2, same shapes, Adam, dropout.');
  }
  lines.push(...blasLines(report));
  const sweep = report.sweep;
  if (sweep && 'error' in sweep) lines.push(`Sweep: failed: ${sweep.error}`);
  else if (sweep) {
    lines.push(`Sweep (moons example, ${sweep.rates} rates × ${sweep.epochsPerTrial} epochs, wasm): 1 trainer ${range(sweep.oneTrainerSeconds, 1)} s, `
      + `2 trainers ${range(sweep.twoTrainersSeconds, 1)} s, ratio ${range(sweep.scalingRatio, 2)} (target ≤ 0.60)`);
    const delay = sweep.epochToListenerMs;
    lines.push(`Epoch end → runner listener: median ${fmt(delay.median, 2)} ms, p95 ${fmt(delay.p95, 2)} ms, max ${fmt(delay.max, 2)} ms (n = ${delay.n})`);
  }
  const queue = report.queue;
  if (queue && 'error' in queue) lines.push(`Queue: failed: ${queue.error}`);
  else if (queue) {
    lines.push(`Queue (moons example, ${queue.trials} trials × ${queue.epochsPerTrial} epochs, wasm): 2 local trainers ${range(queue.localSeconds, 1)} s, `
      + `2 workers × 1 slot through Redis ${range(queue.queueSeconds, 1)} s, queue/local ${range(queue.queueOverLocal, 2)} (target ≤ 1.10)`);
    const [l, q] = [queue.localEpochToListenerMs, queue.queueEpochToListenerMs];
    lines.push(`  epoch end → runner listener: local median ${fmt(l.median, 2)} ms (p95 ${fmt(l.p95, 2)}), `
      + `queue median ${fmt(q.median, 2)} ms (p95 ${fmt(q.p95, 2)}, max ${fmt(q.max, 2)})`);
  }
  const ui = report.ui;
  if (ui && 'error' in ui) lines.push(`Webview: not measured: ${ui.error}`);
  else if (ui) {
    lines.push(`Webview, live sweep of ${ui.trials} trials × ${ui.epochs} epochs (${ui.curvePointsDrawn} loss-curve points at the end) `
      + `replayed in ${fmt(ui.replaySeconds, 1)} s, ${ui.batches} batches of ~${fmt(ui.eventsPerBatch)} events:`);
    lines.push(`  message handling median ${fmt(ui.handlerMs.median, 1)} ms (p95 ${fmt(ui.handlerMs.p95, 1)}, max ${fmt(ui.handlerMs.max, 1)}); `
      + `${ui.redraws} redraws, median ${fmt(ui.redrawMs.median, 1)} ms (p95 ${fmt(ui.redrawMs.p95, 1)}, max ${fmt(ui.redrawMs.max, 1)}), `
      + `last ${fmt(ui.lastRedrawMs, 1)} ms; main thread busy ${fmt(100 * ui.mainThreadBusy)}%; opening the complete sweep ${fmt(ui.openCompleteMs, 1)} ms`);
  }
  const ext = report.extension;
  if (ext) {
    lines.push(`Bundles (KB): ${Object.entries(ext.bundleKB).map(([name, kb]) => `${name} ${kb}`).join(', ')}`);
    lines.push(`Extension: require ${fmt(ext.requireMs, 1)} ms, activate ${fmt(ext.activateMs, 1)} ms (${ext.note})`);
  }
  console.log(lines.join('\n'));
}

/** The issue-16 targets for wasm+blas ÷ wasm, by model. */
const blasTargets: Partial<Record<string, number>> = { wide: 2, small: 1.3 };

/** wasm+blas against wasm (paired), and the whole MNIST sweep on both against PyTorch. */
function blasLines(report: Report): string[] {
  const lines: string[] = [];
  const ratio = report.blasRatio;
  if (ratio && 'error' in ratio) lines.push(`wasm+blas ÷ wasm: not measured (${ratio.error})`);
  else if (ratio) {
    lines.push('wasm+blas ÷ wasm, engine steps/s, paired run by run in one process (kernels swapped in and out):');
    for (const r of ratio) {
      const target = blasTargets[r.model];
      const [wasm, blas] = r.variants;
      lines.push(`  ${r.model.padEnd(6)} ${range(wasm?.stepsPerSecond, 1)} → ${range(blas?.stepsPerSecond, 1)} steps/s: ×${range(r.ratio, 2)}`
        + (target ? ` (target ≥ ${target})` : ''));
    }
  }
  const mnist = report.mnistSweep;
  if (mnist && 'error' in mnist) lines.push(`MNIST sweep: failed: ${mnist.error}`);
  else if (mnist) {
    const torch = 'reason' in mnist.torch ? undefined : mnist.torch;
    const engine = (['wasm', 'wasm+blas'] as const).map((backend) => {
      const seconds = mnist.engineSeconds[backend];
      if (seconds === undefined) return `${backend} not run (${mnist.unavailable[backend] ?? '?'})`;
      return `${backend} ${fmt(seconds, 0)} s` + (torch ? ` (PyTorch ÷ it ${fmt(torch.seconds / seconds, 2)})` : '');
    });
    lines.push(`MNIST sweep (examples/mnist-wide, ${mnist.trials} trials × ${mnist.epochsPerTrial} epochs, 2 trainers): ${engine.join(', ')}; `
      + (torch ? `PyTorch ${torch.version}, 1 thread, the same trials: ${fmt(torch.seconds, 0)} s`
        : `PyTorch: not run (${(mnist.torch as { reason: string }).reason})`));
  }
  return lines;
}

export function printAb(results: AbResult[]): void {
  for (const r of results) {
    const variants = r.variants.map((v) => `${v.name} ${range(v.stepsPerSecond, 1)}`).join(' | ');
    console.log(`${r.backend} ${r.model}: ${variants} steps/s; ratio ${range(r.ratio, 2)} (n = ${r.ratio.n})`);
  }
}
