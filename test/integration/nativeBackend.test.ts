import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parseSpec } from '../../src/engine/spec/parse';
import { explainInstallFailure, findInstalledTfjsNode, installTfjsNode, NativeInstallError, verifyTfjsNode } from '../../src/runner/nativeBackend';
import { startSweep } from '../../src/runner/runner';
import { loadSweep } from '../../src/store/reader';
import { repoRoot, tempDir, tinySpec, trainerPath, writeSpec } from '../support/specs';

const fixtures = path.join(repoRoot, 'test', 'fixtures');
/** npm's real output on this machine (registry reachable, storage.googleapis.com not; and no registry at all). */
const npmOutput = (name: string) => fs.readFileSync(path.join(fixtures, 'npm-output', `${name}.txt`), 'utf8');

describe('native backend: why an install failed', () => {
  test('libtensorflow download blocked: says the package came but libtensorflow could not, and that wasm stays', () => {
    const message = explainInstallFailure(npmOutput('libtensorflow-offline'), 1);
    assert.match(message, /could not download libtensorflow from storage\.googleapis\.com \(host not found\)/);
    assert.match(message, /keeps using the wasm backend/);
  });

  test('registry unreachable: names the host and the cause', () => {
    assert.match(explainInstallFailure(npmOutput('registry-unreachable'), 1),
      /^could not reach 127\.0\.0\.1:9 \(ECONNREFUSED\): this machine seems to be offline/);
  });

  test('npm missing, cancelled, unknown failures', () => {
    assert.match(explainInstallFailure('', 'ENOENT'), /npm was not found on PATH/);
    assert.equal(explainInstallFailure('', 'aborted'), 'the installation was cancelled');
    assert.equal(explainInstallFailure('npm error code E404\nnpm error 404 Not Found - GET https://registry.npmjs.org/@tensorflow%2ftfjs-node/-/x.tgz\n', 1),
      'npm has no such package or version (https://registry.npmjs.org/@tensorflow%2ftfjs-node/-/x.tgz)');
    assert.equal(explainInstallFailure('npm error something odd\nnpm error   the last words\n', 7), 'npm install failed (exit 7): the last words');
  });
});

describe('native backend: install and load', () => {
  test('a missing npm is a NativeInstallError that says so, and nothing counts as installed', async () => {
    const root = tempDir();
    await assert.rejects(installTfjsNode({ root, packageSpec: '@tensorflow/tfjs-node@4.22.0', npm: path.join(root, 'no-such-npm') }),
      (error: unknown) => error instanceof NativeInstallError && /npm was not found on PATH/.test(error.message));
    assert.equal(findInstalledTfjsNode(root), undefined);
  });

  test('an unreachable registry fails with the explanation (real npm, no network needed)', async () => {
    const root = tempDir();
    const lines: string[] = [];
    // npm retries a refused connection for about a minute by default.
    process.env.npm_config_fetch_retries = '0';
    try {
      await assert.rejects(
        installTfjsNode({ root, packageSpec: '@tensorflow/tfjs-node@4.22.0', registry: 'http://127.0.0.1:9/', onOutput: (line) => lines.push(line) }),
        (error: unknown) => error instanceof NativeInstallError && /could not reach 127\.0\.0\.1:9 \(ECONNREFUSED\)/.test(error.message));
    } finally {
      delete process.env.npm_config_fetch_retries;
    }
    assert.ok(lines.some((line) => /ECONNREFUSED/.test(line)), 'npm output is streamed line by line');
    assert.equal(findInstalledTfjsNode(root), undefined);
  });

  test('installed into a folder of its own, the trainers load it and train on it', async () => {
    // The stand-in registers TF.js's cpu kernels as backend "tensorflow": what the real package does, minus libtensorflow.
    const root = tempDir();
    const installed = await installTfjsNode({ root, packageSpec: path.join(fixtures, 'fake-tfjs-node') });
    assert.deepEqual(installed, { modulePath: path.join(root, 'node_modules', '@tensorflow', 'tfjs-node'), version: '0.0.0-fake' });
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).allowScripts, { '@tensorflow/tfjs-node': true });
    assert.equal(await verifyTfjsNode(installed), undefined);

    const specPath = writeSpec(tempDir(), tinySpec({ sweep: { rates: [0.5] } }));
    const specText = fs.readFileSync(specPath, 'utf8');
    const spec = parseSpec(specText).spec!;
    for (const backend of ['tensorflow', 'auto'] as const) {
      const run = startSweep({ spec, specPath, specText, backend, workers: 1, trainerPath, tfjsNodePath: installed.modulePath });
      assert.equal(await run.finished, 'completed', backend);
      const record = loadSweep(run.dir);
      assert.equal(record.manifest.backend?.name, 'tensorflow', backend);
      assert.equal(record.manifest.backend?.versions.tensorflow, '0.0.0-fake');
      assert.deepEqual(record.manifest.backend?.fallbacks, []);
      assert.equal(record.trials[0].epochs.length, 4);
    }
  });

  test('a package that installs but does not load is reported with its error', async () => {
    const installed = await installTfjsNode({ root: tempDir(), packageSpec: path.join(fixtures, 'broken-tfjs-node') });
    assert.equal(await verifyTfjsNode(installed),
      '@tensorflow/tfjs-node 0.0.0-broken does not load: Error: The specified module could not be found. lib/napi-v8/tfjs_binding.node');
  });
});
