/**
 * Where a problem is: its JSON path (`sweep.rates[2]`), its offset and length in the text, and the line and column an
 * editor shows for that offset. The validator collects its problems here; `problemAt` positions one found later.
 */
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';
import type { SpecProblem } from '../../core/spec';
import { stripBom } from '../../core/text';

export interface Span {
  offset: number;
  length: number;
}

/** The problems found in one text, positioned, and the value node of every field read. */
export class Collector {
  readonly problems: SpecProblem[] = [];
  /** Value node of every field read, by path: where cross-field problems and warnings point. */
  readonly nodes = new Map<string, Node>();
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

/** Where a problem about a missing field points: the key of the object that lacks it, or the root's `{`. */
export function ownerSpan(node: Node | undefined): Span {
  const key = node?.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
  if (key) return key;
  let top = node;
  while (top?.parent) top = top.parent;
  return { offset: top?.offset ?? 0, length: top ? 1 : 0 };
}

/**
 * A problem found after validation (in the data, or against the resource limits), positioned like the validator's:
 * on the value at `path` (e.g. `['training', 'batchSize']`), or, when that field was left to its default, on the key
 * of the nearest object the text has. `text` must be a spec `parseSpec` accepted.
 */
export function problemAt(text: string, path: readonly string[], message: string): SpecProblem {
  const { body, bom } = withoutBom(text);
  const c = new Collector(text, bom);
  const tree = parseTree(body, [], { allowTrailingComma: true, disallowComments: false });
  // The whole document (an empty path) is pointed at by its opening brace, not underlined entirely.
  let at: Span | undefined = tree && path.length > 0 ? findNodeAtLocation(tree, [...path]) : undefined;
  for (let depth = path.length - 1; !at && depth > 0; depth--) {
    const owner = tree && findNodeAtLocation(tree, path.slice(0, depth));
    if (owner) at = ownerSpan(owner);
  }
  c.error(at ?? { offset: tree?.offset ?? bom, length: 1 }, path.join('.'), message);
  return c.problems[0]!;
}
