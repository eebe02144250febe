/**
 * Property: whatever is done to a valid spec (a key deleted or duplicated, a value of another type, a random number,
 * the text cut short, characters inserted), validation returns — a spec, or problems each with a path, a message
 * and a line:column inside the text — and never fails inside. Seeded, so a failure replays.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseTree, type Node } from 'jsonc-parser';
import { estimateResources, specDatasetShape } from '../../src/engine/model/estimate';
import { parseSpec } from '../../src/engine/spec/parse';
import { repoRoot, tinySpec } from '../support/specs';

const validTexts = [
  ...['moons', 'mnist'].map((name) => fs.readFileSync(path.join(repoRoot, 'examples', `${name}.dropout.json`), 'utf8')),
  JSON.stringify(tinySpec(), null, 2),
  JSON.stringify(tinySpec({ sweep: { rates: { min: 0, max: 0.5, step: 0.25 }, strategy: 'random', samples: 2 } })),
  JSON.stringify(tinySpec({ sweep: { rates: [0, 0.5], strategy: 'hyperband', maxEpochs: 3 } }), null, 1),
  JSON.stringify(tinySpec({ dataset: { type: 'csv', path: 'data.csv', target: 'label' } }), null, 2),
  JSON.stringify(tinySpec({
    model: { layers: [{ type: 'dense', units: { hp: 'units' }, activation: 'relu' }, { type: 'dropout', rate: { hp: 'drop' } }, { type: 'dropout' }] },
    training: { epochs: 4, learningRate: { hp: 'lr' } },
    sweep: {
      rates: [0, 0.5],
      space: {
        units: { type: 'int', min: 8, max: 32, step: 8 },
        drop: { type: 'float', min: 0, max: 0.5, step: 0.25 },
        lr: { type: 'choice', values: [0.01, 0.001], default: 0.01 },
      },
    },
  }), null, 2),
  JSON.stringify(tinySpec({
    dataset: { type: 'images', path: 'images', size: [8, 8], channels: 1, augment: { flip: true, shift: 0.1 } },
    model: { layers: [{ type: 'conv2d', filters: 4, kernelSize: [3, 3] }, { type: 'maxPooling2d' }, { type: 'spatialDropout2d' }, { type: 'flatten' }] },
  }), null, 2),
];

type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'deleteKey' | 'duplicateKey'; pick: number }
  | { kind: 'replaceValue'; pick: number; value: string };

const syntaxChar = fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', '/', '*', '\n', '\r', '\t', ' ', '\uFEFF', '\u0000', 'é', '\u2028');
const numberText = fc.oneof(
  fc.double().map((x) => (Number.isFinite(x) ? String(x) : x > 0 ? '1e999' : x < 0 ? '-1e999' : 'NaN')),
  fc.integer().map(String),
  fc.constantFrom('-0', '1e-400', '0.9999999999999999', '1', '1.0', '9007199254740993', '0x10', '.5', '+1'),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(syntaxChar, fc.string({ maxLength: 8 })) }),
  fc.record({ kind: fc.constantFrom('deleteKey' as const, 'duplicateKey' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('replaceValue' as const), pick: fc.nat(), value: fc.oneof(fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)), numberText),
  }),
);

function nodes(root: Node | undefined, keep: (node: Node) => boolean): Node[] {
  const found: Node[] = [];
  const walk = (node: Node): void => {
    if (keep(node)) found.push(node);
    node.children?.forEach(walk);
  };
  if (root) walk(root);
  return found;
}

/** Structural mutations work on whatever tree the (possibly already broken) text still has. */
function mutate(text: string, m: Mutation): string {
  if (m.kind === 'truncate') return text.slice(0, m.at % (text.length + 1));
  if (m.kind === 'insert') {
    const at = m.at % (text.length + 1);
    return text.slice(0, at) + m.text + text.slice(at);
  }
  const tree = parseTree(text, [], { allowTrailingComma: true });
  const targets = m.kind === 'replaceValue'
    ? nodes(tree, (node) => node.parent !== undefined && (node.parent.type === 'array' || node.parent.children?.[1] === node))
    : nodes(tree, (node) => node.type === 'property');
  if (targets.length === 0) return text;
  const node = targets[m.pick % targets.length]!;
  const end = node.offset + node.length;
  switch (m.kind) {
    case 'deleteKey': return text.slice(0, node.offset) + text.slice(end);
    case 'duplicateKey': return `${text.slice(0, end)}, ${text.slice(node.offset, end)}${text.slice(end)}`;
    case 'replaceValue': return text.slice(0, node.offset) + m.value + text.slice(end);
  }
}

/** 1-based line lengths as an editor counts them (a leading BOM takes no column). */
function lineLengths(text: string): number[] {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/).map((line) => line.length);
}

describe('parseSpec: property-based robustness (fast-check)', () => {
  test('mutated valid specs give a spec or problems positioned inside the text, and never an internal error', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.constantFrom(...validTexts), fc.array(mutation, { minLength: 1, maxLength: 4 }), (original, mutations) => {
        const text = mutations.reduce(mutate, original);
        const { spec, problems } = parseSpec(text);
        const errors = problems.filter((problem) => problem.severity === 'error');
        assert.ok(spec ? errors.length === 0 : errors.length > 0, 'a spec exactly when there is no error');
        const lengths = lineLengths(text);
        for (const problem of problems) {
          assert.equal(typeof problem.path, 'string');
          assert.ok(problem.message.length > 0);
          assert.doesNotMatch(problem.message, /internal error/);
          assert.ok(problem.line >= 1 && problem.line <= lengths.length, `line ${problem.line} of ${lengths.length}`);
          assert.ok(problem.column >= 1 && problem.column <= lengths[problem.line - 1]! + 1, `column ${problem.column} on line ${problem.line}`);
          assert.ok(problem.offset >= 0 && problem.length >= 0 && problem.offset + problem.length <= text.length);
        }
        if (spec) {
          accepted++;
          // What is accepted can be estimated (csv needs its file, so only the generated datasets here).
          const shape = specDatasetShape(spec);
          if (shape) assert.ok(Number.isFinite(estimateResources(spec, shape).bytes.total));
        } else refused++;
      }),
      { seed: 20261127, numRuns: 400 },
    );
    // Both outcomes occurred, so the mutations neither always break nor never break the spec.
    assert.ok(accepted > 0 && refused > 0, `accepted ${accepted}, refused ${refused}`);
  });
});
