/**
 * The objective against each searched dimension, one small chart each (as TensorBoard's HParams and W&B draw a
 * sweep): per value of the dimension, the mean over every trial that took it (whatever the other dimensions) of the
 * objective at its selected epoch, with its exact 95% t interval, and each trial's own value beside it. Pure.
 */
import type { HpValue } from '../../src/core/hyperparameters';
import type { SweepObjective, SweepSelect } from '../../src/core/spec';
import { meanStd, type MeanStd } from '../../src/core/statistics';
import { bestRate, type RateSummary } from '../../src/core/summary';
import type { SweepSnapshot } from '../../src/protocol/webview';
import { dimensionsOf, sameValue, valueOf, type AxisKind, type Dimension } from './dimensions';
import { configRateLabel } from './format';

export interface HyperparameterPoint {
  value: HpValue;
  /** Where the value sits on the x axis: the number itself, or the category's index. */
  x: number;
  /** The objective over the trials that took the value: mean, std, n and (n ≥ 2) the 95% interval of the mean. */
  objective: MeanStd;
  /** Configurations with this value that have a voting trial. */
  configs: number;
  /** The best configuration (the verdict's) has this value. */
  isBest: boolean;
}

export interface HyperparameterTrial {
  trialId: string;
  /** The trial's configuration and seed, in words (tooltips, the text alternative). */
  label: string;
  value: HpValue;
  x: number;
  y: number;
}

export interface HyperparameterSeries {
  name: string;
  kind: AxisKind;
  /** Categorical axes: the tick labels, in x order (x = index). */
  categories?: string[];
  objective: SweepObjective;
  select: SweepSelect;
  /** One per planned value, in axis order; a value no trial has voted for yet has n = 0 and a NaN mean. */
  points: HyperparameterPoint[];
  /** Every voting trial at its value (the scatter under the means). */
  trials: HyperparameterTrial[];
}

/** Where a value goes on a dimension's x axis. */
export function axisPosition(dimension: Dimension, value: HpValue): number {
  if (dimension.kind === 'categorical') return dimension.values.findIndex((candidate) => sameValue(candidate, value));
  return value as number;
}

/** One series per searched dimension of the sweep, in configEntries order. */
export function hyperparameterSeries(sweep: SweepSnapshot, summaries: readonly RateSummary[]): HyperparameterSeries[] {
  const dimensions = dimensionsOf(sweep.trials.map((trial) => trial.plan), sweep.space);
  const best = bestRate(summaries, sweep.objective);
  const selection = summaries[0]?.selection ?? { objective: sweep.objective, select: sweep.select };
  return dimensions.map((dimension) => {
    const points = dimension.values.map((value): HyperparameterPoint => {
      const group = summaries.filter((summary) => sameValue(valueOf(summary, dimension.name), value));
      return {
        value, x: axisPosition(dimension, value), configs: group.length,
        objective: meanStd(group.flatMap((summary) => summary.perSeed.map((result) => result.value))),
        isBest: best !== undefined && sameValue(valueOf(best, dimension.name), value),
      };
    });
    const trials = summaries.flatMap((summary) => {
      const value = valueOf(summary, dimension.name);
      if (value === undefined) return [];
      return summary.perSeed.filter((result) => Number.isFinite(result.value)).map((result): HyperparameterTrial => ({
        trialId: result.trialId, label: `${configRateLabel(summary)} · seed ${result.seed}`, value, x: axisPosition(dimension, value), y: result.value,
      }));
    });
    return {
      name: dimension.name, kind: dimension.kind, objective: selection.objective, select: selection.select, points, trials,
      ...(dimension.kind === 'categorical' ? { categories: dimension.values.map(String) } : {}),
    };
  });
}
