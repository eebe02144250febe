/**
 * A layer list checked before any trainer starts, for every structure its hyperparameters can give: each value of a
 * bounded (int, choice, fixed) hyperparameter that sets a size (units, filters, kernelSize, strides, poolSize) is
 * tried, so that a kernel too large for its input at one value is found before the trial that draws it. The
 * resource estimate takes the largest of these structures. Pure: no TF.js.
 */
import { formatHpValue, isHpRef, type HpAssignment, type HpSpace, type HpSpaceEntry, type HpValue, type Searchable } from '../../core/hyperparameters';
import type { ExperimentSpec, LayerSpec } from '../../core/spec';
import { inferShapes, layerParameterCounts, readsImages, resolveLayer, type LayerProblem, type ResolvedLayer } from './layerShapes';

/** Fields that change a layer list's shapes or sizes (rates, momentum and activations do not). */
const STRUCTURAL_FIELDS = ['units', 'filters', 'kernelSize', 'strides', 'poolSize'] as const;
/** More structures than this and only the all-smallest and all-largest are checked. */
const MAX_STRUCTURES = 256;

/**
 * The values a hyperparameter can take, in order (an int's step multiplies under log sampling, as in keras-tuner; a
 * long range is cut after MAX_STRUCTURES values, plus its max); a float range only by its ends (it sets no size in a
 * valid spec).
 */
export function hpValues(entry: HpSpaceEntry): HpValue[] {
  switch (entry.type) {
    case 'int': {
      const multiplies = entry.sampling === 'log' && entry.step > 1;
      const values: number[] = [];
      for (let value = entry.min; value <= entry.max && values.length <= MAX_STRUCTURES; value = multiplies ? value * entry.step : value + entry.step) {
        values.push(value);
      }
      // Cut short: the largest is checked too. Otherwise the last step at or below max is the largest (keras-tuner).
      return values.length > MAX_STRUCTURES && values.at(-1) !== entry.max ? [...values, entry.max] : values;
    }
    case 'float': return [entry.min, entry.max];
    case 'choice': return entry.values;
    case 'boolean': return [false, true];
    case 'fixed': return [entry.value];
  }
}

const defaultValue = (entry: HpSpaceEntry): HpValue => (entry.type === 'fixed' ? entry.value : entry.default);

/** The largest value a numeric field can take: itself, or the largest its hyperparameter can. */
export function largestValue(value: Searchable<number>, space: HpSpace | undefined): number {
  if (!isHpRef(value)) return value;
  const entry = space?.[value.hp];
  const numbers = entry ? hpValues(entry).filter((v): v is number => typeof v === 'number') : [];
  if (numbers.length === 0) throw new Error(`the hyperparameter "${value.hp}" takes no number`);
  return Math.max(...numbers);
}

/** Hyperparameter names used by structural fields, in the order the layers use them. */
function structuralNames(layers: readonly LayerSpec[]): string[] {
  const names = new Set<string>();
  for (const layer of layers) {
    for (const field of STRUCTURAL_FIELDS) {
      const value = (layer as Record<string, unknown>)[field];
      for (const part of Array.isArray(value) ? value : [value]) if (isHpRef(part)) names.add(part.hp);
    }
  }
  return [...names];
}

/** Every assignment of the structural hyperparameters (others at their defaults), or the extremes when too many. */
function structuralAssignments(layers: readonly LayerSpec[], space: HpSpace = {}): HpAssignment[] {
  const base: HpAssignment = Object.fromEntries(Object.entries(space).map(([name, entry]) => [name, defaultValue(entry)]));
  const axes = structuralNames(layers).filter((name) => space[name]).map((name) => ({ name, values: hpValues(space[name]!) }));
  const count = axes.reduce((product, axis) => product * axis.values.length, 1);
  if (count > MAX_STRUCTURES) {
    const pick = (end: 'min' | 'max'): HpAssignment => ({
      ...base, ...Object.fromEntries(axes.map(({ name, values }) => [name, end === 'min' ? values[0]! : values.at(-1)!])),
    });
    return [pick('min'), pick('max')];
  }
  let assignments: HpAssignment[] = [base];
  for (const { name, values } of axes) assignments = assignments.flatMap((assignment) => values.map((value) => ({ ...assignment, [name]: value })));
  return assignments;
}

/** One structure a layer list can take: the values that gave it, its layers, and each layer's output shape. */
export interface LayerListVariant {
  /** The structural hyperparameters' values (empty when none is searched). */
  hp: HpAssignment;
  layers: ResolvedLayer[];
  inputShape: number[];
  /** Output shape of each layer. */
  shapes: number[][];
}

/** A shape problem positioned at `model.layers[index]` (its field when one is to blame). */
export interface LayerListProblem {
  path: (string | number)[];
  message: string;
}

/** The image or vector shape a layer list reads, or why the data cannot give it. */
function inputShapeOf(spec: ExperimentSpec, featureCount: number, imageShape: readonly number[] | undefined): number[] | LayerListProblem {
  const layers = spec.model.layers!;
  if (!readsImages(layers)) return [featureCount];
  if (imageShape) return [...imageShape];
  return { path: ['model', 'layers', 0], message: `${layers[0]!.type} needs image input; dataset ${spec.dataset.type} gives vectors of ${featureCount}` };
}

/**
 * Every structure of `spec.model.layers` for data of `featureCount` values per sample (`imageShape` for images),
 * or the first problem. Call only for a spec with a layer list.
 */
export function layerListVariants(
  spec: ExperimentSpec, featureCount: number, imageShape: readonly number[] | undefined,
): { variants: LayerListVariant[] } | { problem: LayerListProblem } {
  const layers = spec.model.layers!;
  const inputShape = inputShapeOf(spec, featureCount, imageShape);
  if (!Array.isArray(inputShape)) return { problem: inputShape };
  const structural = new Set(structuralNames(layers));
  const variants: LayerListVariant[] = [];
  for (const assignment of structuralAssignments(layers, spec.sweep.space)) {
    const resolved = layers.map((layer) => resolveLayer(layer, assignment, spec.sweep.rates[0] ?? 0));
    const shapes = inferShapes(resolved, inputShape, spec.dataset.type);
    const hp = Object.fromEntries(Object.entries(assignment).filter(([name]) => structural.has(name)));
    if (!Array.isArray(shapes)) return { problem: positioned(shapes, hp) };
    variants.push({ hp, layers: resolved, inputShape, shapes });
  }
  return { variants };
}

function positioned(problem: LayerProblem, hp: HpAssignment): LayerListProblem {
  const values = Object.entries(hp).map(([name, value]) => `${name} = ${formatHpValue(value)}`);
  const suffix = values.length > 0 ? ` (with ${values.join(', ')})` : '';
  return { path: ['model', 'layers', Math.max(0, problem.index), ...(problem.field ? [problem.field] : [])], message: `${problem.message}${suffix}` };
}

/** Parameters (trainable and state) and units (input, every layer's output, the output layer) of one structure. */
export function variantSizes(variant: LayerListVariant, outputUnits: number): { parameters: number; units: number } {
  const inputShapes = [variant.inputShape, ...variant.shapes];
  const size = (shape: readonly number[]): number => shape.reduce((product, n) => product * n, 1);
  let parameters = variant.layers.reduce((sum, layer, index) => {
    const counts = layerParameterCounts(layer, inputShapes[index]!);
    return sum + counts.trainable + counts.state;
  }, 0);
  const last = inputShapes.at(-1)!;
  parameters += size(last) * outputUnits + outputUnits;
  const units = inputShapes.reduce((sum, shape) => sum + size(shape), 0) + outputUnits;
  return { parameters, units };
}
