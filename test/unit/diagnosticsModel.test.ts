import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseSpec } from '../../src/engine/spec/parse';
import { diagnosticEntries, problemRange } from '../../src/extension/diagnosticsModel';

describe('diagnostics model', () => {
  test('a problem starts at its own line:column (the CLI\'s) and spans its node, across lines too', () => {
    const text = '{\n  "name": "x",\n  "dataset": { "type": "moons" },\n  "model": { "hidden": [16] },\n  "sweep": { "rates": [0, 0.5] },\n'
      + '  "training": { "epochs": 0 },\n  "extra": {\n    "a": 1\n  }\n}\n';
    const entries = diagnosticEntries(text, parseSpec(text).problems);
    assert.deepEqual(entries, [
      {
        range: { startLine: 5, startCharacter: 26, endLine: 5, endCharacter: 27 }, message: 'must be ≥ 1, found 0', severity: 'error', code: 'training.epochs',
      },
      {
        range: { startLine: 6, startCharacter: 2, endLine: 6, endCharacter: 9 },
        message: 'unknown property "extra" (allowed: "$schema", "name", "dataset", "model", "training", "sweep", "evaluation")',
        severity: 'error', code: 'extra',
      },
    ]);
    // An object value spans lines: it ends after its closing brace, on its own line.
    const objectProblem = {
      path: 'x', message: 'm', severity: 'error' as const, offset: text.indexOf('{\n    "a"'), length: '{\n    "a": 1\n  }'.length, line: 7, column: 12,
    };
    assert.deepEqual(problemRange(text, objectProblem), { startLine: 6, startCharacter: 11, endLine: 8, endCharacter: 3 });
  });

  test('a zero-length problem underlines one character; a BOM takes no column', () => {
    const text = '\uFEFF{ "name": 7 }';
    const [problem] = parseSpec(text).problems.filter((p) => p.path === 'name');
    assert.deepEqual(problemRange(text, problem!), { startLine: 0, startCharacter: 10, endLine: 0, endCharacter: 11 });
    assert.deepEqual(problemRange('', { path: '', message: 'm', severity: 'error', offset: 0, length: 0, line: 1, column: 1 }),
      { startLine: 0, startCharacter: 0, endLine: 0, endCharacter: 1 });
  });

  test("syntax errors are left to the editor's JSON support when it reports them, so each is shown once", () => {
    const text = '{\n  "name": "x"\n  "dataset": { "type": "moon" }\n}\n';
    const { problems } = parseSpec(text);
    const messages = (options?: { syntaxReportedByEditor?: boolean }) => diagnosticEntries(text, problems, options).map((e) => e.message);
    assert.deepEqual(messages().filter((m) => m.startsWith('syntax error')), ["syntax error: expected ',' (CommaExpected)"]);
    assert.deepEqual(messages({ syntaxReportedByEditor: true }), messages().filter((m) => !m.startsWith('syntax error')));
    assert.ok(messages({ syntaxReportedByEditor: true }).some((m) => /did you mean "moons"/.test(m)), 'the spec\'s own problems stay');
  });
});
