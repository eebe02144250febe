import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parseSpec } from '../../src/engine/spec/parse';
import type { SweepEvent } from '../../src/protocol/sweepEvents';
import { startSweep } from '../../src/runner/runner';
import { loadSweep } from '../../src/store/reader';
import { cliPath, repoRoot, tempDir, tinySpec, writeSpec } from '../support/specs';
import { testBackend } from '../support/backend';

const ballastTrainer = path.join(repoRoot, 'test', 'support', 'ballastTrainer.cjs');

describe('resource limits', () => {
  test('a trainer over --max-memory-mb is stopped: its trial fails with the reason, the others complete, the store agrees', async () => {
    // A tiny-spec trainer peaks at about 103 MiB RSS here (VmHWM, wasm); 700 MiB of ballast takes one trial's trainer over 400.
    const limitMB = 400;
    process.env.DROPOUT_LAB_BALLAST_TRIAL = 'rate-0.3_seed-1';
    process.env.DROPOUT_LAB_BALLAST_MB = '700';
    const dir = tempDir();
    const specPath = writeSpec(dir, tinySpec({ training: { epochs: 30, batchSize: 8, seed: 1 }, sweep: { rates: [0, 0.3, 0.6] } }));
    const specText = fs.readFileSync(specPath, 'utf8');
    const { spec } = parseSpec(specText);
    assert.ok(spec);
    const events: SweepEvent[] = [];
    const run = startSweep({
      spec, specPath, specText, backend: testBackend, workers: 2, trainerPath: ballastTrainer,
      maxMemoryMB: limitMB, memoryPollMs: 50, onEvent: (event) => events.push(event),
    });
    assert.equal(await run.finished, 'completed');

    const record = loadSweep(run.dir);
    assert.equal(record.status, 'completed');
    assert.deepEqual(record.warnings, []);
    const byId = new Map(record.trials.map((trial) => [trial.plan.id, trial]));
    const stopped = byId.get('rate-0.3_seed-1')!;
    assert.equal(stopped.status, 'failed');
    const reason = stopped.summary?.error ?? '';
    const used = /^trainer used (\d+) MiB, limit 400 MiB; it was stopped/.exec(reason);
    assert.ok(used, reason);
    assert.ok(Number(used[1]) > limitMB, reason);
    for (const id of ['rate-0_seed-1', 'rate-0.6_seed-1']) {
      const trial = byId.get(id)!;
      assert.equal(trial.status, 'completed', `${id}: ${trial.summary?.error}`);
      assert.deepEqual(trial.epochs.map((epoch) => epoch.epoch), Array.from({ length: 30 }, (_, i) => i + 1));
    }
    // The listeners heard the same: one failure, with the reason, and a log line naming the trainer.
    const ended = events.filter((event) => event.type === 'trialEnded');
    assert.deepEqual(ended.filter((event) => event.summary.status === 'failed').map((event) => event.trialId), ['rate-0.3_seed-1']);
    assert.ok(events.some((event) => event.type === 'log' && event.level === 'error'
      && /\(pid \d+\): trainer used \d+ MiB, limit 400 MiB/.test(event.message)));
  });

  test('the CLI refuses a spec over --max-parameters or --max-memory-mb at the field, before any trainer', () => {
    const dir = tempDir();
    const text = JSON.stringify(tinySpec(), null, 2);
    const spec = writeSpec(dir, text);
    const hiddenAt = (() => {
      const before = text.slice(0, text.indexOf('[', text.indexOf('"hidden"'))).split('\n');
      return `${before.length}:${before.at(-1)!.length + 1}`;
    })();
    // model.hidden [16] on moons: 2·16 + 16 + 16·2 + 2 = 82 parameters.
    const parameters = spawnSync(process.execPath, [cliPath, 'run', spec, '--max-parameters', '50'], { encoding: 'utf8' });
    assert.equal(parameters.status, 2);
    assert.ok(parameters.stderr.startsWith(`${spec}:${hiddenAt} model.hidden: the model has 82 parameters (layers 2 → 16 → 2), more than the limit of 50;`),
      parameters.stderr);
    const memory = spawnSync(process.execPath, [cliPath, 'validate', spec, '--max-memory-mb', '64'], { encoding: 'utf8' });
    assert.equal(memory.status, 2);
    assert.equal(memory.stderr, `${spec}:1:1 the memory limit of 64 MiB is below what a trainer needs before any model or data (128 MiB); `
      + 'raise it (--max-memory-mb, setting dropoutLab.limits.maxMemoryMB)\n');
    assert.equal(fs.existsSync(path.join(dir, '.dropout')), false);
    const validate = (...args: string[]) => spawnSync(process.execPath, [cliPath, 'validate', spec, ...args], { encoding: 'utf8' });
    assert.match(validate('--max-memory-mb', 'lots').stderr, /--max-memory-mb takes a number > 0, got "lots"/);
    assert.equal(validate('--max-parameters', '82').status, 0, 'the limit itself is allowed');
  });
});
