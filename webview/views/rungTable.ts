/**
 * Hyperband's rounds: one collapsible group per bracket (a native <details>, so keyboard and screen readers work),
 * a table of its decided rounds with each trial's rate, seed, epochs trained and outcome. Text only.
 */
import type { SweepSnapshot } from '../../src/protocol/webview';
import { el } from '../dom';
import { formatMetric, formatRate } from '../model/format';
import { hyperbandBrackets, outcomeLabel, type BracketView } from '../model/rungs';

export class RungTable {
  readonly element: HTMLElement;
  private readonly intro = el('p', { class: 'muted' });
  private readonly groups = el('div', { class: 'rung-brackets' });
  /** Rebuilt only when a round is decided, so a focused summary keeps its focus; closed brackets stay closed. */
  private key = '';
  private readonly closed = new Set<string>();

  constructor() {
    this.element = el('section', { class: 'trials rungs', attrs: { 'aria-labelledby': 'rungs-title', 'data-rungs': '[]' } }, [
      el('h2', { text: 'Hyperband rounds', attrs: { id: 'rungs-title' } }), this.intro, this.groups,
    ]);
    this.element.hidden = true;
  }

  update(sweep: SweepSnapshot | undefined): void {
    const hyperband = sweep?.hyperband;
    this.element.hidden = !hyperband;
    if (!sweep || !hyperband) return;
    const key = `${sweep.dir}|${sweep.objective}|${hyperband.rungs.length}`;
    if (key === this.key) return;
    this.key = key;
    const brackets = hyperbandBrackets(sweep);
    this.intro.textContent = `Successive halving up to ${hyperband.maxEpochs} epochs, factor ${hyperband.factor}: after each round the best trials by `
      + `best ${sweep.objective} are promoted and resumed from their checkpoint, the others stopped. `
      + (brackets.length ? `${hyperband.rungs.length} round${hyperband.rungs.length === 1 ? '' : 's'} decided.` : 'No round decided yet.');
    this.element.dataset.rungs = JSON.stringify(brackets.map((bracket) => ({
      iteration: bracket.iteration, bracket: bracket.bracket,
      rounds: bracket.rounds.map((round) => ({
        round: round.round, epochs: round.epochs,
        rows: round.rows.map((row) => ({ rate: row.rate, config: row.config, seed: row.seed, epochs: row.epochs, outcome: row.outcome })),
      })),
    })));
    const byRate = sweep.trials.every((trial) => trial.plan.rate !== undefined && trial.plan.hp === undefined);
    this.groups.replaceChildren(...brackets.map((bracket) => this.bracketGroup(bracket, sweep.objective, byRate)));
  }

  /** `byRate`: a sweep of rates shows the rate and keep p; a space sweep the configuration in words. */
  private bracketGroup(bracket: BracketView, objective: string, byRate: boolean): HTMLElement {
    const id = `${bracket.iteration}/${bracket.bracket}`;
    const trials = bracket.rounds[0]?.rows.length ?? 0;
    const summary = el('summary', {
      text: `Iteration ${bracket.iteration}, bracket ${bracket.bracket}: ${trials} trial${trials === 1 ? '' : 's'}, `
        + `${bracket.rounds.length} round${bracket.rounds.length === 1 ? '' : 's'} decided`,
    });
    const configHeads = byRate ? ['Rate', 'Keep p'] : ['Configuration'];
    const head = el('tr', {}, ['Round', ...configHeads, 'Seed', 'Epochs', `Best ${objective}`, 'Outcome'].map((title, index, all) => el('th', {
      text: title, class: (byRate ? index > 0 : index > 1) && index < all.length - 1 ? 'numeric' : undefined, attrs: { scope: 'col' },
    })));
    const body = bracket.rounds.flatMap((round) => round.rows.map((row, index) => el('tr', { attrs: { 'data-trial': row.trialId } }, [
      el('th', {
        text: index === 0 ? `${round.round} → epoch ${round.epochs}` : '',
        attrs: { scope: 'row', title: `round ${round.round}: ${round.promoted} promoted, ${round.stopped} stopped` },
      }),
      ...(byRate
        ? [el('td', { class: 'numeric', text: formatRate(row.rate) }), el('td', { class: 'numeric', text: formatRate(row.keep) })]
        : [el('td', { text: row.config })]),
      el('td', { class: 'numeric', text: String(row.seed) }),
      el('td', { class: 'numeric', text: String(row.epochs) }),
      el('td', { class: 'numeric', text: formatMetric(row.score) }),
      el('td', {}, [el('span', { class: 'rung-outcome', text: outcomeLabel(row), attrs: { 'data-outcome': row.outcome } })]),
    ])));
    const table = el('table', { class: 'trials-table' }, [
      el('caption', {
        class: 'visually-hidden', text: `Hyperband iteration ${bracket.iteration}, bracket ${bracket.bracket}: trials per round and their outcome`,
      }),
      el('thead', {}, [head]), el('tbody', {}, body),
    ]);
    const details = el('details', { class: 'rung-bracket', attrs: { open: !this.closed.has(id) } }, [summary, el('div', { class: 'table-scroll' }, [table])]);
    details.addEventListener('toggle', () => (details.open ? this.closed.delete(id) : this.closed.add(id)));
    return details;
  }
}
