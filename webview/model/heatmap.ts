/**
 * The objective over (input rate × hidden rate) as a grid: which value goes in which cell, which cell is best, and
 * the colour of each. Pure, so it is unit-tested without a DOM; `views/heatmapCard.ts` draws it.
 *
 * Rows are input rates, columns hidden rates, both ascending drop probabilities (keep = 1 − rate). A cell's value is
 * the per-configuration figure the sweep's objective ranks by (mean over seeds of each trial's best val_loss or best
 * val_acc), and the best cell is the store's `bestRate` for that objective: the same one the CLI names.
 */
import { objectiveDirection } from '../../src/core/objective';
import type { SweepObjective } from '../../src/core/spec';
import { sameConfig, searchesInputRate } from '../../src/core/dropoutConfig';
import type { SweepSnapshot } from '../../src/protocol/webview';
import { bestRate, objectiveOf, type RateSummary } from '../../src/core/summary';
import { mixColours, parseCssColour, toLinear, type Rgb } from './colours';
import { formatMetric, formatPercent, rateLabel } from './format';

export interface HeatmapCell {
  inputRate: number;
  rate: number;
  /** Mean of the objective over the configuration's seeds; undefined while it has no epoch (or was not drawn). */
  value?: number;
  std?: number;
  seeds: number;
  /** Where the value sits between the worst (0) and the best (1) value of the grid; what the colour encodes. */
  goodness?: number;
  isBest: boolean;
  /** The value as the cell shows it. */
  text: string;
  /** What a screen reader says for the cell: both rates, the value and its spread. */
  label: string;
}

export interface Heatmap {
  objective: SweepObjective;
  /** Row headings, ascending. */
  inputRates: number[];
  /** Column headings, ascending. */
  rates: number[];
  /** cells[row][column]. */
  cells: HeatmapCell[][];
  best?: HeatmapCell;
  /** Lowest and highest value shown, for the legend. */
  range?: { low: number; high: number };
}

/**
 * The heatmap of a sweep that searches input and hidden rates; undefined for a sweep of one rate. The rows and
 * columns are every planned rate, so the grid does not move as trials start.
 */
export function heatmapOf(sweep: SweepSnapshot, summaries: readonly RateSummary[]): Heatmap | undefined {
  const plans = sweep.trials.map((trial) => trial.plan).filter(searchesInputRate);
  if (plans.length === 0) return undefined;
  const objective = sweep.objective ?? 'val_loss';
  const ascending = (values: number[]): number[] => [...new Set(values)].sort((a, b) => a - b);
  const inputRates = ascending(plans.map((plan) => plan.inputRate!));
  const rates = ascending(plans.map((plan) => plan.rate));
  const best = bestRate(summaries, objective);
  const values = summaries.map((summary) => objectiveOf(summary, objective)?.mean).filter((value): value is number => Number.isFinite(value));
  const range = values.length > 0 ? { low: Math.min(...values), high: Math.max(...values) } : undefined;
  let bestCell: HeatmapCell | undefined;
  const cells = inputRates.map((inputRate) => rates.map((rate) => {
    const config = { inputRate, rate };
    const summary = summaries.find((candidate) => sameConfig(candidate, config));
    const figure = summary && objectiveOf(summary, objective);
    const value = figure && Number.isFinite(figure.mean) ? figure.mean : undefined;
    const isBest = best !== undefined && sameConfig(best, config);
    const cell: HeatmapCell = {
      inputRate, rate, seeds: summary?.seeds ?? 0, isBest,
      text: value === undefined ? '–' : formatObjective(objective, value),
      label: '',
      ...(value !== undefined ? { value, std: figure!.std, goodness: goodnessOf(objective, value, range!) } : {}),
    };
    cell.label = cellLabel(objective, cell);
    if (isBest) bestCell = cell;
    return cell;
  }));
  return { objective, inputRates, rates, cells, ...(bestCell ? { best: bestCell } : {}), ...(range ? { range } : {}) };
}

/** 1 for the best value of the range, 0 for the worst: low losses and high accuracies are good. */
export function goodnessOf(objective: SweepObjective, value: number, range: { low: number; high: number }): number {
  const span = range.high - range.low;
  if (!(span > 0)) return 1;
  const fraction = (value - range.low) / span;
  return objectiveDirection(objective) === 'max' ? fraction : 1 - fraction;
}

export function formatObjective(objective: SweepObjective, value: number): string {
  return objective === 'val_acc' ? formatPercent(value) : formatMetric(value);
}

function cellLabel(objective: SweepObjective, cell: HeatmapCell): string {
  const where = `input ${rateLabel(cell.inputRate)}, ${rateLabel(cell.rate)}`;
  if (cell.value === undefined) return `${where}: no epochs yet`;
  const spread = cell.seeds > 1 ? ` ± ${formatObjective(objective, cell.std!)} over ${cell.seeds} seeds` : ' (1 seed)';
  return `${where}: best ${objective} ${cell.text}${spread}${cell.isBest ? ', the best of the sweep' : ''}`;
}

/**
 * viridis (van der Walt & Smith, matplotlib's default): perceptually uniform, readable by the colour-blind and in
 * greyscale, and its lightness runs from dark to light so that it reads the same on light and dark backgrounds.
 * Sampled at 5 stops and interpolated in OKLCH; the best values are the light yellow end.
 */
const viridisStops: readonly Rgb[] = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'].map((hex) => parseCssColour(hex)!);

export function objectiveColour(goodness: number): Rgb {
  const t = Math.min(1, Math.max(0, goodness)) * (viridisStops.length - 1);
  const index = Math.min(viridisStops.length - 2, Math.floor(t));
  return mixColours(viridisStops[index]!, viridisStops[index + 1]!, t - index);
}

/** Black or white, whichever contrasts more with the background (WCAG relative luminance). */
export function textColourOn(background: Rgb): 'black' | 'white' {
  const luminance = 0.2126 * toLinear(background.r) + 0.7152 * toLinear(background.g) + 0.0722 * toLinear(background.b);
  // Contrast with black (L + 0.05) / 0.05 against white 1.05 / (L + 0.05): equal at L ≈ 0.179.
  return (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) ? 'black' : 'white';
}
