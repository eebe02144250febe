/**
 * The objective over any two searched dimensions as a grid: which value goes in which cell, which cell is best, and
 * the colour of each. Pure, so it is unit-tested without a DOM; `views/heatmapCard.ts` draws it.
 *
 * Rows are one dimension's values, columns another's (input rate × hidden rate by default when the sweep searches
 * both: drop probabilities, keep = 1 − rate). A cell's value is the mean, over the trials whose configuration has
 * that pair of values, of the figure the sweep's objective ranks by (each trial's objective at its selected epoch);
 * with more than two dimensions a cell averages over the others. The best cell holds the store's `bestRate`: the
 * configuration the CLI names.
 */
import { objectiveDirection } from '../../src/core/objective';
import type { SweepObjective } from '../../src/core/spec';
import { meanStd } from '../../src/core/statistics';
import type { SweepSnapshot } from '../../src/protocol/webview';
import { bestRate, type RateSummary } from '../../src/core/summary';
import type { HpValue } from '../../src/core/hyperparameters';
import { mixColours, parseCssColour, toLinear, type Rgb } from './colours';
import { dimensionsOf, sameValue, valueOf, type Dimension } from './dimensions';
import { formatMetric, formatPercent, valueLabel } from './format';

export interface HeatmapCell {
  /** This cell's value of the row dimension and of the column dimension. */
  row: HpValue;
  column: HpValue;
  /** Mean of the objective over the cell's trials; undefined while none has an epoch (or none was drawn). */
  value?: number;
  std?: number;
  /** Trials and configurations averaged; one configuration when the sweep searches just these two dimensions. */
  trials: number;
  configs: number;
  /** Where the value sits between the worst (0) and the best (1) value of the grid; what the colour encodes. */
  goodness?: number;
  isBest: boolean;
  /** The value as the cell shows it. */
  text: string;
  /** What a screen reader says for the cell: both values, the objective and its spread. */
  label: string;
}

export interface Heatmap {
  objective: SweepObjective;
  /** The row and column dimensions; their values (ascending numbers, or categories) head the rows and columns. */
  rows: Dimension;
  columns: Dimension;
  /** cells[row][column]. */
  cells: HeatmapCell[][];
  best?: HeatmapCell;
  /** Lowest and highest value shown, for the legend. */
  range?: { low: number; high: number };
}

/** The two dimensions a heatmap is asked for (the panel's pickers); either may be absent or stale. */
export interface HeatmapPick {
  rows?: string;
  columns?: string;
}

/**
 * Which two dimensions the heatmap shows: the picked ones when the sweep searches them, else input rate × hidden
 * rate, else the first two that take more than one value. Undefined with fewer than two dimensions.
 */
export function heatmapAxes(dimensions: readonly Dimension[], pick: HeatmapPick = {}): { rows: Dimension; columns: Dimension } | undefined {
  if (dimensions.length < 2) return undefined;
  const named = (name: string | undefined) => dimensions.find((dimension) => dimension.name === name);
  // A `fixed` entry is a dimension of one value: a row or a column of it says nothing.
  const varying = dimensions.filter((dimension) => dimension.values.length > 1);
  const firstTwo = varying.length >= 2 ? varying : dimensions;
  const defaults = named('input_rate') && named('rate') ? [named('input_rate')!, named('rate')!] : [firstTwo[0]!, firstTwo[1]!];
  const rows = named(pick.rows) ?? defaults[0]!;
  let columns = named(pick.columns) ?? (rows === defaults[1] ? defaults[0]! : defaults[1]!);
  if (columns === rows) columns = dimensions.find((dimension) => dimension !== rows)!;
  return { rows, columns };
}

/**
 * The heatmap of a sweep over two of its dimensions; undefined for a sweep that searches only one. The rows and
 * columns are every planned value, so the grid does not move as trials start.
 */
export function heatmapOf(sweep: SweepSnapshot, summaries: readonly RateSummary[], pick: HeatmapPick = {}): Heatmap | undefined {
  const axes = heatmapAxes(dimensionsOf(sweep.trials.map((trial) => trial.plan)), pick);
  if (!axes) return undefined;
  const objective = sweep.objective ?? 'val_loss';
  const best = bestRate(summaries, objective);
  const grid = axes.rows.values.map((row) => axes.columns.values.map((column) => {
    const inCell = summaries.filter((summary) => sameValue(valueOf(summary, axes.rows.name), row) && sameValue(valueOf(summary, axes.columns.name), column));
    const figure = meanStd(inCell.flatMap((summary) => summary.perSeed.map((result) => result.value)));
    return { row, column, inCell, figure };
  }));
  const values = grid.flat().map(({ figure }) => figure.mean).filter((value) => Number.isFinite(value));
  const range = values.length > 0 ? { low: Math.min(...values), high: Math.max(...values) } : undefined;
  let bestCell: HeatmapCell | undefined;
  const cells = grid.map((cellsOfRow) => cellsOfRow.map(({ row, column, inCell, figure }) => {
    const value = Number.isFinite(figure.mean) ? figure.mean : undefined;
    const isBest = best !== undefined && sameValue(valueOf(best, axes.rows.name), row) && sameValue(valueOf(best, axes.columns.name), column);
    const cell: HeatmapCell = {
      row, column, trials: figure.n, configs: inCell.length, isBest,
      text: value === undefined ? '–' : formatObjective(objective, value),
      label: '',
      ...(value !== undefined ? { value, std: figure.std, goodness: goodnessOf(objective, value, range!) } : {}),
    };
    cell.label = cellLabel(objective, axes, cell);
    if (isBest) bestCell = cell;
    return cell;
  }));
  return { objective, ...axes, cells, ...(bestCell ? { best: bestCell } : {}), ...(range ? { range } : {}) };
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

function cellLabel(objective: SweepObjective, axes: { rows: Dimension; columns: Dimension }, cell: HeatmapCell): string {
  const where = `${valueLabel(axes.rows.name, cell.row)}, ${valueLabel(axes.columns.name, cell.column)}`;
  if (cell.value === undefined) return `${where}: no epochs yet`;
  const spread = cell.trials === 1 ? ' (1 seed)'
    : ` ± ${formatObjective(objective, cell.std!)} over ${cell.trials} ${cell.configs > 1 ? `trials of ${cell.configs} configurations` : 'seeds'}`;
  return `${where}: ${objective} ${cell.text}${spread}${cell.isBest ? `, ${cell.configs > 1 ? 'holds ' : ''}the best of the sweep` : ''}`;
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

/**
 * The part of the scale drawn on a background, for marks (lines, dots) rather than filled cells: on a dark
 * background viridis' darkest end hardly shows, on a light one its lightest; each keeps the end that contrasts,
 * best still the lightest. `colour(goodness)` maps 0 … 1 onto that part.
 */
export function objectiveRampOn(background: string): { from: number; to: number; colour(goodness: number): Rgb } {
  const light = textColourOn(parseCssColour(background) ?? { r: 0, g: 0, b: 0 }) === 'black';
  const [from, to] = light ? [0, 0.78] : [0.12, 1];
  return { from, to, colour: (goodness) => objectiveColour(from + goodness * (to - from)) };
}

/** Black or white, whichever contrasts more with the background (WCAG relative luminance). */
export function textColourOn(background: Rgb): 'black' | 'white' {
  const luminance = 0.2126 * toLinear(background.r) + 0.7152 * toLinear(background.g) + 0.0722 * toLinear(background.b);
  // Contrast with black (L + 0.05) / 0.05 against white 1.05 / (L + 0.05): equal at L ≈ 0.179.
  return (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) ? 'black' : 'white';
}
