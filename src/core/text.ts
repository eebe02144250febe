/** Small text helpers that several layers need alike. */

/**
 * Optimal-string-alignment distance: Levenshtein (insertions, deletions, substitutions) plus transpositions of
 * adjacent characters, each costing 1 — the edits a typo makes. For "did you mean" suggestions.
 */
export function editDistance(a: string, b: string): number {
  // Three rows of the dynamic-programming table: the one before the previous is needed for a transposition.
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) current[j] = Math.min(current[j]!, before[j - 2]! + 1);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/** The byte-order mark some editors write at the start of a UTF-8 file. */
const bom = '\uFEFF';

/** The text without a leading byte-order mark: an editor neither shows it nor counts it in positions. */
export function stripBom(text: string): string {
  return text.startsWith(bom) ? text.slice(bom.length) : text;
}

/** A relative path as messages name it: "./model.mjs" → "model.mjs" (a builder module, as the spec names it). */
export function shownPath(relativePath: string): string {
  return relativePath.replace(/^\.[\\/]/, '');
}
