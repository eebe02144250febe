/** The side view's recent sweeps: each a button that opens it in the experiment panel; interrupted ones can be resumed. */
import type { SweepListItem } from '../../src/core/records';
import { el } from '../dom';
import { bestOfSweepText, formatStartTime } from '../model/format';
import { stateLabel } from './statusText';

const shownSweeps = 20;

export class HistoryList {
  readonly element: HTMLElement;
  private readonly list = el('ul', { class: 'history-list' });
  private key = '';

  constructor(private readonly open: (dir: string) => void, private readonly resume: (dir: string) => void) {
    this.element = el('section', { class: 'history', attrs: { 'aria-labelledby': 'history-title' } }, [
      el('h2', { text: 'Recent sweeps', attrs: { id: 'history-title' } }),
      this.list,
    ]);
  }

  /** `currentDir`: the sweep the view's charts show, marked in the list. */
  update(history: readonly SweepListItem[], currentDir: string | undefined): void {
    const items = history.slice(0, shownSweeps);
    const key = JSON.stringify([items, currentDir]);
    if (key === this.key) return;
    this.key = key;
    const focusedDir = (document.activeElement as HTMLElement | null)?.dataset?.dir;
    if (items.length === 0) {
      this.list.replaceChildren(el('li', { class: 'muted', text: 'No sweeps yet.' }));
      return;
    }
    this.list.replaceChildren(...items.map((item) => {
      const when = formatStartTime(item.startedAt);
      const best = item.best ? `best ${bestOfSweepText(item.best)}` : 'no epochs';
      const button = el('button', {
        class: 'history-item',
        attrs: {
          type: 'button', 'data-dir': item.dir, 'aria-current': item.dir === currentDir ? 'true' : undefined,
          title: `${item.dir}\nOpen in the experiment panel`,
        },
      }, [
        el('span', { class: 'history-line' }, [
          el('span', { class: 'history-name', text: item.experiment }),
          el('span', { class: 'state', text: stateLabel(item.status), attrs: { 'data-state': item.status } }),
        ]),
        el('span', { class: 'history-line muted' }, [el('span', { text: when }), el('span', { text: `${item.trialCount} trials` })]),
        el('span', { class: 'history-best', text: best }),
      ]);
      button.setAttribute('aria-label', `Open ${item.experiment}, sweep of ${when}, ${stateLabel(item.status)}, ${best}`);
      button.addEventListener('click', () => this.open(item.dir));
      if (item.dir === focusedDir) queueMicrotask(() => button.focus());
      if (item.status !== 'interrupted') return el('li', {}, [button]);
      const resume = el('button', {
        class: 'history-resume', text: 'Resume',
        attrs: { type: 'button', title: 'Run the trials this sweep did not finish, into the same folder' },
      });
      resume.setAttribute('aria-label', `Resume ${item.experiment}, sweep of ${when}`);
      resume.addEventListener('click', () => this.resume(item.dir));
      return el('li', { class: 'history-entry' }, [button, resume]);
    }));
  }
}
