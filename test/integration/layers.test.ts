import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { jsonSummary, rateTable } from '../../src/cli/report';
import { parseSpec } from '../../src/engine/spec/parse';
import { startSweep } from '../../src/runner/runner';
import { sweepToCsv } from '../../src/store/csv';
import { loadSweep } from '../../src/store/reader';
import { tempDir, tinySpec, trainerPath, writeSpec } from '../support/specs';
import { testBackend } from '../support/backend';

async function runSpec(spec: Record<string, unknown>) {
  const specPath = writeSpec(tempDir(), spec);
  const specText = fs.readFileSync(specPath, 'utf8');
  const parsed = parseSpec(specText);
  assert.ok(parsed.spec, JSON.stringify(parsed.problems));
  const run = startSweep({ spec: parsed.spec, specPath, specText, backend: testBackend, workers: 2, trainerPath });
  assert.equal(await run.finished, 'completed');
  return loadSweep(run.dir);
}

const metricsOf = (record: ReturnType<typeof loadSweep>, id: string) =>
  record.trials.find((trial) => trial.plan.id === id)!.epochs.map(({ durationMs: _ms, ...metrics }) => metrics);

describe('per-layer rates through the runner', () => {
  test('a 2 × 2 sweep trains every (input rate, rate) pair, stores it under readable names, and summarises per pair', async () => {
    const layers = await runSpec(tinySpec({ sweep: { rates: [0, 0.5], inputRates: [0, 0.3] } }));
    const ids = ['input-0_rate-0_seed-3', 'input-0_rate-0.5_seed-3', 'input-0.3_rate-0_seed-3', 'input-0.3_rate-0.5_seed-3'];
    assert.deepEqual(layers.manifest.trials.map((t) => [t.id, t.inputRate, t.rate]),
      [[ids[0], 0, 0], [ids[1], 0, 0.5], [ids[2], 0.3, 0], [ids[3], 0.3, 0.5]]);
    assert.deepEqual(fs.readdirSync(path.join(layers.dir, 'trials')).sort(), ids.map((id) => `${id}.jsonl`).sort());
    assert.deepEqual(layers.warnings, []);
    for (const trial of layers.trials) assert.deepEqual(trial.epochs.map((e) => e.epoch), [1, 2, 3, 4], trial.plan.id);

    // The input rate reaches the model: input 0 trains exactly like a sweep without inputRates (same seed, same
    // data, same weights, model.inputDropout 0); input 0.3 does not.
    const plain = await runSpec(tinySpec({ sweep: { rates: [0, 0.5] } }));
    assert.deepEqual(plain.manifest.trials.map((t) => t.id), ['rate-0_seed-3', 'rate-0.5_seed-3']);
    assert.deepEqual(metricsOf(layers, ids[0]), metricsOf(plain, 'rate-0_seed-3'));
    assert.deepEqual(metricsOf(layers, ids[1]), metricsOf(plain, 'rate-0.5_seed-3'));
    assert.notDeepEqual(metricsOf(layers, ids[2]), metricsOf(layers, ids[0]));

    // Summary: one row per pair; the manifest's best, the JSON and the table name both rates.
    const summary = jsonSummary(layers);
    assert.deepEqual(summary.inputRates, [0, 0.3]);
    assert.deepEqual(summary.rates.map((r) => [r.inputRate, r.rate, r.seeds]), [[0, 0, 1], [0, 0.5, 1], [0.3, 0, 1], [0.3, 0.5, 1]]);
    assert.deepEqual(summary.trials.map((t) => [t.id, t.inputRate, t.rate]), layers.manifest.trials.map((t) => [t.id, t.inputRate, t.rate]));
    const lowest = [...summary.rates].sort((a, b) => a.bestValLoss.mean - b.bestValLoss.mean)[0]!;
    assert.deepEqual(layers.manifest.best, {
      inputRate: lowest.inputRate, rate: lowest.rate, val_loss: lowest.bestValLoss.mean, objective: { name: 'val_loss', value: lowest.bestValLoss.mean },
    });
    assert.deepEqual([summary.best?.inputRate, summary.best?.rate], [lowest.inputRate, lowest.rate]);
    assert.match(summary.best!.explanation, new RegExp(`^input rate ${lowest.inputRate}, rate ${lowest.rate} had the lowest val_loss \\(one seed: not tested`));
    const table = rateTable(layers).split('\n');
    assert.match(table[0]!, /^input rate {2}rate {2}keep p/);
    assert.equal(table.filter((line) => line.endsWith('◀ best (not distinguishable)')).length, 1, 'one seed: a best, but not a winner');
    assert.match(table.find((line) => line.includes('◀ best'))!, new RegExp(`^ *${lowest.inputRate} +${lowest.rate} `));
    assert.equal(sweepToCsv(layers).split('\r\n')[0], 'sweep,trial,input_rate,rate,keep,seed,status,epoch,loss,acc,train_loss,train_acc,'
      + 'val_loss,val_acc,mc_val_loss,mc_val_acc,mc_entropy,durationMs,selected_epoch,test_loss,test_acc');

    // Without inputRates nothing of this shows.
    const plainSummary = jsonSummary(plain);
    assert.equal('inputRates' in plainSummary, false);
    assert.ok(plainSummary.rates.every((r) => !('inputRate' in r)) && plainSummary.trials.every((t) => !('inputRate' in t)));
    assert.match(rateTable(plain), /^rate {2}keep p/);
    assert.equal(sweepToCsv(plain).split('\r\n')[0], 'sweep,trial,rate,keep,seed,status,epoch,loss,acc,train_loss,train_acc,'
      + 'val_loss,val_acc,mc_val_loss,mc_val_acc,mc_entropy,durationMs,selected_epoch,test_loss,test_acc');
  });
});
