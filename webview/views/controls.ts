/** Chart settings: smoothing, log scale, and which earlier sweeps to overlay. */
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import type { SweepListItem } from '../../src/core/records';
import { el } from '../dom';
import { configLabel } from '../../src/core/dropoutConfig';
import { bestOfSweepText, formatStartTime } from '../model/format';
import { maxSmoothing } from '../model/series';
import type { UiState } from '../model/uiState';
import { stateLabel } from './statusText';

export interface ControlActions {
  setSmoothing(value: number): void;
  setLogScale(value: boolean): void;
  setOverlay(dir: string, on: boolean): void;
}

export class Controls {
  readonly element: HTMLElement;
  private readonly smoothing: HTMLInputElement;
  private readonly smoothingValue: HTMLOutputElement;
  private readonly logScale = el('vscode-checkbox', { attrs: { label: 'Log scale (loss)' } });
  private readonly overlayList = el('div', { class: 'overlay-list', attrs: { role: 'group', 'aria-labelledby': 'overlay-title' } });
  private overlayKey = '';

  constructor(state: UiState, private readonly actions: ControlActions) {
    this.smoothing = el('input', {
      attrs: { type: 'range', id: 'smoothing', min: 0, max: maxSmoothing, step: 0.01, value: state.smoothing, 'aria-describedby': 'smoothing-help' },
    });
    this.smoothingValue = el('output', { class: 'smoothing-value', text: state.smoothing.toFixed(2), attrs: { for: 'smoothing' } });
    this.smoothing.addEventListener('input', () => {
      const value = Number(this.smoothing.value);
      this.smoothingValue.textContent = value.toFixed(2);
      actions.setSmoothing(value);
    });
    this.logScale.checked = state.logScale;
    this.logScale.addEventListener('change', () => actions.setLogScale(this.logScale.checked));

    const smoothingControl = el('div', { class: 'control control-smoothing' }, [
      el('label', { text: 'Smoothing', attrs: { for: 'smoothing' } }),
      this.smoothing,
      this.smoothingValue,
      el('span', {
        class: 'visually-hidden', text: 'Exponential moving average weight of the loss and accuracy curves, 0 is off.', attrs: { id: 'smoothing-help' },
      }),
    ]);
    const overlays = el('div', { class: 'control control-overlays' }, [
      el('span', { class: 'control-label', text: 'Overlay other sweeps', attrs: { id: 'overlay-title' } }), this.overlayList,
    ]);
    this.element = el('section', { class: 'controls', attrs: { 'aria-label': 'Chart settings' } }, [
      smoothingControl, el('div', { class: 'control' }, [this.logScale]), overlays,
    ]);
  }

  /** Lists the sweeps that can be overlaid; rebuilt only when the list or the selection changed, so focus stays put. */
  setOverlayChoices(choices: readonly SweepListItem[], selected: readonly string[]): void {
    const key = JSON.stringify([choices.map((c) => [c.dir, c.status, c.best?.inputRate, c.best?.rate]), selected]);
    if (key === this.overlayKey) return;
    this.overlayKey = key;
    const focusedDir = (document.activeElement as HTMLElement | null)?.dataset?.dir;
    if (choices.length === 0) {
      this.overlayList.replaceChildren(el('span', { class: 'muted', text: 'No other sweeps of this experiment yet.' }));
      return;
    }
    this.overlayList.replaceChildren(...choices.map((choice) => {
      const best = choice.best ? ` · best ${bestOfSweepText(choice.best)}` : '';
      const checkbox = el('vscode-checkbox', {
        text: `${formatStartTime(choice.startedAt)} · ${stateLabel(choice.status).toLowerCase()}${choice.best ? ` · best ${configLabel(choice.best)}` : ''}`,
        attrs: { 'data-dir': choice.dir, title: `${choice.id}${best}` },
      });
      checkbox.checked = selected.includes(choice.dir);
      checkbox.addEventListener('change', () => this.actions.setOverlay(choice.dir, checkbox.checked));
      if (choice.dir === focusedDir) queueMicrotask(() => checkbox.focus());
      return checkbox;
    }));
  }
}
