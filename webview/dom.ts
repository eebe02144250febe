/**
 * Building DOM without HTML strings: text always goes through textContent (sweep and experiment names come from
 * user files), and no inline styles (the CSP allows stylesheets from the extension only).
 */
type Attributes = Record<string, string | number | boolean | undefined>;

export interface ElementOptions {
  class?: string;
  text?: string;
  attrs?: Attributes;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, options?: ElementOptions, children?: (Node | string)[]): HTMLElementTagNameMap[K];
export function el(tag: string, options?: ElementOptions, children?: (Node | string)[]): HTMLElement;
export function el(tag: string, options: ElementOptions = {}, children: (Node | string)[] = []): HTMLElement {
  const element = document.createElement(tag);
  if (options.class) element.className = options.class;
  if (options.text !== undefined) element.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs ?? {})) setAttribute(element, name, value);
  element.append(...children);
  return element;
}

/** `true` sets a boolean attribute, `false`/undefined removes it. */
export function setAttribute(element: Element, name: string, value: string | number | boolean | undefined): void {
  if (value === undefined || value === false) element.removeAttribute(name);
  else element.setAttribute(name, value === true ? '' : String(value));
}

/**
 * A table that only screen readers (and tests) see: what a chart shows, as text. Wrapped in a clipped box because
 * a table ignores `overflow` and its content would widen the page.
 */
export function summaryTable(caption: string, columns: readonly string[], rows: readonly (readonly string[])[]): HTMLElement {
  const header = el('tr', {}, columns.map((column) => el('th', { text: column, attrs: { scope: 'col' } })));
  const body = rows.map((cells) => el('tr', {},
    cells.map((cell, index) => (index === 0 ? el('th', { text: cell, attrs: { scope: 'row' } }) : el('td', { text: cell })))));
  return el('div', { class: 'visually-hidden' }, [el('table', {}, [el('caption', { text: caption }), el('thead', {}, [header]), el('tbody', {}, body)])]);
}
