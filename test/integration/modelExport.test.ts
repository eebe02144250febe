/**
 * End to end: a tiny sweep in trainer processes publishes `best-model/`; tf.loadLayersModel reads it; its
 * predictions on the validation set equal the engine's deterministic predictions (both dropout styles, with raw
 * CSV features through the exported standardisation); it is the best trial by the objective; the CLI copies it.
 */
import { workspaceFiles } from '../../src/workspace/dataFiles';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { initBackend } from '../../src/engine/backend';
import { loadDataset } from '../../src/engine/datasets';
import type { ModelMetadata } from '../../src/engine/model/export';
import { createRng } from '../../src/engine/random';
import { parseSpec } from '../../src/engine/spec/parse';
import type { ExperimentSpec } from '../../src/core/spec';
import { trainTrial, type TrainedModel } from '../../src/engine/train/loop';
import type { EpochMetrics } from '../../src/core/trial';
import { startSweep } from '../../src/runner/runner';
import { bestModelDir, modelsDir } from '../../src/store/layout';
import { loadSweep } from '../../src/store/reader';
import { enginePredictions, loadModelFolder, maxAbsDifference, modelPredictions } from '../support/models';
import { cliPath, tempDir, tinySpec, trainerPath, writeSpec } from '../support/specs';
import { testBackend } from '../support/backend';

before(async () => {
  assert.equal((await initBackend(testBackend)).name, testBackend);
});

/** A CSV whose features have far-from-standard scales, so the exported standardisation matters. */
function writeCsv(dir: string): void {
  const rng = createRng(11);
  const rows = ['size,weight,kind'];
  for (let i = 0; i < 90; i++) {
    const kind = i % 3;
    rows.push(`${100 + 40 * kind + 15 * rng.normal()},${0.002 * (kind - 1) + 0.001 * rng.normal()},${['cat', 'dog', 'fox'][kind]}`);
  }
  fs.writeFileSync(path.join(dir, 'animals.csv'), `${rows.join('\n')}\n`);
}

const strip = ({ durationMs: _, ...metrics }: EpochMetrics) => metrics;

const cases = [
  { style: 'inverted', dataset: tinySpec().dataset as { type: string } },
  { style: 'standard', dataset: { type: 'csv', path: 'animals.csv', target: 'kind', validationFraction: 0.4 } },
] as const;

describe('best model export', () => {
  for (const { style, dataset: datasetSpec } of cases) {
    test(`${style}, ${datasetSpec.type}: best-model/ predicts what the engine predicts, and is the best trial`, async (t) => {
      const dir = tempDir();
      writeCsv(dir);
      const specPath = writeSpec(dir, tinySpec({
        dataset: datasetSpec,
        model: { hidden: [16], inputDropout: 0.1, dropoutStyle: style },
        training: { epochs: 8, batchSize: 16, learningRate: 0.02, seed: 3 },
        sweep: { rates: [0.3, 0.6] }, // no rate 0: the best trial has hidden dropout too
        evaluation: { mcSamples: 0 },
      }));
      const specText = fs.readFileSync(specPath, 'utf8');
      const spec = parseSpec(specText).spec as ExperimentSpec;
      const run = startSweep({ spec, specPath, specText, backend: testBackend, workers: 2, trainerPath });
      assert.equal(await run.finished, 'completed');

      // The best trial by the objective, found here from the stored curves (one seed per rate: the best rate's trial).
      const record = loadSweep(run.dir);
      const candidates = record.trials.flatMap((trial) => trial.epochs.map((epoch) => ({ trial, epoch })));
      const expected = candidates.reduce((a, b) => (b.epoch.val_loss < a.epoch.val_loss ? b : a));
      const testFigures = expected.trial.summary?.selected?.test;
      assert.ok(testFigures, 'the trial finished: its test split was scored at the selected epoch');
      assert.deepEqual(record.manifest.bestModel, {
        trialId: expected.trial.plan.id, epoch: expected.epoch.epoch, objective: 'val_loss', value: expected.epoch.val_loss,
        configuration: { rate: expected.trial.plan.rate }, seed: expected.trial.plan.seed, select: 'best-epoch', test: testFigures,
      });
      assert.deepEqual(fs.readdirSync(bestModelDir(run.dir)).sort(), ['model.json', 'weights.bin']);
      assert.equal(fs.existsSync(modelsDir(run.dir)), false, 'per-trial models are removed when the sweep ends');

      const model = await loadModelFolder(bestModelDir(run.dir));
      const metadata = (model.getUserDefinedMetadata() as { dropoutLab: ModelMetadata }).dropoutLab;
      assert.equal(metadata.trialId, expected.trial.plan.id);
      assert.equal(metadata.epoch, expected.epoch.epoch);
      assert.deepEqual(metadata.rates, { input: 0.1, hidden: expected.trial.plan.rate });
      assert.equal(metadata.keepFoldedIntoKernels, style === 'standard');
      assert.equal(metadata.sweep?.id, run.id);
      const layerKinds = model.layers.map((layer) => layer.getClassName());
      assert.deepEqual(layerKinds, [...(datasetSpec.type === 'csv' ? ['Dense'] : []), 'Dropout', 'Dense', 'Dropout', 'Dense']);

      // The engine's deterministic predictions: the same trial retrained here gives the same curve (the sweep's
      // trainers and this process run the same seeded code on wasm), and hands over the same best epoch's weights.
      const { plan } = expected.trial;
      const dataset = loadDataset(spec.dataset, { seed: plan.seed, files: workspaceFiles(dir) });
      let trained: TrainedModel | undefined;
      const epochs: EpochMetrics[] = [];
      await trainTrial({ spec, dataset, rate: plan.rate, seed: plan.seed }, {
        onEpoch: (metrics) => epochs.push(metrics), isCancelled: () => false, onModel: (m) => { trained = m; },
      });
      assert.deepEqual(epochs.map(strip), expected.trial.epochs.map(strip));
      assert.equal(trained!.epoch, metadata.epoch);
      const engine = enginePredictions(trained!.config, trained!.weights, dataset.validation.x, true);

      // The model takes raw features: for CSV data, undo the engine's standardisation with the metadata.
      const standardization = metadata.inputStandardization;
      assert.equal(standardization !== undefined, datasetSpec.type === 'csv');
      if (standardization) assert.deepEqual(metadata.featureNames, ['size', 'weight']);
      if (standardization) assert.deepEqual(metadata.classNames, ['cat', 'dog', 'fox']);
      const features = dataset.featureCount;
      const raw = standardization
        ? dataset.validation.x.map((value, i) => value * standardization.std[i % features]! + standardization.mean[i % features]!)
        : dataset.validation.x;
      const exported = modelPredictions(model, raw, features);
      const difference = maxAbsDifference(exported, engine);
      assert.ok(difference <= 1e-5, `max |Δ probability| = ${difference}`);

      // And its validation loss is the objective value the sweep recorded for that epoch.
      let loss = 0;
      dataset.validation.y.forEach((label, row) => (loss -= Math.log(exported[row * dataset.classCount + label]!)));
      loss /= dataset.validation.count;
      assert.ok(Math.abs(loss - expected.epoch.val_loss) <= 1e-5, `exported model val_loss ${loss}, recorded ${expected.epoch.val_loss}`);
      // Its test loss is the one the trainer scored once on these weights and sweep.json reports.
      assert.equal(dataset.test.count, testFigures.samples);
      const rawTest = standardization
        ? dataset.test.x.map((value, i) => value * standardization.std[i % features]! + standardization.mean[i % features]!)
        : dataset.test.x;
      const exportedTest = modelPredictions(model, rawTest, features);
      let testLoss = 0;
      dataset.test.y.forEach((label, row) => (testLoss -= Math.log(exportedTest[row * dataset.classCount + label]!)));
      testLoss /= dataset.test.count;
      assert.ok(Math.abs(testLoss - testFigures.loss) <= 1e-5, `exported model test loss ${testLoss}, reported ${testFigures.loss}`);
      t.diagnostic(`best ${plan.id} epoch ${metadata.epoch}: max |Δ probability| ${difference.toExponential(2)}, `
        + `|Δ val_loss| ${Math.abs(loss - expected.epoch.val_loss).toExponential(2)}, |Δ test loss| ${Math.abs(testLoss - testFigures.loss).toExponential(2)}`);
      model.dispose();

      // The CLI hands it out: `export <spec>` prints the folder; `--out` copies it, and refuses to overwrite.
      const printed = spawnSync(process.execPath, [cliPath, 'export', specPath], { encoding: 'utf8' });
      assert.equal(printed.status, 0, printed.stderr);
      assert.equal(printed.stdout.trim(), bestModelDir(run.dir));
      const out = path.join(dir, 'exported');
      const copied = spawnSync(process.execPath, [cliPath, 'export', run.dir, '--out', out], { encoding: 'utf8' });
      assert.equal(copied.status, 0, copied.stderr);
      for (const file of ['model.json', 'weights.bin']) {
        assert.deepEqual(fs.readFileSync(path.join(out, file)), fs.readFileSync(path.join(bestModelDir(run.dir), file)), file);
      }
      const again = spawnSync(process.execPath, [cliPath, 'export', run.dir, '--out', out], { encoding: 'utf8' });
      assert.equal(again.status, 2);
      assert.match(again.stderr, /model\.json already exists/);
    });
  }
});
