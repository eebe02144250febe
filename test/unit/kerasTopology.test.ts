/**
 * Reading TF.js Layers topologies as the engine's layer list: Sequential and functional chains as tfjs writes them
 * (`model.toJSON()`), Keras's tensorflowjs_converter model.json (snake_case, model_config, InputLayer), the output
 * layer as logits, dropout layers found, and clear errors for what the engine cannot reproduce.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { layersFromTopology, outputMismatch } from '../../src/engine/model/kerasTopology';

const topologyOf = (model: tf.LayersModel): unknown => model.toJSON(null, false);

describe('layersFromTopology', () => {
  test('a tf.sequential: layers, names, input shape, logits output and its dropout layers', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [2], units: 8, activation: 'relu', name: 'h1' }),
        tf.layers.dropout({ rate: 0.2, name: 'drop_a' }),
        tf.layers.batchNormalization({ momentum: 0.9, epsilon: 0.01, name: 'bn' }),
        tf.layers.dense({ units: 4, activation: 'tanh', useBias: false, name: 'h2' }),
        tf.layers.gaussianDropout({ rate: 0.3, name: 'noise' }),
        tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }),
      ],
    });
    const imported = layersFromTopology(topologyOf(model), 'test');
    assert.deepEqual(imported.inputShape, [2]);
    assert.deepEqual(imported.layers, [
      { type: 'dense', units: 8, activation: 'relu', useBias: true },
      { type: 'dropout', rate: 0.2 },
      { type: 'batchNormalization', momentum: 0.9, epsilon: 0.01 },
      { type: 'dense', units: 4, activation: 'tanh', useBias: false },
      { type: 'gaussianDropout', rate: 0.3 },
      { type: 'dense', units: 3, activation: 'linear', useBias: true },
    ]);
    assert.deepEqual(imported.layerNames, ['h1', 'drop_a', 'bn', 'h2', 'noise', 'out']);
    assert.equal(imported.outputActivation, 'softmax');
    assert.equal(imported.outputUnits, 3);
    assert.deepEqual(imported.dropoutLayers, [
      { index: 1, name: 'drop_a', type: 'dropout', rate: 0.2 },
      { index: 4, name: 'noise', type: 'gaussianDropout', rate: 0.3 },
    ]);
    model.dispose();
  });

  test('a convnet: conv, pooling (strides default to the pool size), flatten, global pooling', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.conv2d({ filters: 4, kernelSize: [3, 2], padding: 'valid' }),
        tf.layers.averagePooling2d({ poolSize: [2, 1], strides: 1, padding: 'same' }),
        tf.layers.globalAveragePooling2d({}),
        tf.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    const { layers, inputShape } = layersFromTopology(topologyOf(model), 'test');
    assert.deepEqual(inputShape, [8, 8, 1]);
    assert.deepEqual(layers.slice(0, 5), [
      { type: 'conv2d', filters: 2, kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 'relu', useBias: true },
      { type: 'maxPooling2d', poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
      { type: 'conv2d', filters: 4, kernelSize: [3, 2], strides: [1, 1], padding: 'valid', activation: 'linear', useBias: true },
      { type: 'averagePooling2d', poolSize: [2, 1], strides: [1, 1], padding: 'same' },
      { type: 'globalAveragePooling2d' },
    ]);
    model.dispose();
  });

  test('a functional model that is a chain reads in data-flow order; a branch is an error', () => {
    const input = tf.input({ shape: [5], name: 'x' });
    const hidden = tf.layers.dense({ units: 6, activation: 'elu', name: 'hidden' }).apply(input) as tf.SymbolicTensor;
    const dropped = tf.layers.dropout({ rate: 0.4, name: 'drop' }).apply(hidden) as tf.SymbolicTensor;
    const output = tf.layers.dense({ units: 1, name: 'y' }).apply(dropped) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    const imported = layersFromTopology(topologyOf(model), 'chain');
    assert.deepEqual(imported.layerNames, ['hidden', 'drop', 'y']);
    assert.deepEqual(imported.inputShape, [5]);
    assert.equal(imported.outputActivation, 'linear');
    assert.deepEqual(imported.dropoutLayers, [{ index: 1, name: 'drop', type: 'dropout', rate: 0.4 }]);

    const a = tf.layers.dense({ units: 3, name: 'a' }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 3, name: 'b' }).apply(input) as tf.SymbolicTensor;
    const sum = tf.layers.add({ name: 'sum' }).apply([a, b]) as tf.SymbolicTensor;
    const branched = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1, name: 'out' }).apply(sum) as tf.SymbolicTensor });
    assert.throws(
      () => layersFromTopology(topologyOf(branched), 'branched'),
      { message: 'branched: layer "sum" reads 2 tensors; only a linear chain of layers is supported' },
    );
  });

  test("a Keras tensorflowjs_converter model.json (model_config, InputLayer, Dense + Activation('softmax'))", () => {
    const topology = {
      keras_version: '2.15.0', backend: 'tensorflow',
      model_config: {
        class_name: 'Sequential',
        config: {
          name: 'sequential',
          layers: [
            { class_name: 'InputLayer', config: { batch_input_shape: [null, 28, 28, 1], dtype: 'float32', sparse: false, name: 'input_1' } },
            {
              class_name: 'Conv2D',
              config: {
                name: 'conv2d', filters: 8, kernel_size: [3, 3], strides: [2, 2], padding: 'valid', data_format: 'channels_last',
                dilation_rate: [1, 1], groups: 1, activation: 'relu', use_bias: true,
              },
            },
            { class_name: 'SpatialDropout2D', config: { name: 'spatial_dropout2d', rate: 0.1, noise_shape: null, seed: null } },
            { class_name: 'BatchNormalization', config: { name: 'batch_normalization', axis: [3], momentum: 0.99, epsilon: 0.001, center: true, scale: true } },
            { class_name: 'Flatten', config: { name: 'flatten', data_format: 'channels_last' } },
            { class_name: 'Dropout', config: { name: 'dropout', rate: 0.5, noise_shape: null, seed: null } },
            { class_name: 'Dense', config: { name: 'dense', units: 10, activation: 'linear', use_bias: true } },
            { class_name: 'Activation', config: { name: 'activation', activation: 'softmax' } },
          ],
        },
      },
      training_config: { loss: 'categorical_crossentropy' },
    };
    const imported = layersFromTopology(topology, 'model/model.json');
    assert.deepEqual(imported.inputShape, [28, 28, 1]);
    assert.deepEqual(imported.layerNames, ['conv2d', 'spatial_dropout2d', 'batch_normalization', 'flatten', 'dropout', 'dense']);
    assert.deepEqual(imported.layers.at(-1), { type: 'dense', units: 10, activation: 'linear', useBias: true });
    assert.equal(imported.outputActivation, 'softmax');
    assert.deepEqual(
      imported.dropoutLayers.map((d) => [d.index, d.name, d.type, d.rate]),
      [[1, 'spatial_dropout2d', 'spatialDropout2d', 0.1], [4, 'dropout', 'dropout', 0.5]],
    );
  });

  test('a Keras 3 functional model (batch_shape, keras_history inbound nodes, one-tensor input_layers)', () => {
    const tensor = (name: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 4], dtype: 'float32', keras_history: [name, 0, 0] } });
    const layer = (name: string, className: string, config: Record<string, unknown>, from?: string) => ({
      module: 'keras.layers', class_name: className, name, config: { name, ...config }, inbound_nodes: from ? [{ args: [tensor(from)], kwargs: {} }] : [],
    });
    const topology = {
      class_name: 'Functional',
      config: {
        name: 'functional',
        layers: [
          layer('input_layer', 'InputLayer', { batch_shape: [null, 4], dtype: 'float32' }),
          layer('dense', 'Dense', { units: 8, activation: 'relu', use_bias: true }, 'input_layer'),
          layer('dropout', 'Dropout', { rate: 0.25, seed: null, noise_shape: null }, 'dense'),
          layer('dense_1', 'Dense', { units: 3, activation: 'softmax', use_bias: true }, 'dropout'),
        ],
        input_layers: ['input_layer', 0, 0],
        output_layers: ['dense_1', 0, 0],
      },
    };
    const imported = layersFromTopology(topology, 'keras3.json');
    assert.deepEqual(imported.inputShape, [4]);
    assert.deepEqual(imported.layerNames, ['dense', 'dropout', 'dense_1']);
    assert.deepEqual(imported.dropoutLayers, [{ index: 1, name: 'dropout', type: 'dropout', rate: 0.25 }]);
    assert.equal(imported.outputUnits, 3);
  });

  test('clear errors: an unknown class, no input shape, a misfit shape, an unsupported activation, no Dense output', () => {
    const withLayers = (layers: unknown[]): unknown => ({ class_name: 'Sequential', config: { layers } });
    const input = { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 4] } };
    const out = { class_name: 'Dense', config: { name: 'out', units: 2, activation: 'softmax' } };
    assert.throws(
      () => layersFromTopology(withLayers([input, { class_name: 'LSTM', config: { name: 'lstm_1', units: 3 } }, out]), 'model/model.json'),
      {
        message: 'model/model.json: layer "lstm_1" (LSTM): the class LSTM is not supported (supported: InputLayer, Dense, Conv2D, MaxPooling2D, '
          + 'AveragePooling2D, Flatten, GlobalAveragePooling2D, BatchNormalization, Activation, Dropout, SpatialDropout2D, GaussianDropout)',
      },
    );
    assert.throws(
      () => layersFromTopology(withLayers([out]), 'm'),
      { message: 'm: the model gives no input shape (an InputLayer, or batch_input_shape on its first layer)' },
    );
    assert.throws(
      () => layersFromTopology(withLayers([input, { class_name: 'Conv2D', config: { name: 'c', filters: 2, kernel_size: 3 } }, out]), 'm'),
      { message: 'm: layer "c" (Conv2D): conv2d needs image input; the model\'s input gives vectors of 4' },
    );
    assert.throws(
      () => layersFromTopology(withLayers([input, { class_name: 'Dense', config: { name: 'h', units: 3, activation: 'selu' } }, out]), 'm'),
      /layer "h" \(Dense\): the activation "selu" is not supported \(supported: relu, tanh, sigmoid, elu, linear, softmax\)/,
    );
    assert.throws(
      () => layersFromTopology(withLayers([input, out, { class_name: 'Dropout', config: { name: 'd', rate: 0.1 } }]), 'm'),
      { message: 'm: the model must end with a Dense output layer; its last layer is Dropout' },
    );
    assert.throws(() => layersFromTopology({ class_name: 'Sequential', config: {} }, 'm'), { message: 'm: the Sequential model has no layers list' });
    assert.throws(() => layersFromTopology('nope', 'm'), { message: 'm: not a TF.js Layers model topology ({ class_name, config })' });
  });
});

describe('outputMismatch', () => {
  test('classification needs softmax over the classes; regression one linear unit', () => {
    assert.equal(outputMismatch({ outputActivation: 'softmax', outputUnits: 3 }, 'classification', 3), undefined);
    assert.equal(
      outputMismatch({ outputActivation: 'softmax', outputUnits: 10 }, 'classification', 2), 'the output layer has 10 units but the dataset has 2 classes',
    );
    assert.equal(
      outputMismatch({ outputActivation: 'sigmoid', outputUnits: 1 }, 'classification', 2),
      'the output layer is Dense(1, sigmoid); the engine trains classification with softmax over the classes: use Dense(2, softmax)',
    );
    assert.equal(outputMismatch({ outputActivation: 'linear', outputUnits: 1 }, 'regression', 0), undefined);
    assert.equal(
      outputMismatch({ outputActivation: 'softmax', outputUnits: 2 }, 'regression', 0),
      'the dataset is a regression: the output layer must be Dense(1, linear), not Dense(2, softmax)',
    );
  });
});
