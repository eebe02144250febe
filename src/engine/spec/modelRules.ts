/**
 * The model's cross-field rules: exactly one of `model.hidden`, `model.layers`, `model.module` and `model.from`;
 * `model.weights` only with `from`; what a layer list or a model of the user's own replaces (the input-rate fields: a
 * dropout layer first does their job), and who takes the swept `sweep.rates` (a dropout-kind layer without its own
 * rate; none in a model.from, whose dropout layers are hyperparameters of their own). Static shape checks, which need
 * the dataset (and the model file), are made before training (preflight).
 */
import { DROPOUT_LAYER_TYPES, type LayerType } from '../../core/spec';
import { ownerSpan, type Collector, type Span } from './positions';
import type { Values } from './walker';

const DROPOUT_TYPES: readonly string[] = DROPOUT_LAYER_TYPES;

/** The four ways to describe the network; a model gives exactly one. */
const SOURCES = ['hidden', 'layers', 'module', 'from'] as const;

/**
 * Reports the model's cross-field problems; fills in `model.hidden` as [] when another source is given, and
 * `model.weights` as "fresh" with `from`.
 */
export function checkModel(values: Values, c: Collector): void {
  const model = values.model as Values | undefined;
  if (!model) return;
  const written = (path: string): boolean => c.nodes.has(path);
  const keyOf = (path: string): Span => ownerSpan(c.nodes.get(path));
  const given = SOURCES.filter((source) => written(`model.${source}`));
  if (given.length > 1) {
    const [first, second] = given as [string, string];
    const why = given.length === 2 && first === 'hidden' && second === 'layers'
      ? 'keep one (hidden is shorthand for a stack of dense layers)'
      : 'keep one of hidden, layers, module and from';
    c.error(keyOf(`model.${second}`), `model.${second}`, `model.${first} and model.${second} both describe the network: ${why}`);
    return;
  }
  if (given.length === 0) {
    c.error(ownerSpan(c.nodes.get('model')), 'model.hidden',
      'missing required property "hidden", "layers", "module" or "from": the units of each hidden layer (e.g. [64, 64]), a list of layers, '
        + 'a build(hp, tf, data) module or an existing TF.js model.json');
    return;
  }
  if (written('model.weights') && given[0] !== 'from') {
    c.error(keyOf('model.weights'), 'model.weights', 'model.weights applies to model.from only: "fresh" or "pretrained" weights of an existing model');
  }
  if (given[0] === 'hidden') return;
  if (given[0] === 'from') model.weights ??= 'fresh';
  if (given[0] !== 'layers') {
    checkOwnModel(given[0] === 'from' ? 'model.from' : 'model.module', model, c);
    return;
  }
  model.hidden = [];
  const lead = 'put a dropout layer first in model.layers instead, e.g. { "type": "dropout", "rate": 0.2 }';
  if (written('model.inputDropout')) {
    c.error(keyOf('model.inputDropout'), 'model.inputDropout', `model.inputDropout applies to model.hidden only: ${lead}`);
  }
  if (written('sweep.inputRates')) {
    c.error(keyOf('sweep.inputRates'), 'sweep.inputRates', `sweep.inputRates searches the input rate of model.hidden only: ${lead} `
      + 'and search its rate with {"hp": "name"}');
  }
  if (written('model.activation')) {
    c.warn(keyOf('model.activation'), 'model.activation', 'model.activation applies to model.hidden only; each layer of model.layers has its own');
  }
  const layers = model.layers as Array<{ type: LayerType; rate?: unknown }> | undefined;
  if (!layers) return;
  const takers = layers.map((layer, i) => (DROPOUT_TYPES.includes(layer.type) && layer.rate === undefined ? i : -1)).filter((i) => i >= 0);
  if (written('sweep.rates')) {
    if (takers.length === 0) {
      const why = layers.some((layer) => DROPOUT_TYPES.includes(layer.type))
        ? 'every dropout layer of model.layers has its own rate'
        : 'model.layers has no dropout layer';
      c.error(keyOf('sweep.rates'), 'sweep.rates',
        `no layer uses sweep.rates: ${why} (a dropout, spatialDropout2d or gaussianDropout layer without "rate" takes the swept rates)`);
    }
    return;
  }
  for (const i of takers) {
    const path = `model.layers[${i}]`;
    c.error(ownerSpan(c.nodes.get(path)), `${path}.rate`,
      `this ${layers[i]!.type} layer has no "rate" and sweep.rates is not given: give it a rate (a number or {"hp": "name"}), `
        + 'or list the rates it sweeps in sweep.rates');
  }
}

/** A model of the user's own (from, module): its dropout layers are its hyperparameters; input dropout is a layer of it. */
function checkOwnModel(source: 'model.from' | 'model.module', model: Values, c: Collector): void {
  const written = (path: string): boolean => c.nodes.has(path);
  const keyOf = (path: string): Span => ownerSpan(c.nodes.get(path));
  model.hidden = [];
  const lead = `put a dropout layer first in the model of ${source} instead`;
  if (written('model.inputDropout')) c.error(keyOf('model.inputDropout'), 'model.inputDropout', `model.inputDropout applies to model.hidden only: ${lead}`);
  if (written('sweep.inputRates')) {
    c.error(keyOf('sweep.inputRates'), 'sweep.inputRates', `sweep.inputRates searches the input rate of model.hidden only: ${lead}`);
  }
  if (written('model.activation')) {
    c.warn(keyOf('model.activation'), 'model.activation', `model.activation applies to model.hidden only; the model of ${source} has its own`);
  }
  if (source === 'model.from' && written('sweep.rates')) {
    c.error(keyOf('sweep.rates'), 'sweep.rates',
      'no layer uses sweep.rates: each dropout layer of the model of model.from is a hyperparameter of its own (dropout_1, dropout_2, … '
        + 'by position, or its layer name): set their ranges in sweep.space');
  }
}
