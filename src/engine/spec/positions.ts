/**
 * Where a problem is: its JSON path (`sweep.rates[2]`), its offset and length in the text, and the line and column an
 * editor shows for that offset. The validator collects its problems here; `problemAt` positions one found later.
 */
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';
import type { SpecProblem } from '../../core/spec';
import { stripBom } from '../../core/text';
import type { Field } from './rules';

export interface Span {
  offset: number;
  length: number;
}

/** A field that says `{ "hp": name }`: checked against `sweep.space` once the whole text is read. */
export interface HpUse {
  name: string;
  /** The field's path, e.g. `model.layers[2].rate`. */
  path: string;
  /** The name's string node. */
  at: Node;
  /** What the field accepts: every value the hyperparameter can take must be one of these. */
  field: Field;
}

/** The problems found in one text, positioned, the value node of every field read and every hyperparameter used. */
export class Collector {
  readonly problems: SpecProblem[] = [];
  /** Value node of every field read, by path: where cross-field problems and warnings point. */
  readonly nodes = new Map<string, Node>();
  /** In document order. */
  readonly hpUses: HpUse[] = [];
  private readonly lineStarts = [0];

  constructor(private readonly text: string, private readonly bom: number) {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) this.lineStarts.push(i + 1);
    }
  }

  get errorCount(): number {
    return this.problems.filter((p) => p.severity === 'error').length;
  }

  error(at: Span, path: string, message: string): void {
    this.add(at, path, message, 'error');
  }

  warn(at: Span, path: string, message: string): void {
    this.add(at, path, message, 'warning');
  }

  private add({ offset, length }: Span, path: string, message: string, severity: SpecProblem['severity']): void {
    offset = Math.max(0, Math.min(offset, this.text.length));
    length = Math.max(0, Math.min(length, this.text.length - offset));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    // An editor does not show the BOM, so it takes no column.
    const skip = lo === 0 ? Math.min(this.bom, offset) : 0;
    this.problems.push({ path, message, severity, offset, length, line: lo + 1, column: offset - this.lineStarts[lo]! - skip + 1 });
  }
}

/** The text the tree is read from: a space in place of the BOM keeps every offset relative to the original text. */
export function withoutBom(text: string): { body: string; bom: number } {
  const stripped = stripBom(text);
  const bom = text.length - stripped.length;
  return { body: bom ? ` ${stripped}` : text, bom };
}

/** `sweep` + `rates` → `sweep.rates`; a key that is not an identifier is bracketed: `model["a b"]`. */
export function joinPath(path: string, key: string): string {
  const segment = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  return !path ? segment : segment.startsWith('[') ? path + segment : `${path}.${segment}`;
}

/** Where a problem about a missing field points: the key of the object that lacks it (a list item: its type), or the root's `{`. */
export function ownerSpan(node: Node | undefined): Span {
  const key = node?.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
  if (key) return key;
  // An item of a list (a layer) has no key: it is pointed at by its type, else by its opening bracket.
  if (node?.parent?.type === 'array') return findNodeAtLocation(node, ['type']) ?? { offset: node.offset, length: 1 };
  let top = node;
  while (top?.parent) top = top.parent;
  return { offset: top?.offset ?? 0, length: top ? 1 : 0 };
}

/**
 * A problem found after validation (in the data, or against the resource limits), positioned like the validator's:
 * on the value at `path` (e.g. `['training', 'batchSize']`, `['model', 'layers', 2, 'kernelSize']`: numbers index
 * lists), or, when that field was left to its default, on the key of the nearest object the text has (a list item:
 * its type). `text` must be a spec `parseSpec` accepted.
 */
export function problemAt(text: string, path: readonly (string | number)[], message: string): SpecProblem {
  const { body, bom } = withoutBom(text);
  const c = new Collector(text, bom);
  const tree = parseTree(body, [], { allowTrailingComma: true, disallowComments: false });
  // The whole document (an empty path) is pointed at by its opening brace, not underlined entirely.
  let at: Span | undefined = tree && path.length > 0 ? findNodeAtLocation(tree, [...path]) : undefined;
  for (let depth = path.length - 1; !at && depth > 0; depth--) {
    const owner = tree && findNodeAtLocation(tree, path.slice(0, depth));
    if (owner) at = ownerSpan(owner);
  }
  const shown = path.reduce<string>((joined, segment) => (typeof segment === 'number' ? `${joined}[${segment}]` : joinPath(joined, segment)), '');
  c.error(at ?? { offset: tree?.offset ?? bom, length: 1 }, shown, message);
  return c.problems[0]!;
}
