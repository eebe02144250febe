/**
 * The parallel-coordinates view of a sweep (as TensorBoard's HParams and W&B draw one): a vertical axis per searched
 * dimension and one for the objective, and one polyline per voting trial through its values, coloured by its
 * objective. This is the geometry in unit coordinates (0 at an axis's bottom, 1 at its top); the view scales it.
 * Pure, so it is unit-tested without a DOM.
 */
import type { HpValue } from '../../src/core/hyperparameters';
import type { SweepObjective } from '../../src/core/spec';
import { bestRate, type RateSummary } from '../../src/core/summary';
import { sameConfig } from '../../src/core/dropoutConfig';
import type { SweepSnapshot } from '../../src/protocol/webview';
import { dimensionsOf, sameValue, valueOf, type AxisKind, type Dimension } from './dimensions';
import { configRateLabel, formatValue } from './format';
import { formatObjective, goodnessOf } from './heatmap';

export interface ParallelTick {
  /** 0 (bottom) … 1 (top). */
  position: number;
  label: string;
}

export interface ParallelAxis {
  /** A dimension's name, or the objective's (`val_loss`, `val_acc`). */
  name: string;
  kind: AxisKind;
  isObjective: boolean;
  /** Numeric axes: the lowest and highest value, at the bottom and the top. */
  min?: number;
  max?: number;
  /** Categorical axes: the categories from bottom to top. */
  categories?: string[];
  ticks: ParallelTick[];
}

export interface ParallelLine {
  trialId: string;
  /** The trial's configuration and seed in words. */
  label: string;
  /** One value per axis: the dimensions' values, then the objective. */
  values: HpValue[];
  /** One position per axis, 0 … 1 from the bottom. */
  positions: number[];
  objective: number;
  /** 0 for the worst objective drawn, 1 for the best: what the colour encodes. */
  goodness: number;
  /** The trial is of the best configuration (the verdict's). */
  isBest: boolean;
}

export interface ParallelCoordinates {
  objective: SweepObjective;
  axes: ParallelAxis[];
  /** Best last, so that it is drawn on top. */
  lines: ParallelLine[];
  range?: { low: number; high: number };
}

/** Up to this many distinct values a numeric axis ticks every one; past it (random search) five even ticks. */
const maxValueTicks = 8;

function numericPosition(kind: AxisKind, min: number, max: number): (value: number) => number {
  const scale = kind === 'log' ? Math.log10 : (value: number) => value;
  const low = scale(min);
  const span = scale(max) - low;
  return (value) => (span > 0 ? (scale(value) - low) / span : 0.5);
}

function evenTicks(kind: AxisKind, min: number, max: number, format: (value: number) => string): ParallelTick[] {
  const position = numericPosition(kind, min, max);
  if (!(max > min)) return [{ position: 0.5, label: format(min) }];
  const values = kind === 'log'
    ? Array.from({ length: 5 }, (_, index) => 10 ** (Math.log10(min) + (index / 4) * (Math.log10(max) - Math.log10(min))))
    : Array.from({ length: 5 }, (_, index) => min + (index / 4) * (max - min));
  return values.map((value) => ({ position: position(value), label: format(value) }));
}

const shortNumber = (value: number): string => formatValue(Number(value.toPrecision(3)));

function dimensionAxis(dimension: Dimension): { axis: ParallelAxis; position: (value: HpValue) => number } {
  if (dimension.kind === 'categorical') {
    const count = dimension.values.length;
    const position = (value: HpValue) => {
      const index = dimension.values.findIndex((candidate) => sameValue(candidate, value));
      return count > 1 ? index / (count - 1) : 0.5;
    };
    const categories = dimension.values.map(formatValue);
    return {
      axis: {
        name: dimension.name, kind: 'categorical', isObjective: false, categories,
        ticks: dimension.values.map((value, index) => ({ position: position(value), label: categories[index]! })),
      },
      position,
    };
  }
  const numbers = dimension.values as number[];
  const min = Math.min(...numbers);
  const max = Math.max(...numbers);
  const place = numericPosition(dimension.kind, min, max);
  const ticks = numbers.length <= maxValueTicks
    ? numbers.map((value) => ({ position: place(value), label: formatValue(value) }))
    : evenTicks(dimension.kind, min, max, shortNumber);
  return { axis: { name: dimension.name, kind: dimension.kind, isObjective: false, min, max, ticks }, position: (value) => place(value as number) };
}

/** The view of a sweep's voting trials; undefined before any has a selected value. */
export function parallelCoordinatesOf(sweep: SweepSnapshot, summaries: readonly RateSummary[]): ParallelCoordinates | undefined {
  const dimensions = dimensionsOf(sweep.trials.map((trial) => trial.plan), sweep.space);
  const objective = summaries[0]?.selection.objective ?? sweep.objective;
  const results = summaries.flatMap((summary) => summary.perSeed.filter((result) => Number.isFinite(result.value)).map((result) => ({ summary, result })));
  if (dimensions.length === 0 || results.length === 0) return undefined;
  const axes = dimensions.map(dimensionAxis);
  const values = results.map(({ result }) => result.value);
  const range = { low: Math.min(...values), high: Math.max(...values) };
  const objectivePosition = numericPosition('linear', range.low, range.high);
  const objectiveAxis: ParallelAxis = {
    name: objective, kind: 'linear', isObjective: true, min: range.low, max: range.high,
    ticks: evenTicks('linear', range.low, range.high, (value) => formatObjective(objective, value)),
  };
  const best = bestRate(summaries, objective);
  const lines = results.map(({ summary, result }): ParallelLine => {
    const dimensionValues = dimensions.map((dimension) => valueOf(summary, dimension.name)!);
    return {
      trialId: result.trialId,
      label: `${configRateLabel(summary)} · seed ${result.seed}`,
      values: [...dimensionValues, result.value],
      positions: [...dimensionValues.map((value, index) => axes[index]!.position(value)), objectivePosition(result.value)],
      objective: result.value,
      goodness: goodnessOf(objective, result.value, range),
      isBest: best !== undefined && sameConfig(best, summary),
    };
  });
  // Worst first, best last: the lines that matter are drawn over the others. Ties in configuration order.
  lines.sort((a, b) => a.goodness - b.goodness || Number(a.isBest) - Number(b.isBest) || a.trialId.localeCompare(b.trialId));
  return { objective, axes: [...axes.map((entry) => entry.axis), objectiveAxis], lines, range };
}

