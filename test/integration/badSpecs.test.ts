/**
 * The bad-specs corpus, `test/fixtures/bad-specs/`: invalid and hostile specs and the CSVs they name. Each fixture
 * declares its errors in `expected.json` as `{ file?, line, column, path, messageIncludes }` (`file` when the problem
 * is in a CSV rather than the spec). For every fixture:
 * - `dropout-lab validate` and `dropout-lab run` exit 2 and print exactly those errors as `file:line:col path: message`;
 * - `run` creates no run folder: the runner writes sweep.json before it forks a trainer, so no folder, no trainer;
 * - the extension's diagnostics model (the text as the editor holds it, BOM removed) puts each at the same place.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { DEFAULT_LIMITS } from '../../src/engine/model/estimate';
import { workspaceFiles } from '../../src/workspace/dataFiles';
import { preflight, type FileProblem } from '../../src/engine/preflight';
import { parseSpec } from '../../src/engine/spec/parse';
import { problemRange } from '../../src/extension/diagnosticsModel';
import { cliPath, repoRoot, tempDir } from '../support/specs';
import { testBackend } from '../support/backend';

interface Expected {
  /** A data file next to the spec; absent for the spec itself. */
  file?: string;
  line: number;
  column: number;
  path: string;
  messageIncludes: string;
}

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'bad-specs');
const expectations = JSON.parse(fs.readFileSync(path.join(fixtures, 'expected.json'), 'utf8')) as Record<string, Expected[]>;

/** A copy of the corpus in a temporary folder, with what git cannot hold portably: a CSV outside it and a symlink to it. */
function corpusCopy(): string {
  const root = tempDir('dropout-lab-bad-specs-');
  const dir = path.join(root, 'specs');
  fs.cpSync(fixtures, dir, { recursive: true });
  fs.writeFileSync(path.join(root, 'outside.csv'), 'x1,x2,label\n1,2,a\n3,4,b\n5,6,a\n');
  fs.symlinkSync(path.join('..', 'outside.csv'), path.join(dir, 'linked.csv'));
  return dir;
}

/** Error lines as the CLI prints them: `file:line:col path: message` (warnings left out). */
function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => /^\S+:\d+:\d+ /.test(line) && !/^\S+:\d+:\d+ warning: /.test(line));
}

function assertLinesMatch(lines: string[], specFile: string, expected: Expected[], what: string): void {
  assert.equal(lines.length, expected.length, `${what}: ${expected.length} errors expected, got\n${lines.join('\n')}`);
  const unmatched = [...lines];
  for (const entry of expected) {
    const prefix = `${entry.file ?? specFile}:${entry.line}:${entry.column} ${entry.path ? `${entry.path}: ` : ''}`;
    const index = unmatched.findIndex((line) => line.startsWith(prefix) && line.slice(prefix.length).includes(entry.messageIncludes));
    assert.ok(index >= 0, `${what}: no line ${prefix}…${entry.messageIncludes}…\n${lines.join('\n')}`);
    unmatched.splice(index, 1);
  }
}

/** The problems the extension finds before it would start a sweep, from the text as the editor holds it. */
function editorProblems(specPath: string): { problems: FileProblem[]; textOf: (file: string) => string } {
  const textOf = (file: string): string => fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const text = textOf(specPath);
  const { spec, problems } = parseSpec(text);
  const errors = problems.filter((problem) => problem.severity === 'error').map((problem) => ({ file: specPath, ...problem }));
  return { problems: spec && errors.length === 0 ? preflight(spec, specPath, text, DEFAULT_LIMITS, workspaceFiles(path.dirname(specPath))) : errors, textOf };
}

describe('bad-specs corpus', () => {
  let dir: string;
  before(() => {
    dir = corpusCopy();
  });

  test('every spec of the corpus declares its errors, and only specs of the corpus are declared', () => {
    const specs = fs.readdirSync(fixtures).filter((name) => name.endsWith('.dropout.json')).sort();
    assert.deepEqual(Object.keys(expectations).sort(), specs);
    for (const [name, expected] of Object.entries(expectations)) assert.ok(expected.length > 0, name);
    assert.ok(specs.length > 30, `${specs.length} bad specs`);
  });

  for (const [name, expected] of Object.entries(expectations)) {
    test(`${name}: validate and run exit 2 with each error at its line:column, start nothing, and the Problems panel agrees`, () => {
      const validate = spawnSync(process.execPath, [cliPath, 'validate', name], { cwd: dir, encoding: 'utf8' });
      assert.equal(validate.status, 2, validate.stderr);
      assertLinesMatch(errorLines(validate.stderr), name, expected, 'validate');

      const out = path.join(path.dirname(dir), `out-${name}`);
      const run = spawnSync(process.execPath, [cliPath, 'run', name, '--backend', testBackend, '--out', out], { cwd: dir, encoding: 'utf8' });
      assert.equal(run.status, 2, run.stderr);
      assertLinesMatch(errorLines(run.stderr), name, expected, 'run');
      assert.equal(fs.existsSync(out), false, 'no run folder, so no trainer was started');
      assert.equal(fs.existsSync(path.join(dir, '.dropout')), false);

      const { problems, textOf } = editorProblems(path.join(dir, name));
      assert.equal(problems.length, expected.length, problems.map((p) => `${p.line}:${p.column} ${p.message}`).join('\n'));
      for (const entry of expected) {
        const file = path.join(dir, entry.file ?? name);
        const problem = problems.find((p) => path.resolve(p.file) === file && p.path === entry.path && p.message.includes(entry.messageIncludes)
          && p.line === entry.line && p.column === entry.column);
        assert.ok(problem, `editor: no problem at ${entry.line}:${entry.column} ${entry.path}: ${entry.messageIncludes}`);
        const range = problemRange(textOf(file), problem);
        assert.deepEqual([range.startLine, range.startCharacter], [entry.line - 1, entry.column - 1], `${name}: ${entry.path}`);
        assert.ok(range.endLine > range.startLine || range.endCharacter > range.startCharacter, 'the range underlines something');
      }
    });
  }
});
