/**
 * The shared colour key: one swatch per value of the colouring dimension (the dropout rate, or a space sweep's first
 * numeric hyperparameter), low to high, so every chart's colours read as an ordered scale.
 */
import { el } from '../dom';
import { toCss, type TrialColours } from '../model/colours';
import { formatValue, valueLabel } from '../model/format';

export class RateScale {
  readonly element = el('div', { class: 'rate-scale', attrs: { role: 'group', 'aria-label': 'Colour of each dropout rate' } });
  private key = '';

  update(colours: TrialColours): void {
    const name = colours.dimension?.name ?? 'rate';
    const key = JSON.stringify([name, [...colours.byValue]]);
    if (key === this.key) return;
    this.key = key;
    this.element.hidden = colours.byValue.size === 0;
    const isRate = name === 'rate';
    this.element.setAttribute('aria-label', isRate ? 'Colour of each dropout rate' : `Colour of each value of ${name}`);
    const items = [...colours.byValue].map(([value, colour]) => {
      const swatch = el('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } });
      swatch.style.backgroundColor = toCss(colour);
      const label = valueLabel(name, value);
      return el('span', { class: 'rate-scale-item', attrs: { title: label, 'aria-label': label } }, [swatch, formatValue(value)]);
    });
    this.element.replaceChildren(
      el('span', { class: 'rate-scale-title', text: isRate ? 'Dropout rate' : `Curves coloured by ${name}` }), ...items,
      ...(isRate ? [el('span', { class: 'rate-scale-note muted', text: 'keep p = 1 − rate' })] : []));
  }
}
