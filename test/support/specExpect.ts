/** Assertions on parseSpec's problems: each at its path, message, offset, length, line and column. */
import assert from 'node:assert/strict';
import type { ExperimentSpec, SpecProblem } from '../../src/core/spec';
import { formatProblem } from '../../src/engine/spec/format';
import { parseSpec } from '../../src/engine/spec/parse';

/** 1-based line and column of an offset, the way an editor shows it (a leading BOM takes no column). */
export function lineCol(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const bom = line === 1 && text.startsWith('\uFEFF') && offset > 0 ? 1 : 0;
  return { line, column: offset - lineStart - bom + 1 };
}

/** Offset of `target` inside the first occurrence of `context` (target defaults to the whole context). */
function offsetOf(text: string, context: string, target = context): number {
  const start = text.indexOf(context);
  assert.ok(start >= 0, `${JSON.stringify(context)} is not in the text`);
  const inner = context.indexOf(target);
  assert.ok(inner >= 0, `${JSON.stringify(target)} is not in ${JSON.stringify(context)}`);
  return start + inner;
}

export const show = (problems: SpecProblem[]): string => problems.map((p) => formatProblem('spec', p)).join('\n');

export interface Expectation {
  path: string;
  message: string | RegExp;
  /** [context, target]: the problem must start at target, found inside the first occurrence of context. */
  at: [string, string?];
  severity?: SpecProblem['severity'];
}

/** Asserts a problem with this path and message exists, at the right offset, length, line and column. */
export function expectProblem(text: string, e: Expectation): SpecProblem {
  const result = parseSpec(text);
  const matches = (p: SpecProblem) =>
    p.path === e.path && (typeof e.message === 'string' ? p.message === e.message : e.message.test(p.message));
  const problem = result.problems.find(matches);
  assert.ok(problem, `expected ${e.path}: ${e.message}\nin:\n${text}\ngot:\n${show(result.problems)}`);
  assert.equal(problem.severity, e.severity ?? 'error');
  const [context, target = context] = e.at;
  const offset = offsetOf(text, context, target);
  assert.equal(problem.offset, offset, `offset of ${e.path}`);
  if (target === '[') {
    // An array: the span is the whole node.
    assert.doesNotThrow(() => JSON.parse(text.slice(offset, offset + problem.length)), `span of ${e.path}`);
    assert.equal(text[offset + problem.length - 1], ']');
  } else {
    assert.equal(problem.length, target.length, `length of ${e.path}`);
  }
  assert.deepEqual({ line: problem.line, column: problem.column }, lineCol(text, offset));
  if ((e.severity ?? 'error') === 'error') assert.equal(result.spec, undefined);
  return problem;
}

export function expectSpec(text: string): ExperimentSpec {
  const result = parseSpec(text);
  assert.ok(result.spec, `expected a spec, got:\n${show(result.problems)}`);
  return result.spec;
}

