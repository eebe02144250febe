/**
 * Chooses and initialises the TF.js backend. Preference: tfjs-node (native TensorFlow, an optional dependency
 * whose install downloads libtensorflow), then wasm (ships its .wasm in the npm package), then the pure-JS cpu.
 * Only the trainer process calls this: TF.js never loads in the extension host.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node build registers no gradients; the umbrella package's build does (and brings the cpu backend).
import '@tensorflow/tfjs';
import { tfjsNodePathEnv } from '../protocol/trainer';
import { type BackendChoice, type BackendInfo, type BackendName } from '../core/backend';
import { errorMessage } from '../core/errors';

const preference: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

/** Loads the package that registers `name` with tfjs-core; throws when it is not installed or cannot load. */
function registerBackend(name: BackendName): string {
  switch (name) {
    case 'tensorflow': {
      // A user may have installed tfjs-node outside our node_modules (the extension's global storage).
      const modulePath = process.env[tfjsNodePathEnv] || '@tensorflow/tfjs-node';
      require(modulePath);
      return require(`${modulePath}/package.json`).version as string;
    }
    case 'wasm':
      require('@tensorflow/tfjs-backend-wasm');
      return require('@tensorflow/tfjs-backend-wasm/package.json').version as string;
    case 'cpu':
      require('@tensorflow/tfjs-backend-cpu');
      return require('@tensorflow/tfjs-backend-cpu/package.json').version as string;
  }
}

function firstLine(error: unknown): string {
  return errorMessage(error).split('\n')[0];
}

/** `auto` walks the preference list; a named backend is used or the call fails with the reason. */
export async function initBackend(choice: BackendChoice): Promise<BackendInfo> {
  // Prod mode skips debug checks and the "install tfjs-node" console banner on every trainer start.
  tf.enableProdMode();
  const candidates = choice === 'auto' ? preference : [choice];
  const fallbacks: string[] = [];
  for (const name of candidates) {
    try {
      const version = registerBackend(name);
      if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') returned false`);
      await tf.ready();
      return { name, versions: { 'tfjs-core': tf.version_core, [name]: version }, fallbacks };
    } catch (error) {
      fallbacks.push(`${name}: ${firstLine(error)}`);
    }
  }
  throw new Error(`no TF.js backend could start (${fallbacks.join('; ')})`);
}
