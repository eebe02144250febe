/**
 * Makes examples/pretrained/model/: a small TF.js Layers model of the kind users bring (dense 64 relu → dropout 0.2 →
 * dense 64 relu → dropout 0.2 → dense softmax), trained briefly with model.fit on a large moons sample (the engine's
 * generator, another seed than the example's data) and saved as model.json + weights.bin. Seeded initialisers and
 * dropout masks, no shuffling and the cpu backend, so the same files come out every time.
 *
 *   node --import tsx scripts/make-pretrained-example.ts [output folder]   (default examples/pretrained/model)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../src/engine/datasets';
import { workspaceFiles } from '../src/workspace/dataFiles';

const SEED = 7;
const EPOCHS = 20;

function buildModel(): tf.Sequential {
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: SEED + offset });
  return tf.sequential({
    name: 'moons_classifier',
    layers: [
      tf.layers.dense({ inputShape: [2], units: 64, activation: 'relu', kernelInitializer: init(1), name: 'dense_1' }),
      tf.layers.dropout({ rate: 0.2, seed: SEED + 2, name: 'dropout_a' }),
      tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(3), name: 'dense_2' }),
      tf.layers.dropout({ rate: 0.2, seed: SEED + 4, name: 'dropout_b' }),
      tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: init(5), name: 'output' }),
    ],
  });
}

async function main(): Promise<void> {
  const out = path.resolve(process.argv[2] ?? path.join('examples', 'pretrained', 'model'));
  await tf.setBackend('cpu');
  const data = loadDataset({ type: 'moons', samples: 2000, noise: 0.3, validationFraction: 0.1, testFraction: 0 }, {
    seed: 1000 + SEED, files: workspaceFiles(process.cwd()),
  });
  const { train } = data;
  const x = tf.tensor2d(train.x, [train.count, data.featureCount]);
  const y = tf.oneHot(tf.tensor1d(Array.from(train.y), 'int32'), data.classCount);
  const model = buildModel();
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(x, y, { epochs: EPOCHS, batchSize: 64, shuffle: false, verbose: 0 });
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (saved) => {
    artifacts = saved;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const weightData = artifacts!.weightData!;
  const bytes = Buffer.from(Array.isArray(weightData) ? tf.io.concatenateArrayBuffers(weightData) : weightData);
  const modelJson = {
    format: artifacts!.format, generatedBy: artifacts!.generatedBy, convertedBy: null,
    modelTopology: artifacts!.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts!.weightSpecs }],
  };
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'model.json'), `${JSON.stringify(modelJson)}\n`);
  fs.writeFileSync(path.join(out, 'weights.bin'), bytes);
  const accuracy = (history.history.acc ?? history.history.accuracy)!.at(-1) as number;
  process.stdout.write(`${out}: ${model.countParams()} parameters, ${bytes.length} bytes of weights, `
    + `train accuracy ${accuracy.toFixed(3)} after ${EPOCHS} epochs\n`);
  tf.dispose([x, y]);
  model.dispose();
}

void main();
