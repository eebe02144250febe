/**
 * Parser and validator for `*.dropout.json` experiment specs: the entry point. The text is parsed with jsonc-parser
 * (comments and trailing commas allowed), walked against the rule table (`rules.ts`, `walker.ts`), the model's and
 * the hyperparameters' cross-field rules are applied (`modelRules.ts`, `hyperparameterRules.ts`), then the sweep's
 * (`sweepRules.ts`), then the warnings (`warnings.ts`). Every problem is positioned
 * (`positions.ts`).
 */
import { createScanner, parseTree, SyntaxKind, type ParseError } from 'jsonc-parser';
import { errorMessage } from '../../core/errors';
import type { ExperimentSpec, ParsedSpec, SpecProblem } from '../../core/spec';
import { describe, syntaxMessage } from './messages';
import { Collector, withoutBom, type Span } from './positions';
import { checkHyperparameters } from './hyperparameterRules';
import { checkModel } from './modelRules';
import { SPEC_SHAPES } from './rules';
import { resolveSweep } from './sweepRules';
import { readObject } from './walker';
import { warnLikelyMistakes } from './warnings';

/** A spec is a few levels deep; jsonc-parser builds its tree recursively, so a hostile depth would overflow the stack. */
export const MAX_NESTING = 64;

/** The bracket that opens level MAX_NESTING + 1, if any (the scanner is iterative and skips strings and comments). */
function tooDeep(body: string): Span | undefined {
  const scanner = createScanner(body, true);
  let depth = 0;
  for (let token = scanner.scan(); token !== SyntaxKind.EOF; token = scanner.scan()) {
    if (token === SyntaxKind.OpenBraceToken || token === SyntaxKind.OpenBracketToken) {
      if (++depth > MAX_NESTING) return { offset: scanner.getTokenOffset(), length: 1 };
    } else if (token === SyntaxKind.CloseBraceToken || token === SyntaxKind.CloseBracketToken) {
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}

function parse(text: string): ParsedSpec {
  const { body, bom } = withoutBom(text);
  const c = new Collector(text, bom);
  if (body.trim() === '') {
    c.error({ offset: bom, length: 0 }, '', 'the document is empty: expected an object with "name", "dataset", "model" and "sweep"');
    return { problems: c.problems };
  }
  const deep = tooDeep(body);
  if (deep) {
    c.error(deep, '', `nested more than ${MAX_NESTING} levels deep: a spec is an object of a few levels`);
    return { problems: c.problems };
  }
  const errors: ParseError[] = [];
  const tree = parseTree(body, errors, { allowTrailingComma: true, disallowComments: false });
  for (const e of errors) c.error(e, '', syntaxMessage(e, body));
  if (!tree) {
    if (errors.length === 0) c.error({ offset: 0, length: text.length }, '', 'expected an object');
    return { problems: c.problems };
  }
  if (tree.type !== 'object') {
    c.error(tree, '', `the document must be an object, found ${describe(tree)}`);
    return { problems: c.problems };
  }
  const values = readObject(SPEC_SHAPES.root, tree, '', c);
  if (!values) return { problems: sorted(c.problems) };
  // Run on what was read even after an error elsewhere: each checks only the fields it can judge.
  checkModel(values, c);
  checkHyperparameters(values, c);
  if (c.errorCount > 0) return { problems: sorted(c.problems) };
  const rootSpan = { offset: tree.offset, length: 1 };
  const sweep = resolveSweep(values, c, rootSpan);
  if (c.errorCount > 0 || !sweep) return { problems: sorted(c.problems) };
  const spec = {
    name: values.name,
    dataset: values.dataset,
    model: values.model,
    training: values.training,
    sweep,
    evaluation: values.evaluation,
  } as ExperimentSpec;
  warnLikelyMistakes(spec, c, rootSpan);
  return { spec, problems: sorted(c.problems) };
}

function sorted(problems: SpecProblem[]): SpecProblem[] {
  return problems.sort((a, b) => a.offset - b.offset);
}

/**
 * Parses a `*.dropout.json` text (JSON with comments and trailing commas) and validates it. Every problem found is
 * reported, positioned on the node it is about; `spec` is set, with all defaults filled in, only when there is no
 * error. Never throws.
 */
export function parseSpec(text: string): ParsedSpec {
  try {
    return parse(typeof text === 'string' ? text : '');
  } catch (e) {
    // A bug here must not take the extension host or the CLI down; the message says where to look.
    const message = `internal error while reading the spec: ${errorMessage(e)}`;
    return { problems: [{ path: '', message, severity: 'error', offset: 0, length: 0, line: 1, column: 1 }] };
  }
}
