/**
 * Sweeps through BullMQ on a real Redis (Debian's redis-server on 127.0.0.1, a free port, no persistence) served by
 * real `dropout-lab worker` processes, against the same sweep on the local pool. Workers run with a 2 s lock, so a
 * killed worker's job moves on in seconds rather than BullMQ's default 30.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { Queue } from 'bullmq';
import type { SweepRecord } from '../../src/core/records';
import { trialQueueName } from '../../src/protocol/queueJobs';
import { checkRedis, redisOptions } from '../../src/runner/redisConnection';
import { resumeSweep, startSweep } from '../../src/runner/runner';
import { loadSweep } from '../../src/store/reader';
import { killedMidSweep, trialLines } from '../support/interrupt';
import { startRedis, startWorker, type RedisServer, type WorkerProcess } from '../../scripts/redisServer';
import { cliPath, tempDir, tinySpec, trainerPath, writeSpec } from '../support/specs';
import { testBackend } from '../support/backend';
import { sweepOptions } from '../support/sweeps';

const epochs = 12;
/** 9 trials of about a second each on wasm: long enough that a worker killed at an epoch is mid-trial. */
const nineTrials = tinySpec({
  dataset: { type: 'moons', samples: 240, noise: 0.2, validationFraction: 0.5 },
  model: { hidden: [32, 32] },
  training: { epochs, batchSize: 8, learningRate: 0.01, seed: 3 },
  sweep: { rates: [0, 0.25, 0.5], repeats: 3 },
});

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function redis(options: { password?: string } = {}): Promise<RedisServer> {
  const server = await startRedis(options);
  cleanups.push(() => server.stop());
  return server;
}

async function worker(url: string, name: string, slots: number): Promise<WorkerProcess> {
  const started = await startWorker(url, name, slots, testBackend);
  cleanups.push(() => started.stop());
  return started;
}


/** Each trial's epochs and summary without wall-clock times: what two runs of the same seeds must share. */
function trainedValues(record: SweepRecord): Record<string, unknown> {
  const strip = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (key, item: unknown) => (key === 'durationMs' ? undefined : item)));
  return Object.fromEntries(record.trials.map((trial) => [trial.plan.id, strip({ epochs: trial.epochs, summary: trial.summary })]));
}

/** Every trial completed with epochs 1..E, each once in its file. */
function assertEpochsOnce(dir: string, expected: number): void {
  const record = loadSweep(dir);
  for (const trial of record.trials) {
    assert.equal(trial.status, 'completed', trial.plan.id);
    const lines = fs.readFileSync(path.join(dir, 'trials', `${trial.plan.id}.jsonl`), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    const stored = lines.filter((line) => line.kind === 'epoch').map((line) => line.epoch);
    assert.deepEqual(stored, Array.from({ length: expected }, (_, i) => i + 1), trial.plan.id);
  }
}

async function queueCounts(url: string): Promise<Record<string, number>> {
  const queue = new Queue(trialQueueName, { connection: redisOptions(url) });
  try {
    return await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
  } finally {
    await queue.close();
  }
}

describe('sweeps through BullMQ workers on Redis', () => {
  test('9 trials on 2 workers × 2 slots, one SIGKILLed after its first epoch: every epoch stored once, equal to the local pool', async () => {
    const server = await redis();
    const [w1] = await Promise.all([worker(server.url, 'w1', 2), worker(server.url, 'w2', 2)]);
    const options = sweepOptions(nineTrials, { executor: server.url });
    let killed = false;
    const run = startSweep({
      ...options,
      onEvent: (event) => {
        options.events.push(event);
        if (killed || event.type !== 'epoch') return;
        const started = options.events.find((e) => e.type === 'trialStarted' && e.trialId === event.trialId);
        if (started?.type === 'trialStarted' && started.where?.host === 'w1') {
          killed = true;
          w1.child.kill('SIGKILL');
        }
      },
    });
    assert.equal(await run.finished, 'completed');
    assert.ok(killed, 'w1 ran a trial');
    // The queue's depth counts worker processes, never their 4 slots (whether a poll, once a second, saw both before
    // w1 was killed is timing; test/e2e/queue.e2e.ts sees "2 workers" with both up the whole sweep).
    assert.ok(options.events.every((e) => e.type !== 'queue' || e.workers <= 2));
    // The jobs w1 held went to w2 once their 2 s lock lapsed: a second attempt, on w2.
    const retried = options.events.filter((e) => e.type === 'trialStarted' && e.where && e.where.attempt > 1);
    assert.ok(retried.length >= 1, 'a job was taken over');
    assert.ok(retried.every((e) => e.type === 'trialStarted' && e.where?.host === 'w2'));
    assertEpochsOnce(run.dir, epochs);
    const record = loadSweep(run.dir);
    assert.equal(record.manifest.executor, server.url);
    assert.ok(record.manifest.bestModel, 'the best model came back through Redis');
    assert.ok(fs.existsSync(path.join(run.dir, 'best-model', 'model.json')));

    const local = startSweep(sweepOptions(nineTrials));
    assert.equal(await local.finished, 'completed');
    // Same seeds, same backend (wasm in every trainer): identical metrics, to the last bit.
    assert.deepEqual(trainedValues(record), trainedValues(loadSweep(local.dir)));
  });

  test('Stop removes the jobs no worker took and cancels the running one at its next batch', async () => {
    const server = await redis();
    // Trials of 200 epochs: the one running is still far from its end when Stop reaches its worker (within 0.5 s).
    const options = sweepOptions({ ...nineTrials, training: { ...nineTrials.training as object, epochs: 200 } }, { executor: server.url });
    const run = startSweep(options);
    const queued = (): boolean => options.events.some((e) => e.type === 'queue' && e.waiting === 9);
    while (!queued()) await new Promise((resolve) => setTimeout(resolve, 50));
    const w1 = await worker(server.url, 'w1', 1);
    while (!options.events.some((e) => e.type === 'epoch')) await new Promise((resolve) => setTimeout(resolve, 20));
    run.cancel();
    assert.equal(await run.finished, 'cancelled');
    const record = loadSweep(run.dir);
    const byStatus = (status: string): number => record.trials.filter((trial) => trial.status === status).length;
    assert.equal(byStatus('cancelled'), 9, JSON.stringify(record.trials.map((t) => [t.plan.id, t.status])));
    const trained = record.trials.filter((trial) => trial.epochs.length > 0);
    assert.equal(trained.length, 1, 'only the running trial trained');
    assert.ok(trained[0]!.epochs.length < 200, 'it stopped before its last epoch');
    const counts = await queueCounts(server.url);
    assert.equal(counts.waiting + counts.delayed + counts.active, 0, JSON.stringify(counts));
    assert.equal(w1.lines.filter((line) => / of sweep /.test(line)).length, 1, w1.lines.join('\n'));
  });

  test('a wrong password is refused before anything starts, naming the URL (password hidden)', async () => {
    const server = await redis({ password: 's3cret' });
    const wrong = `redis://:nope@127.0.0.1:${server.port}`;
    const refused = new RegExp(`^Error: cannot use Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${server.port}: it refused the password`);
    await assert.rejects(checkRedis(wrong), refused);
    await checkRedis(server.url);
    const dir = tempDir();
    const spec = writeSpec(dir, nineTrials);
    const cli = spawnSync(process.execPath, [cliPath, 'run', spec, '--executor', wrong], { encoding: 'utf8' });
    assert.equal(cli.status, 1, cli.stderr);
    assert.match(cli.stderr, /cannot use Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: it refused the password/);
    assert.doesNotMatch(cli.stderr, /nope/);
    assert.equal(fs.existsSync(path.join(dir, '.dropout')), false, 'no sweep folder was made');
    const down = spawnSync(process.execPath, [cliPath, 'worker', '--redis', `redis://127.0.0.1:${server.port + 1}`], { encoding: 'utf8' });
    assert.equal(down.status, 1);
    assert.match(down.stderr, /cannot use Redis at redis:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  });

  test('Redis killed mid-sweep: the sweep reads as interrupted, stored epochs stay; once Redis is back, resume finishes it', async () => {
    const server = await redis();
    await worker(server.url, 'w1', 2);
    const options = sweepOptions(nineTrials, { executor: server.url, lostAfterMs: 3000 });
    const run = startSweep(options);
    while (options.events.filter((e) => e.type === 'epoch').length < 3) await new Promise((resolve) => setTimeout(resolve, 20));
    await server.kill();
    assert.equal(await run.finished, 'interrupted');
    assert.ok(options.events.some((e) => e.type === 'log' && /Redis at redis:\/\/127\.0\.0\.1:\d+ has not answered for \d+ s.*interrupted/.test(e.message)));
    const before = loadSweep(run.dir);
    assert.equal(before.status, 'interrupted');
    const storedBefore = before.trials.flatMap((trial) => trial.epochs.map((epoch) => `${trial.plan.id}@${epoch.epoch}`));
    assert.ok(storedBefore.length >= 3, 'the epochs stored before Redis went are kept');

    await server.restart();
    const resumed = resumeSweep(run.dir, { trainerPath, backend: testBackend });
    assert.equal(await resumed.finished, 'completed');
    assertEpochsOnce(run.dir, epochs);
    const after = loadSweep(run.dir);
    for (const key of storedBefore) {
      const [id, epoch] = key.split('@');
      assert.ok(after.trials.find((t) => t.plan.id === id)?.epochs.some((e) => e.epoch === Number(epoch)), key);
    }
  });

  test('the runner killed mid-sweep: workers finish their jobs, resume collects them from Redis without training them again', async () => {
    const server = await redis();
    const w1 = await worker(server.url, 'w1', 2);
    const dir = tempDir();
    const spec = writeSpec(dir, nineTrials);
    const runs = path.join(dir, 'runs');
    const sweepDir = await killedMidSweep(spec, runs, ['--executor', server.url], (at) => trialLines(at, 'rate-0_seed-3') >= 3);
    // The workers go on: wait until the queue has nothing left to run.
    for (;;) {
      const counts = await queueCounts(server.url);
      if (counts.waiting + counts.active + counts.delayed === 0 && counts.completed === 9) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const resumed = resumeSweep(sweepDir, { trainerPath, backend: testBackend });
    assert.equal(await resumed.finished, 'completed');
    assertEpochsOnce(sweepDir, epochs);
    // Each trial ran once, on w1: resume took the results from Redis.
    for (const trial of loadSweep(sweepDir).trials) {
      assert.equal(w1.lines.filter((line) => line.includes(`${trial.plan.id} of sweep`)).length, 1, trial.plan.id);
    }
    assert.equal((await queueCounts(server.url)).completed, 0, 'collected jobs are removed from Redis');
  });

  test('hyperband over 2 workers: a trial promoted after its round on one worker continues from its checkpoint on the other', async () => {
    const server = await redis();
    const w1 = await worker(server.url, 'w1', 1);
    // runner.test.ts's hyperband sweep: maxEpochs 4, factor 2, 3 brackets, 10 trials; bracket 2's first round (4
    // trials, 1 epoch) comes first in the queue, so w1 trains it alone; once it is ranked w1 is killed and w2 starts.
    const spec = tinySpec({
      training: { batchSize: 16, learningRate: 0.01, seed: 3 },
      sweep: { rates: [0, 0.2, 0.4, 0.6], strategy: 'hyperband', maxEpochs: 4, factor: 2 },
    });
    const options = sweepOptions(spec, { executor: server.url });
    let w2: Promise<WorkerProcess> | undefined;
    const run = startSweep({
      ...options,
      onEvent: (event) => {
        options.events.push(event);
        if (event.type !== 'rung' || w2) return;
        w1.child.kill('SIGKILL');
        w2 = worker(server.url, 'w2', 1);
      },
    });
    assert.equal(await run.finished, 'completed');
    const record = loadSweep(run.dir);
    const [first] = record.manifest.rungs!;
    assert.deepEqual([first!.bracket, first!.round, first!.promoted.length], [2, 0, 2]);
    for (const id of first!.promoted) {
      const lines = fs.readFileSync(path.join(run.dir, 'trials', `${id}.jsonl`), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
      const hosts = lines.filter((line) => line.kind === 'header').map((line) => line.where?.host);
      assert.equal(hosts[0], 'w1', id);
      assert.equal(hosts[1], 'w2', `${id} continued on the other worker`);
      const stored = lines.filter((line) => line.kind === 'epoch').map((line) => line.epoch);
      assert.deepEqual(stored, Array.from({ length: stored.length }, (_, i) => i + 1), id);
      assert.ok(stored.length >= 2, `${id} trained past its first rung`);
    }
    const local = startSweep(sweepOptions(spec));
    assert.equal(await local.finished, 'completed');
    // The checkpoint that went through Redis resumes training exactly: every trial as on the local pool.
    assert.deepEqual(trainedValues(record), trainedValues(loadSweep(local.dir)));
    assert.deepEqual(record.manifest.rungs, loadSweep(local.dir).manifest.rungs);
  });
});
