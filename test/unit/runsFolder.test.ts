import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { resolveRunsRoot } from '../../src/extension/runsFolder';
import { tempDir } from '../support/specs';

describe('dropoutLab.runsFolder stays inside the workspace', () => {
  const workspace = fs.realpathSync(tempDir());
  const specPath = path.join(workspace, 'experiments', 'moons.dropout.json');

  test('empty: next to the spec; relative: under the workspace folder', () => {
    assert.deepEqual(resolveRunsRoot('', specPath, workspace), { root: path.join(workspace, 'experiments', '.dropout', 'runs') });
    assert.deepEqual(resolveRunsRoot('  results/runs ', specPath, workspace), { root: path.join(workspace, 'results', 'runs') });
    assert.deepEqual(resolveRunsRoot(path.join(workspace, 'abs'), specPath, workspace), { root: path.join(workspace, 'abs') });
    assert.deepEqual(resolveRunsRoot('runs', specPath, undefined), { root: path.join(workspace, 'experiments', 'runs') },
      'no workspace folder: the spec folder');
  });

  test('outside by .., by an absolute path or through a symlink: refused, saying why', () => {
    const outside = tempDir();
    for (const value of ['../elsewhere', outside, '/etc', 'a/../../b']) {
      const result = resolveRunsRoot(value, specPath, workspace);
      assert.equal(result.root, undefined, value);
      const escapedWorkspace = workspace.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      assert.match(result.error ?? '', new RegExp(`dropoutLab\\.runsFolder .*leads outside the workspace folder ${escapedWorkspace}`), value);
    }
    fs.symlinkSync(outside, path.join(workspace, 'link'));
    assert.match(resolveRunsRoot('link/runs', specPath, workspace).error ?? '', /leads outside the workspace/);
    assert.match(resolveRunsRoot('../x', specPath, undefined).error ?? '', /leads outside the workspace folder .*experiments/);
  });
});
