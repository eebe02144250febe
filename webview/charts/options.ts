/** Options every chart shares: theme colours and fonts, no animation, tooltips styled like VS Code hovers. */
import type { ChartOptions, Scale, TooltipOptions } from 'chart.js';
import { formatRate, keepOf } from '../model/format';
import type { ChartTheme } from './theme';

export function axisStyle(theme: ChartTheme, title: string) {
  return {
    border: { color: theme.axis },
    grid: { color: theme.grid, tickColor: theme.grid },
    ticks: { color: theme.muted, font: { family: theme.fontFamily, size: theme.fontSize - 2 } },
    title: { display: true, text: title, color: theme.foreground, font: { family: theme.fontFamily, size: theme.fontSize - 1 } },
  };
}

export function tooltipStyle(theme: ChartTheme): Partial<TooltipOptions<'line'>> {
  return {
    backgroundColor: theme.tooltip.background,
    titleColor: theme.tooltip.foreground,
    bodyColor: theme.tooltip.foreground,
    borderColor: theme.tooltip.border,
    borderWidth: 1,
    cornerRadius: 3,
    padding: 8,
    boxPadding: 4,
    titleFont: { family: theme.fontFamily, size: theme.fontSize - 1, weight: 'bold' },
    bodyFont: { family: theme.fontFamily, size: theme.fontSize - 1 },
  };
}

export function baseOptions(theme: ChartTheme): ChartOptions<'line'> {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    // Data are {x, y} objects sorted by x: Chart.js can skip parsing and use them as they are.
    parsing: false,
    normalized: true,
    color: theme.foreground,
    font: { family: theme.fontFamily, size: theme.fontSize - 1 },
    layout: { padding: { top: 4, right: 8 } },
    elements: { point: { radius: 0, hoverRadius: 3, hitRadius: 6 }, line: { borderCapStyle: 'round', borderJoinStyle: 'round' } },
  };
}

/** An x axis of dropout rates: a tick at each rate drawn, labelled with the rate and its keep probability. */
export function rateAxis(theme: ChartTheme, rates: readonly number[]) {
  const low = rates.length ? Math.min(...rates) : 0;
  const high = rates.length ? Math.max(...rates) : 1;
  const pad = high > low ? (high - low) * 0.05 : 0.05;
  return {
    type: 'linear' as const,
    min: low - pad,
    max: high + pad,
    ...axisStyle(theme, 'Dropout rate (drop probability)'),
    afterBuildTicks: (axis: Scale) => {
      axis.ticks = rates.map((value) => ({ value }));
    },
    ticks: {
      ...axisStyle(theme, '').ticks,
      autoSkip: true,
      maxRotation: 0,
      // The keep probability goes on a second line where there is room for it (not in the narrow side view).
      callback(this: Scale, value: number | string) {
        const rate = Number(value);
        return this.width / Math.max(1, rates.length) >= 52 ? [formatRate(rate), `keep ${formatRate(keepOf(rate))}`] : formatRate(rate);
      },
    },
  };
}

/** Log-axis ticks at 1, 2 and 5 × 10ⁿ only, so the axis reads at a glance. */
export function logTickLabel(value: number | string): string {
  const number = Number(value);
  const mantissa = number / 10 ** Math.floor(Math.log10(number));
  return [1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6) ? String(Number(number.toPrecision(3))) : '';
}
