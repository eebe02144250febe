/** The shared colour key: one swatch per rate, low to high, so every chart's colours read as an ordered scale. */
import { el } from '../dom';
import { toCss, type Rgb } from '../model/colours';
import { formatRate, rateLabel } from '../model/format';

export class RateScale {
  readonly element = el('div', { class: 'rate-scale', attrs: { role: 'group', 'aria-label': 'Colour of each dropout rate' } });
  private key = '';

  update(colours: ReadonlyMap<number, Rgb>): void {
    const key = JSON.stringify([...colours]);
    if (key === this.key) return;
    this.key = key;
    this.element.hidden = colours.size === 0;
    const items = [...colours].map(([rate, colour]) => {
      const swatch = el('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } });
      swatch.style.backgroundColor = toCss(colour);
      return el('span', { class: 'rate-scale-item', attrs: { title: rateLabel(rate), 'aria-label': rateLabel(rate) } }, [swatch, formatRate(rate)]);
    });
    this.element.replaceChildren(
      el('span', { class: 'rate-scale-title', text: 'Dropout rate' }), ...items, el('span', { class: 'rate-scale-note muted', text: 'keep p = 1 − rate' }));
  }
}
