/**
 * `dropout-lab worker --redis URL [--slots N] [--backend B] [--no-modules]`: serves the trial queue of sweeps run
 * with `--executor URL`, from this machine. Ctrl-C once: running trials finish, no new one is taken; twice: running
 * trials are stopped and handed back to the queue for other workers.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { backendChoices, type BackendChoice } from '../core/backend';
import { errorMessage } from '../core/errors';
import { QueueWorker } from '../runner/queueWorker';
import { isRedisUrl } from '../core/redisUrl';
import { checkRedis } from '../runner/redisConnection';

export const workerUsage = `  dropout-lab worker --redis redis://[:password@]host:6379[/db] [--slots N] [--backend B] [--no-modules] [--name NAME]
      serves sweeps run with --executor on that Redis: N trials at a time (default: one per core), each in a trainer
      process; NAME (default: the host name) is where the run store says a trial ran. The password may come from
      DROPOUT_LAB_REDIS_PASSWORD. Ctrl-C finishes running trials; twice hands them back to the queue.`;

/** Thrown for a bad flag: the caller prints usage. */
export class WorkerUsageError extends Error {}

export async function worker(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      redis: { type: 'string' }, slots: { type: 'string' }, backend: { type: 'string', default: 'auto' },
      'no-modules': { type: 'boolean', default: false }, 'lock-ms': { type: 'string' }, name: { type: 'string' },
    },
  });
  if (!values.redis || !isRedisUrl(values.redis)) throw new WorkerUsageError('worker needs --redis redis://host:6379 (or rediss:// for TLS)');
  const slots = values.slots === undefined ? os.availableParallelism() : Number(values.slots);
  if (!(Number.isInteger(slots) && slots >= 1)) throw new WorkerUsageError('--slots takes a whole number ≥ 1');
  if (!backendChoices.includes(values.backend as BackendChoice)) throw new WorkerUsageError(`--backend must be one of ${backendChoices.join(', ')}`);
  // A short lock lets tests see a killed worker's job move on in seconds; BullMQ's 30 s suits real machines.
  const lockMs = values['lock-ms'] === undefined ? 30_000 : Number(values['lock-ms']);
  if (!(Number.isInteger(lockMs) && lockMs >= 1000)) throw new WorkerUsageError('--lock-ms takes a whole number of milliseconds ≥ 1000');
  try {
    await checkRedis(values.redis);
  } catch (error) {
    process.stderr.write(`dropout-lab: ${errorMessage(error)}\n`);
    return 1;
  }
  const queueWorker = new QueueWorker({
    redisUrl: values.redis, slots, backend: values.backend as BackendChoice, trainerPath: path.join(__dirname, 'trainer.js'),
    allowModules: !values['no-modules'], lockMs, ...(values.name ? { host: values.name } : {}), stalledIntervalMs: Math.max(1000, Math.round(lockMs / 2)),
    log: (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`),
  });
  await queueWorker.ready();
  process.stderr.write('ready; Ctrl-C to stop\n');
  return new Promise((resolve) => {
    let interrupts = 0;
    const stop = (): void => {
      interrupts++;
      if (interrupts > 2) process.exit(130);
      process.stderr.write(interrupts === 1
        ? '\nstopping: running trials finish first (Ctrl-C again to hand them back)\n' : '\nhanding running trials back to the queue\n');
      void queueWorker.close(interrupts === 2).then(() => resolve(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
