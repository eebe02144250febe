/** The colour key of the objective (viridis, worst to best), shared by the heatmap and the parallel-coordinates view. */
import { objectiveDirection } from '../../src/core/objective';
import type { SweepObjective } from '../../src/core/spec';
import { el } from '../dom';
import { toCss } from '../model/colours';
import { formatObjective, objectiveColour } from '../model/heatmap';

/**
 * Fills `legend` with "worst … ramp … best" for the range, then `notes`; "No epochs yet." without a range.
 * `ramp`: the part of the colour scale the view uses (goodness 0 and 1 map to its ends).
 */
export function renderObjectiveLegend(
  legend: HTMLElement, objective: SweepObjective, range: { low: number; high: number } | undefined, notes: string[], ramp = { from: 0, to: 1 },
): void {
  if (!range) {
    legend.replaceChildren(el('span', { class: 'muted', text: 'No epochs yet.' }));
    return;
  }
  const [worst, best] = objectiveDirection(objective) === 'max' ? [range.low, range.high] : [range.high, range.low];
  const stops = el('span', { class: 'heatmap-ramp', attrs: { 'aria-hidden': 'true' } });
  stops.append(...[0, 0.25, 0.5, 0.75, 1].map((goodness) => {
    const stop = el('span', { class: 'heatmap-ramp-stop' });
    stop.style.backgroundColor = toCss(objectiveColour(ramp.from + goodness * (ramp.to - ramp.from)));
    return stop;
  }));
  legend.replaceChildren(
    el('span', { text: `worst ${formatObjective(objective, worst)}` }), stops, el('span', { text: `best ${formatObjective(objective, best)}` }),
    ...notes.map((text) => el('span', { class: 'muted', text })),
  );
}
