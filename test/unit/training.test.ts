/**
 * The training loop (trainTrial): reproducibility, tensor hygiene, metric sanity, early stopping, cancellation,
 * divergence, the two dropout styles at rate 0, and regression from a CSV file.
 *
 * Every run is seeded, so every outcome below is deterministic on a given backend (wasm here).
 */
import { workspaceFiles } from '../../src/workspace/dataFiles';
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/engine/backend';
import { loadDataset, type Dataset } from '../../src/engine/datasets';
import { createRng, permutation } from '../../src/engine/random';
import { parseSpec } from '../../src/engine/spec/parse';
import type { ExperimentSpec } from '../../src/core/spec';
import { trainTrial, type PausedTrial } from '../../src/engine/train/loop';
import type { EpochMetrics, TrialSummary } from '../../src/core/trial';
import type { TrialRecord } from '../../src/core/records';
import { exclusionOf, selectionSettingsOf } from '../../src/core/selection';
import { bestRate, summarizeByRate, type RateSummary } from '../../src/core/summary';
import { chooseBestModel } from '../../src/store/bestModel';
import { tempDir } from '../support/specs';
import { testBackend } from '../support/backend';

// ---------------------------------------------------------------------------------------------------------------
// Helpers

type Json = Record<string, any>;

/** A spec through the real parser (so defaults are the real ones); `edit` merges into each top-level section. */
function buildSpec(edit: { dataset?: Json; model?: Json; training?: Json; evaluation?: Json } = {}): ExperimentSpec {
  const doc = {
    name: 'unit',
    dataset: { type: 'moons', samples: 120, noise: 0.2, validationFraction: 0.3, ...edit.dataset },
    model: { hidden: [32, 32], ...edit.model },
    training: { epochs: 8, batchSize: 32, optimizer: 'adam', learningRate: 0.01, seed: 1, ...edit.training },
    sweep: { rates: [0, 0.3] },
    evaluation: { mcSamples: 5, ...edit.evaluation },
  };
  const { spec, problems } = parseSpec(JSON.stringify(doc));
  assert.ok(spec, `invalid test spec: ${JSON.stringify(problems)}`);
  return spec;
}

interface Run {
  summary: TrialSummary;
  epochs: EpochMetrics[];
  /** tf.memory().numTensors read inside each onEpoch. */
  tensorCounts: number[];
}

async function run(
  spec: ExperimentSpec,
  dataset: Dataset,
  rate: number,
  seed: number,
  isCancelled: (state: { epochsReported: number; calls: number }) => boolean = () => false,
): Promise<Run> {
  const epochs: EpochMetrics[] = [];
  const tensorCounts: number[] = [];
  let calls = 0;
  const summary = await trainTrial({ spec, dataset, rate, seed }, {
    onEpoch: (metrics) => {
      epochs.push(metrics);
      tensorCounts.push(tf.memory().numTensors);
    },
    isCancelled: () => isCancelled({ epochsReported: epochs.length, calls: ++calls }),
  });
  return { summary, epochs, tensorCounts };
}

/** Everything but the wall-clock fields, which legitimately differ between identical runs. */
function withoutDurations(r: Run): { summary: Json; epochs: Json[] } {
  const strip = ({ durationMs: _, ...rest }: EpochMetrics): Json => rest;
  const { durationMs: _, final, ...summary } = r.summary;
  return { summary: { ...summary, final: final && strip(final) }, epochs: r.epochs.map(strip) };
}

function moons(spec: ExperimentSpec): Dataset {
  return loadDataset(spec.dataset, { seed: spec.training.seed, files: workspaceFiles(os.tmpdir()) });
}

/** Population variance. */
function variance(values: Float32Array): number {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
}

// A regression CSV, y = 2·x1 − x2 + N(0, 0.1²), with x1 ~ N(0, 3²) and x2 ~ N(0, 1): Var(y) ≈ 37.
let csvDir: string;

function regressionSpec(training: Json, model: Json = { hidden: [32] }): ExperimentSpec {
  const { spec, problems } = parseSpec(JSON.stringify({
    name: 'regression',
    dataset: { type: 'csv', path: 'data.csv', target: 'y', task: 'regression' },
    model,
    training: { batchSize: 32, seed: 3, ...training },
    sweep: { rates: [0, 0.1] },
    evaluation: { mcSamples: 5 },
  }));
  assert.ok(spec, `invalid test spec: ${JSON.stringify(problems)}`);
  return spec;
}

before(async () => {
  const info = await initBackend(testBackend);
  assert.equal(info.name, testBackend);
  csvDir = tempDir('dropout-lab-training-');
  const rng = createRng(5);
  const rows = ['x1,x2,y'];
  for (let i = 0; i < 300; i++) {
    const x1 = 3 * rng.normal();
    const x2 = rng.normal();
    rows.push(`${x1},${x2},${2 * x1 - x2 + 0.1 * rng.normal()}`);
  }
  fs.writeFileSync(path.join(csvDir, 'data.csv'), `${rows.join('\n')}\n`);
});

// ---------------------------------------------------------------------------------------------------------------

describe('trainTrial', () => {
  test('the same seed gives the same metrics, another seed different ones', async () => {
    const spec = buildSpec();
    const dataset = moons(spec);
    const a = await run(spec, dataset, 0.3, 11);
    const b = await run(spec, dataset, 0.3, 11);
    const c = await run(spec, dataset, 0.3, 12);
    assert.equal(a.epochs.length, 8);
    assert.deepEqual(withoutDurations(a), withoutDurations(b));
    // The trial seed fixes the initial weights, the batch order and the masks: every epoch differs with another one.
    a.epochs.forEach((metrics, i) => {
      assert.notEqual(metrics.loss, c.epochs[i].loss, `epoch ${i + 1}: loss`);
      assert.notEqual(metrics.val_loss, c.epochs[i].val_loss, `epoch ${i + 1}: val_loss`);
    });
  });

  for (const [style, optimizer] of [['inverted', 'adam'], ['standard', 'rmsprop']] as const) {
    test(`no tensor leaks within a trial (${style}, ${optimizer}, MC evaluation on)`, async () => {
      const spec = buildSpec({
        model: { dropoutStyle: style, inputDropout: 0.1 },
        training: { epochs: 10, optimizer },
      });
      assert.equal(spec.training.earlyStopping, undefined);
      const r = await run(spec, moons(spec), 0.3, 4);
      assert.equal(r.tensorCounts.length, 10);
      // Read between epochs, the live tensors are the variables, the optimizer's slots and the device copies of the
      // data. The check starts at epoch 2 so that an optimizer creating its slots lazily in epoch 1 would still pass;
      // any tensor leaked per batch or per epoch makes the count grow.
      assert.deepEqual(r.tensorCounts.slice(1), new Array(9).fill(r.tensorCounts[1]), `counts ${r.tensorCounts}`);
    });
  }

  test('after trainTrial returns (completed, cancelled or failed), every tensor it created is disposed', async () => {
    const spec = buildSpec({ training: { epochs: 3 } });
    const dataset = moons(spec);
    const diverging = regressionSpec({ epochs: 5, optimizer: 'sgd', learningRate: 10 }, { hidden: [16] });
    const csv = loadDataset(diverging.dataset, { seed: diverging.training.seed, files: workspaceFiles(csvDir) });
    const left: Record<string, number> = {};
    const cases = [
      ['completed', () => run(spec, dataset, 0.3, 4)],
      ['cancelled', () => run(spec, dataset, 0.3, 4, ({ epochsReported }) => epochsReported >= 1)],
      ['failed', () => run(diverging, csv, 0, 1)],
    ] as const;
    for (const [status, trial] of cases) {
      const before = tf.memory().numTensors;
      const r = await trial();
      assert.equal(r.summary.status, status);
      left[status] = tf.memory().numTensors - before;
    }
    assert.deepEqual(left, { completed: 0, cancelled: 0, failed: 0 }, 'tensors left behind per trial');
  });

  test('metrics are sane; mc_val_loss and mc_entropy are reported iff mcSamples > 0', async () => {
    const spec = buildSpec({ dataset: { noise: 0.1 }, training: { epochs: 30 } });
    const dataset = moons(spec);
    const r = await run(spec, dataset, 0.3, 1);
    assert.equal(r.summary.status, 'completed');
    assert.equal(r.summary.epochs, 30);
    assert.equal(r.summary.stoppedEarly, false);
    assert.deepEqual(r.epochs.map((m) => m.epoch), Array.from({ length: 30 }, (_, i) => i + 1));
    assert.deepEqual(r.summary.final, r.epochs.at(-1));
    for (const m of r.epochs) {
      for (const key of ['loss', 'train_loss', 'val_loss', 'mc_val_loss'] as const) {
        const value = m[key];
        assert.ok(value !== undefined && Number.isFinite(value) && value > 0, `epoch ${m.epoch}: ${key} = ${value}`);
      }
      for (const key of ['acc', 'train_acc', 'val_acc', 'mc_val_acc'] as const) {
        const value = m[key];
        assert.ok(value !== undefined && value >= 0 && value <= 1, `epoch ${m.epoch}: ${key} = ${value}`);
        // A fraction of a whole number of rows: the training split for acc/train_acc, validation for the others.
        const rows = key === 'acc' || key === 'train_acc' ? dataset.train.count : dataset.validation.count;
        assert.ok(Math.abs(value * rows - Math.round(value * rows)) < 1e-9, `${key} × ${rows} is not a count`);
      }
      assert.ok(Number.isInteger(m.durationMs) && m.durationMs >= 0);
      // MC evaluation really samples: with masks at rate 0.3 the mean of 5 passes is not the deterministic prediction.
      assert.notEqual(m.mc_val_loss, m.val_loss);
      // Mean predictive entropy of the averaged softmax over 2 classes: within (0, log 2] nats.
      assert.ok(m.mc_entropy !== undefined && m.mc_entropy > 0 && m.mc_entropy <= Math.log(2) + 1e-6, `epoch ${m.epoch}: mc_entropy = ${m.mc_entropy}`);
    }
    // An easy problem (noise 0.1): the fitting loss falls from about ln 2 to well below it.
    assert.ok(r.epochs[0].loss > r.epochs.at(-1)!.loss, `loss ${r.epochs[0].loss} → ${r.epochs.at(-1)!.loss}`);
    assert.ok(r.epochs.at(-1)!.val_acc! > 0.8);

    const off = buildSpec({ dataset: { noise: 0.1 }, training: { epochs: 3 }, evaluation: { mcSamples: 0 } });
    const r0 = await run(off, dataset, 0.3, 1);
    for (const m of r0.epochs) {
      assert.ok(!('mc_val_loss' in m) && !('mc_val_acc' in m) && !('mc_entropy' in m), `epoch ${m.epoch}: ${JSON.stringify(m)}`);
      assert.ok(Number.isFinite(m.val_loss) && m.val_acc !== undefined);
    }
  });

  test('early stopping stops patience epochs after the best val_loss, which is its argmin', async () => {
    // lr 0.1 is high for adam on this net: val_loss stalls after a few epochs (deterministic for this seed).
    const patience = 2;
    const spec = buildSpec({ training: { epochs: 60, learningRate: 0.1, earlyStopping: { patience } } });
    const r = await run(spec, moons(spec), 0.3, 1);
    const { summary, epochs } = r;
    assert.equal(summary.status, 'completed');
    assert.equal(summary.stoppedEarly, true);
    assert.ok(summary.epochs < 60);
    assert.equal(epochs.length, summary.epochs);
    const losses = epochs.map((m) => m.val_loss);
    const argmin = losses.indexOf(Math.min(...losses)) + 1; // the first epoch reaching the minimum (minDelta 0)
    // The trial counts at that epoch (objective val_loss, select best-epoch), and a trial stopped early has
    // finished: the test split is scored there, once.
    assert.ok(summary.selected);
    assert.deepEqual({ ...summary.selected, test: undefined },
      { epoch: argmin, objective: 'val_loss', rule: 'best-epoch', value: losses[argmin - 1], test: undefined });
    assert.ok(summary.selected.test && Number.isFinite(summary.selected.test.loss) && summary.selected.test.samples === 24);
    assert.equal('best' in summary, false, 'the deprecated best is no longer written');
    // It stops at the patience-th epoch without an improvement, not later.
    assert.equal(summary.epochs, argmin + patience);
    assert.deepEqual(summary.final, epochs.at(-1));
  });

  test('cancel: a cancel noticed after epoch 3 ends the trial with status cancelled and 3 epochs', async () => {
    const spec = buildSpec({ training: { epochs: 8 } });
    const dataset = moons(spec);
    // isCancelled is polled before every batch and once after the batches. Once it turns true after epoch 3 was
    // reported, epoch 4 breaks before its first batch and is neither trained nor reported.
    const r = await run(spec, dataset, 0.3, 1, ({ epochsReported }) => epochsReported >= 3);
    assert.equal(r.summary.status, 'cancelled');
    assert.equal(r.summary.epochs, 3);
    assert.equal(r.epochs.length, 3);
    assert.deepEqual(r.summary.final, r.epochs[2]);
    assert.equal(r.summary.stoppedEarly, false);
    assert.ok(r.summary.selected && r.summary.selected.test === undefined, 'a cancelled trial did not finish: no test figures');

    // A cancel in the middle of epoch 4 discards that epoch too. 60 training rows (120 samples − 36 validation − 24
    // test) in batches of 32 are 2 batches, so 3 polls per epoch: call 11 is the poll before epoch 4's second batch.
    const batches = Math.ceil(dataset.train.count / (spec.training.batchSize as number));
    assert.equal(batches, 2);
    const mid = await run(spec, dataset, 0.3, 1, ({ calls }) => calls >= 3 * (batches + 1) + 2);
    assert.equal(mid.summary.status, 'cancelled');
    assert.equal(mid.summary.epochs, 3);
    assert.equal(mid.epochs.length, 3);
    // Up to the cancel the two runs are the same trial.
    assert.deepEqual(withoutDurations(mid).epochs, withoutDurations(r).epochs);
  });

  test('divergence: sgd at learning rate 10 on an unscaled regression target fails, non-finite loss', async () => {
    // Why this is reliable rather than lucky: the mean squared error's second derivative in the output bias is 2,
    // so the Hessian's largest eigenvalue is ≥ 2 everywhere and a step of 10 is far beyond the stability limit
    // 2/λ ≤ 1: no minimum is a stable point of gradient descent. Along the bias alone the error is multiplied by
    // 1 − 2·10 = −19 per step, and the kernels' updates compound it: the loss leaves the float32 range within the
    // first epoch (7 steps) for each of these seeds.
    const spec = regressionSpec({ epochs: 20, optimizer: 'sgd', learningRate: 10 }, { hidden: [16] });
    const dataset = loadDataset(spec.dataset, { seed: spec.training.seed, files: workspaceFiles(csvDir) });
    for (const seed of [1, 2, 3]) {
      const r = await run(spec, dataset, 0, seed);
      assert.equal(r.summary.status, 'failed', `seed ${seed}`);
      assert.ok(r.summary.epochs < 20);
      assert.equal(r.epochs.length, r.summary.epochs);
      assert.ok(!Number.isFinite(r.epochs.at(-1)!.loss), `seed ${seed}: last loss ${r.epochs.at(-1)!.loss}`);
      assert.ok(r.epochs.slice(0, -1).every((m) => Number.isFinite(m.loss)), 'it stops at the first non-finite loss');
      assert.match(r.summary.error ?? '', /diverged.*learningRate/);
      // It counts nowhere: no selected epoch, and the summaries list it apart as diverged.
      assert.equal(r.summary.selected, undefined);
      const record: TrialRecord = {
        plan: { id: `rate-0_seed-${seed}`, rate: 0, seed, repeat: 0 }, status: r.summary.status, epochs: r.epochs, summary: r.summary,
      };
      assert.equal(exclusionOf(record, selectionSettingsOf(spec))?.reason, 'diverged');
    }
  });

  test('standard and inverted dropout give identical metrics at rate 0 (and differ at rate 0.3)', async () => {
    const inverted = buildSpec({ model: { dropoutStyle: 'inverted' } });
    const standard = buildSpec({ model: { dropoutStyle: 'standard' } });
    assert.equal(inverted.model.inputDropout, 0);
    const dataset = moons(inverted);
    const a = await run(inverted, dataset, 0, 9);
    const b = await run(standard, dataset, 0, 9);
    assert.deepEqual(withoutDurations(a), withoutDurations(b));
    // With no dropout anywhere each MC pass is the deterministic pass, so MC scores equal the deterministic ones up to
    // float32 rounding of log-mean-exp over 5 equal values (a few ulps of the logits).
    for (const m of a.epochs) {
      assert.ok(Math.abs(m.mc_val_loss! - m.val_loss) <= 1e-5 * m.val_loss,
        `epoch ${m.epoch}: ${m.mc_val_loss} vs ${m.val_loss}`);
      assert.equal(m.mc_val_acc, m.val_acc);
    }
    // Not vacuous: with dropout active the styles train differently (scaled vs unscaled activations).
    const c = await run(inverted, dataset, 0.3, 9);
    const d = await run(standard, dataset, 0.3, 9);
    assert.notDeepEqual(withoutDurations(c).epochs, withoutDurations(d).epochs);
  });

  test('regression from a CSV: val_loss falls far below the variance of the target', async () => {
    const spec = regressionSpec({ epochs: 40, optimizer: 'adam', learningRate: 0.02 });
    const dataset = loadDataset(spec.dataset, { seed: spec.training.seed, files: workspaceFiles(csvDir) });
    assert.equal(dataset.task, 'regression');
    assert.equal(dataset.featureCount, 2);
    assert.equal(dataset.train.count + dataset.validation.count + dataset.test.count, 300);
    // val_loss is the mean squared error; predicting the mean would score Var(y) (≈ 37). The noise floor is 0.01.
    const targetVariance = variance(dataset.validation.y);
    assert.ok(targetVariance > 20, `Var(y) = ${targetVariance}`);
    const r = await run(spec, dataset, 0.1, 1);
    assert.equal(r.summary.status, 'completed');
    const last = r.epochs.at(-1)!;
    for (const m of r.epochs) {
      assert.ok(!('acc' in m) && !('val_acc' in m) && !('mc_val_acc' in m), 'no accuracy for regression');
      assert.ok(Number.isFinite(m.mc_val_loss));
    }
    assert.ok(r.epochs[0].val_loss > last.val_loss);
    assert.ok(last.val_loss < 0.02 * targetVariance, `val_loss ${last.val_loss}, Var(y) ${targetVariance}`);
    assert.ok(last.mc_val_loss! < 0.05 * targetVariance, `mc_val_loss ${last.mc_val_loss}`);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('trainTrial: pause and resume (Hyperband promotions)', () => {
  for (const optimizer of ['adam', 'rmsprop', 'sgd']) {
    test(`${optimizer}: 3 epochs, paused, resumed to 6 continues the curve of 6 epochs in one go`, async () => {
      const spec = buildSpec({ training: { optimizer, epochs: 6 }, evaluation: { mcSamples: 3 } });
      const dataset = moons(spec);
      const straight = await run(spec, dataset, 0.3, 5);

      const before = tf.memory().numTensors;
      const firstEpochs: EpochMetrics[] = [];
      let paused: PausedTrial | undefined;
      const first = await trainTrial({ spec, dataset, rate: 0.3, seed: 5, untilEpoch: 3 }, {
        onEpoch: (m) => firstEpochs.push(m), isCancelled: () => false, onPause: (state) => { paused = state; },
      });
      assert.equal(first.epochs, 3);
      assert.ok(paused);
      assert.equal(paused.epoch, 3);
      // Through JSON-like plain data only: what a checkpoint file carries to another process.
      const copy: PausedTrial = structuredClone(paused);
      const resumedEpochs: EpochMetrics[] = [];
      const resumed = await trainTrial({ spec, dataset, rate: 0.3, seed: 5, untilEpoch: 6, resumeFrom: copy }, {
        onEpoch: (m) => resumedEpochs.push(m), isCancelled: () => false,
      });
      assert.equal(tf.memory().numTensors, before, 'no tensor leaked by pause and resume');

      assert.deepEqual(resumedEpochs.map((m) => m.epoch), [4, 5, 6], 'epoch numbering continues');
      assert.equal(resumed.epochs, 6);
      const all = [...firstEpochs, ...resumedEpochs];
      all.forEach((m, i) => {
        const expected = straight.epochs[i]!;
        for (const key of ['loss', 'train_loss', 'val_loss', 'mc_val_loss'] as const) {
          // Same batches, masks and optimizer state; only Adam's bias correction is recomputed as β^(t+1) by setWeights.
          assert.ok(Math.abs(m[key]! - expected[key]!) <= 1e-4 * Math.abs(expected[key]!) + 1e-6,
            `${optimizer} epoch ${m.epoch} ${key}: resumed ${m[key]}, straight ${expected[key]}`);
        }
      });
      // No restart: epoch 4 is near epoch 3, far below epoch 1.
      const [epoch1, epoch3, epoch4] = [all[0]!.loss, all[2]!.loss, all[3]!.loss];
      assert.ok(Math.abs(epoch4 - epoch3) < Math.abs(epoch1 - epoch4), `epoch 1 ${epoch1}, 3 ${epoch3}, 4 ${epoch4}`);
      // Paused at a rung the trial has not finished: no test figures yet; at its last epoch it has them.
      assert.ok(first.selected && first.selected.test === undefined);
      assert.ok(resumed.selected?.test && resumed.selected.epoch >= 1 && resumed.selected.epoch <= 6);
    });
  }

  test('a checkpoint of another model shape is refused', async () => {
    const spec = buildSpec({ training: { epochs: 1 } });
    const dataset = moons(spec);
    let paused: PausedTrial | undefined;
    await trainTrial({ spec, dataset, rate: 0, seed: 1 }, { onEpoch: () => {}, isCancelled: () => false, onPause: (s) => { paused = s; } });
    const wider = buildSpec({ model: { hidden: [16, 32] }, training: { epochs: 2 } });
    await assert.rejects(trainTrial({ spec: wider, dataset, rate: 0, seed: 1, resumeFrom: paused }, { onEpoch: () => {}, isCancelled: () => false }),
      /checkpoint weight 0 has shape/);
  });
});

describe('common random numbers', () => {
  test('rate 0 vs rate 0 with another mask seed: identical first-epoch losses (the masks are the only difference)', async () => {
    const spec = buildSpec({ training: { epochs: 2 } });
    const dataset = moons(spec);
    const epochsOf = async (rate: number, maskSeed?: number): Promise<EpochMetrics[]> => {
      const epochs: EpochMetrics[] = [];
      await trainTrial({ spec, dataset, rate, seed: 4, maskSeed }, { onEpoch: (m) => epochs.push(m), isCancelled: () => false });
      return epochs.map(({ durationMs: _, ...rest }) => ({ ...rest, durationMs: 0 }));
    };
    // Rate 0 draws no hidden mask, and inputDropout is 0: the mask seed must change nothing at all.
    assert.deepEqual(await epochsOf(0, 1000), await epochsOf(0));
    // The control: with a real rate, another mask seed does change the first epoch (so the option is wired).
    const [a, b] = [await epochsOf(0.5, 1000), await epochsOf(0.5)];
    assert.notEqual(a[0]!.loss, b[0]!.loss);
    // And only the masks: the same split and initial weights give the same deterministic score before training
    // diverges much — checked through equal validation set sizes and a loss difference far below the loss itself.
    assert.ok(Math.abs(a[0]!.val_loss - b[0]!.val_loss) < 0.2 * b[0]!.val_loss);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('the test split reports and decides nothing', () => {
  type Kept = { epoch: number; weights: number[][] };
  async function trial(spec: ExperimentSpec, dataset: Dataset, rate: number, seed: number): Promise<{ record: TrialRecord; kept?: Kept }> {
    const epochs: EpochMetrics[] = [];
    let kept: Kept | undefined;
    const summary = await trainTrial({ spec, dataset, rate, seed }, {
      onEpoch: (m) => epochs.push(m), isCancelled: () => false,
      onModel: (model) => { kept = { epoch: model.epoch, weights: model.weights.map((w) => Array.from(w.values)) }; },
    });
    return { record: { plan: { id: `rate-${rate}_seed-${seed}`, rate, seed, repeat: seed - 1 }, status: summary.status, epochs, summary }, kept };
  }
  const stripDurations = (epochs: EpochMetrics[]) => epochs.map(({ durationMs: _, ...rest }) => rest);

  test('permuting the test labels changes no selection (epochs, values, best configuration, best model), only the test figures', async () => {
    // 200 samples: 60 validation, 40 test, 100 train. lr 0.05 for 15 epochs: val_loss bottoms out before the end for
    // some trials, so best-epoch selection is not trivially the last epoch.
    const spec = buildSpec({ dataset: { samples: 200 }, training: { epochs: 15, learningRate: 0.05 } });
    const dataset = moons(spec);
    assert.equal(dataset.test.count, 40);
    const order = permutation(dataset.test.count, createRng(99));
    const shuffled: Dataset = { ...dataset, test: { ...dataset.test, y: Float32Array.from(order, (row) => dataset.test.y[row]!) } };
    const changed = dataset.test.y.filter((label, row) => label !== shuffled.test.y[row]).length;
    assert.ok(changed >= 10, `the permutation moves ${changed} of 40 labels`);

    const original: TrialRecord[] = [];
    const permuted: TrialRecord[] = [];
    for (const rate of [0, 0.5]) {
      for (const seed of [1, 2]) {
        const a = await trial(spec, dataset, rate, seed);
        const b = await trial(spec, shuffled, rate, seed);
        // Training and validation are untouched: the same curves, the same kept epoch and the same kept weights.
        assert.deepEqual(stripDurations(b.record.epochs), stripDurations(a.record.epochs), `rate ${rate} seed ${seed}: epochs`);
        assert.deepEqual(b.kept, a.kept, `rate ${rate} seed ${seed}: the kept (exported) weights`);
        const { test: testA, ...selectedA } = a.record.summary!.selected!;
        const { test: testB, ...selectedB } = b.record.summary!.selected!;
        assert.deepEqual(selectedB, selectedA, `rate ${rate} seed ${seed}: the selected epoch and value`);
        assert.equal(selectedA.epoch, a.kept!.epoch);
        // Only what the test labels measure moves: the loss (and the accuracy, unless every moved label was as often
        // right as wrong, which the loss would still show).
        assert.ok(testA && testB && testA.samples === 40 && testB.samples === 40);
        assert.ok(testA.acc !== undefined && testA.mc_loss !== undefined && testA.mc_acc !== undefined, 'accuracy and the MC figures (mcSamples 5)');
        assert.notEqual(testB.loss, testA.loss, `rate ${rate} seed ${seed}: test loss`);
        original.push(a.record);
        permuted.push(b.record);
      }
    }
    const selection = selectionSettingsOf(spec);
    const [summaryA, summaryB] = [summarizeByRate(original, selection), summarizeByRate(permuted, selection)];
    const choice = (rates: RateSummary[]) => rates.map((r) => ({ rate: r.rate, selected: r.selected, perSeed: r.perSeed.map(({ test: _, ...rest }) => rest) }));
    assert.deepEqual(choice(summaryB), choice(summaryA), 'the same per-seed selected values');
    assert.equal(bestRate(summaryB)?.rate, bestRate(summaryA)?.rate);
    const modelA = chooseBestModel(original, spec);
    const modelB = chooseBestModel(permuted, spec);
    assert.ok(modelA && modelB);
    assert.deepEqual({ ...modelB, test: undefined }, { ...modelA, test: undefined }, 'the same best model: configuration, trial, epoch, value');
    assert.notDeepEqual(summaryB.map((r) => r.test!.loss.mean), summaryA.map((r) => r.test!.loss.mean), 'the reported test figures do move');
  });

  test('the test figures are the kept epoch\'s weights under the inference rule: '
    + 'scoring the validation rows as the test split gives its val_loss', async () => {
    // Same rows, same weights, same deterministic rule: the "test" loss and accuracy must be the selected epoch's
    // val_loss and val_acc, up to float32 summation order (the loop sums validation and test in the same chunks: exact).
    const spec = buildSpec({ dataset: { samples: 200 }, training: { epochs: 10, learningRate: 0.05 }, evaluation: { mcSamples: 0 } });
    const dataset = moons(spec);
    const mirrored: Dataset = { ...dataset, test: dataset.validation };
    for (const rate of [0, 0.5]) {
      const { record } = await trial(spec, mirrored, rate, 3);
      const selected = record.summary!.selected!;
      const epoch = record.epochs[selected.epoch - 1]!;
      assert.equal(selected.test?.loss, epoch.val_loss, `rate ${rate}: test loss at epoch ${selected.epoch}`);
      assert.equal(selected.test?.acc, epoch.val_acc);
      assert.equal(selected.test?.samples, dataset.validation.count);
      assert.equal(selected.test?.mc_loss, undefined, 'mcSamples 0: no MC figures');
    }
  });

  test('select final-epoch: the trial keeps, exports and scores its last epoch; best-epoch its best', async () => {
    // lr 0.1 is high for adam on this net (as in the early stopping test): val_loss bottoms out early and rises.
    const base = buildSpec({ training: { epochs: 12, learningRate: 0.1 } });
    const finalSpec: ExperimentSpec = { ...base, sweep: { ...base.sweep, select: 'final-epoch' } };
    const dataset = moons(base);
    const best = await trial(base, dataset, 0.3, 1);
    const last = await trial(finalSpec, dataset, 0.3, 1);
    assert.deepEqual(stripDurations(last.record.epochs), stripDurations(best.record.epochs), 'the select rule does not change training');
    const losses = best.record.epochs.map((m) => m.val_loss);
    const argmin = losses.indexOf(Math.min(...losses)) + 1;
    assert.ok(argmin < 12, `the best epoch (${argmin}) is not the last, so the two rules differ`);
    const { test: lastTest, ...lastSelected } = last.record.summary!.selected!;
    assert.deepEqual(lastSelected, { epoch: 12, objective: 'val_loss', rule: 'final-epoch', value: losses[11] });
    assert.equal(last.kept?.epoch, 12, 'the exported weights are the last epoch\'s');
    const { test: bestTest, ...bestSelected } = best.record.summary!.selected!;
    assert.deepEqual(bestSelected, { epoch: argmin, objective: 'val_loss', rule: 'best-epoch', value: losses[argmin - 1] });
    assert.equal(best.kept?.epoch, argmin);
    // Each rule's test figures are scored on its own kept weights.
    assert.ok(lastTest && bestTest);
    assert.notEqual(lastTest.loss, bestTest.loss);
    // The summaries rank by the selected values of that rule.
    const [summary] = summarizeByRate([last.record], selectionSettingsOf(finalSpec));
    assert.equal(summary!.selected.mean, losses[11]);
    assert.deepEqual(summary!.perSeed, [{ seed: 1, trialId: 'rate-0.3_seed-1', epoch: 12, value: losses[11], test: lastTest }]);
  });
});
