/**
 * `npm run bench:load`: Dropout Lab under load, measured, not asserted (timings never run in the tests).
 *
 *   npm run bench:load [-- options]
 *     --sweeps N      sweeps in the generated history (default 1000)
 *     --rates N       trials per generated sweep (default 9), --epochs N epochs each (default 50)
 *     --opens N       sweeps opened at random for the open timing (default 30)
 *     --trials N      trials of the real sweep (default 200 = 100 rates × 2 seeds, 2 epochs, tiny moons); 0 skips it
 *     --workers N     trainer processes for it (default: one per core)
 *     --json          print one JSON object
 *
 * 1. A history of N sweeps is written with the store's writer into a temporary folder; listing it is timed through
 *    `listSweeps` (what the side view and `dropout-lab list` call), opening a sweep through `loadSweep` + `toSnapshot`
 *    (what the experiment panel is sent).
 * 2. A real sweep of many short trials runs through the runner and trainer processes; every event goes through a
 *    `ViewConnection` (the host's batching to a webview) with a stand-in webview, to count the messages a view
 *    receives. Needs `npm run build` first (the runner forks dist/trainer.js).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { ViewConnection } from '../../src/extension/viewConnection';
import { parseSpec } from '../../src/engine/spec/parse';
import type { ExperimentSpec } from '../../src/core/spec';
import { isFromSideViewMessage, type FromSideViewMessage, type ToSideViewMessage } from '../../src/protocol/sideView';
import type { SweepEvent } from '../../src/protocol/sweepEvents';
import { startSweep } from '../../src/runner/runner';
import { listSweeps, loadSweep } from '../../src/store/reader';
import { toSnapshot } from '../../src/store/snapshot';
import { writeHistory } from '../support/history';
import { tinySpec, trainerPath } from '../support/specs';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const options = {
  sweeps: option('--sweeps', 1000), rates: option('--rates', 9), epochs: option('--epochs', 50), opens: option('--opens', 30),
  trials: option('--trials', 200), workers: option('--workers', os.availableParallelism()), json: process.argv.includes('--json'),
};

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (ms: number): number => Math.round(ms * 10) / 10;

function timed<T>(work: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = work();
  return { ms: performance.now() - start, value };
}

function measureHistory() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dropout-lab-load-'));
  const written = timed(() => writeHistory(root, { count: options.sweeps, rates: options.rates, epochs: options.epochs, interruptedEvery: 10 }));
  const lists = Array.from({ length: 5 }, () => timed(() => listSweeps(root)));
  const listed = lists[0]!.value;
  const opens = Array.from({ length: options.opens }, () => {
    const sweep = written.value[Math.floor(Math.random() * written.value.length)]!;
    const open = timed(() => toSnapshot(loadSweep(sweep.dir)));
    return { ms: open.ms, bytes: JSON.stringify(open.value).length };
  });
  fs.rmSync(root, { recursive: true, force: true });
  return {
    sweeps: options.sweeps, trialsPerSweep: options.rates, epochsPerTrial: options.epochs,
    writeSeconds: round(written.ms / 1000),
    listed: listed.length, interruptedListed: listed.filter((sweep) => sweep.status === 'interrupted').length,
    listMs: { first: round(lists[0]!.ms), median: round(median(lists.map((l) => l.ms))), max: round(Math.max(...lists.map((l) => l.ms))) },
    openMs: { median: round(median(opens.map((o) => o.ms))), max: round(Math.max(...opens.map((o) => o.ms))) },
    snapshotKB: Math.round(median(opens.map((o) => o.bytes)) / 1024),
  };
}

/** The stand-in webview (a side view, which every sweep's events reach): ready at once, counting what the host posts. */
function countingView() {
  let receive: ((message: unknown) => void) | undefined;
  const posted: ToSideViewMessage[] = [];
  const webview = {
    onDidReceiveMessage: (listener: (message: unknown) => void) => ((receive = listener), { dispose() {} }),
    postMessage: async (message: ToSideViewMessage) => posted.push(message),
  } as unknown as vscode.Webview;
  const log = { warn: (line: string) => console.error(line) } as unknown as vscode.LogOutputChannel;
  const connection = new ViewConnection<ToSideViewMessage, FromSideViewMessage>(webview, log, isFromSideViewMessage, { onReady() {}, onMessage() {} });
  receive!({ type: 'ready' });
  return { connection, posted };
}

async function measureManyTrials() {
  const rateCount = Math.ceil(options.trials / 2);
  const rates = Array.from({ length: rateCount }, (_, i) => Math.round((i / rateCount) * 1000) / 1000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dropout-lab-load-'));
  const specText = JSON.stringify(tinySpec({
    dataset: { type: 'moons', samples: 40, noise: 0.2, validationFraction: 0.5 }, model: { hidden: [8] },
    training: { epochs: 2, batchSize: 20, seed: 1 }, sweep: { rates, repeats: 2 }, evaluation: { mcSamples: 0 },
  }));
  const specPath = path.join(dir, 'many.dropout.json');
  fs.writeFileSync(specPath, specText);
  const view = countingView();
  const events: SweepEvent[] = [];
  const start = performance.now();
  const run = startSweep({
    spec: parseSpec(specText).spec as ExperimentSpec, specPath, specText, backend: 'wasm', workers: options.workers, trainerPath,
    onEvent: (event) => {
      events.push(event);
      view.connection.postEvent(run.dir, event);
    },
  });
  const status = await run.finished;
  const wallMs = performance.now() - start;
  await new Promise((resolve) => setTimeout(resolve, 100)); // the last batch
  const record = loadSweep(run.dir);
  view.connection.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
  const batches = view.posted.filter((message) => message.type === 'sweepEvents');
  return {
    trials: run.trials.length, workers: options.workers, status,
    completedTrials: record.trials.filter((trial) => trial.status === 'completed').length,
    storedEpochs: record.trials.reduce((sum, trial) => sum + trial.epochs.length, 0),
    wallSeconds: round(wallMs / 1000),
    sweepEvents: events.length,
    hostMessages: view.posted.length,
    largestBatch: Math.max(...batches.map((message) => (message.type === 'sweepEvents' ? message.events.length : 0))),
  };
}

async function main(): Promise<void> {
  const history = measureHistory();
  const manyTrials = options.trials > 0 ? await measureManyTrials() : undefined;
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ history, manyTrials }, null, 2)}\n`);
    return;
  }
  const lines = [
    `history: ${history.sweeps} sweeps × ${history.trialsPerSweep} trials × ${history.epochsPerTrial} epochs written in ${history.writeSeconds} s`,
    `  list (listSweeps, side view and \`dropout-lab list\`): ${history.listed} sweeps, ${history.interruptedListed} interrupted; `
      + `first ${history.listMs.first} ms, median ${history.listMs.median} ms, max ${history.listMs.max} ms of 5 (target < 1000 ms)`,
    `  open (loadSweep + toSnapshot, what the panel is sent): median ${history.openMs.median} ms, max ${history.openMs.max} ms `
      + `over ${options.opens} random sweeps (target < 200 ms); snapshot ≈ ${history.snapshotKB} KB`,
  ];
  if (manyTrials) {
    lines.push(
      `many trials: ${manyTrials.trials} trials × 2 epochs on ${manyTrials.workers} trainers: ${manyTrials.status} in ${manyTrials.wallSeconds} s; `
        + `${manyTrials.completedTrials} completed, ${manyTrials.storedEpochs} epochs stored`,
      `  ${manyTrials.sweepEvents} sweep events reached a view as ${manyTrials.hostMessages} messages to the view `
        + `(batched every 50 ms; largest batch ${manyTrials.largestBatch} events)`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

void main();
