/**
 * The queue executor against the local pool (issue 15): the moons example on 2 local trainers, then through Redis
 * to 2 `dropout-lab worker` processes of 1 slot each on this machine, interleaved; and the delay from a trainer
 * having an epoch's metrics to the runner's listener, on both ways. Target: the queue within 1.1× the local pool's
 * wall time. A real redis-server (Debian's) on a free port, stopped after.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExperimentSpec } from '../../src/core/spec';
import { startSweep } from '../../src/runner/runner';
import { startRedis, startWorker } from '../redisServer';
import { specOf } from './models';
import { root, type Options } from './options';
import { p95, spread, type Spread } from './stats';

export interface QueueFigures {
  trials: number;
  epochsPerTrial: number;
  localSeconds: Spread;
  queueSeconds: Spread;
  /** Per interleaved pair, the queue's wall time over the local pool's; the target is ≤ 1.1. */
  queueOverLocal: Spread;
  localEpochToListenerMs: Spread & { p95: number };
  queueEpochToListenerMs: Spread & { p95: number };
}

async function timeSweep(spec: ExperimentSpec, runsRoot: string, delays: number[], executor?: string): Promise<number> {
  const started = performance.now();
  const run = startSweep({
    spec, specPath: path.join(root, 'examples', 'moons.dropout.json'), specText: JSON.stringify(spec), runsRoot, backend: 'wasm', workers: 2,
    trainerPath: path.join(root, 'dist', 'trainer.js'), ...(executor ? { executor } : {}),
    onEvent: (event) => {
      if (event.type === 'epoch' && event.endedAt !== undefined) delays.push(performance.timeOrigin + performance.now() - event.endedAt);
    },
  });
  const status = await run.finished;
  if (status !== 'completed') throw new Error(`bench sweep ended ${status}${run.error ? `: ${run.error}` : ''}`);
  return (performance.now() - started) / 1000;
}

/** Needs `npm run build` first (workers run dist/cli.js) and /usr/bin/redis-server. */
export async function measureQueue(options: Options): Promise<QueueFigures> {
  const example = specOf({ example: 'moons' });
  const spec: ExperimentSpec = { ...example, training: { ...example.training, epochs: options.sweepEpochs ?? example.training.epochs } };
  const runsRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'dropout-lab-bench-queue-'));
  const redis = await startRedis();
  const workers = await Promise.all([startWorker(redis.url, 'bench-1', 1), startWorker(redis.url, 'bench-2', 1)]);
  const local: number[] = [];
  const queue: number[] = [];
  const localDelays: number[] = [];
  const queueDelays: number[] = [];
  try {
    for (let pair = 0; pair < 2; pair++) {
      local.push(await timeSweep(spec, runsRoot, localDelays));
      queue.push(await timeSweep(spec, runsRoot, queueDelays, redis.url));
    }
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    await redis.stop();
    fs.rmSync(runsRoot, { recursive: true, force: true });
  }
  return {
    trials: spec.sweep.rates.length * spec.sweep.repeats, epochsPerTrial: spec.training.epochs,
    localSeconds: spread(local), queueSeconds: spread(queue), queueOverLocal: spread(queue.map((seconds, i) => seconds / local[i]!)),
    localEpochToListenerMs: { ...spread(localDelays), p95: p95(localDelays) },
    queueEpochToListenerMs: { ...spread(queueDelays), p95: p95(queueDelays) },
  };
}
