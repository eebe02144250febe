/**
 * Chooses and initialises the TF.js backend. Preference: tfjs-node (native TensorFlow, an optional dependency
 * whose install downloads libtensorflow), then wasm with its matrix products on BLAS (an optional addon built at
 * install), then stock wasm (ships its .wasm in the npm package), then the pure-JS cpu.
 * Only the trainer process calls this: TF.js never loads in the extension host.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node build registers no gradients; the umbrella package's build does (and brings the cpu backend).
import '@tensorflow/tfjs';
import { tfjsNodePathEnv } from '../protocol/trainer';
import { type BackendChoice, type BackendInfo, type BackendName } from '../core/backend';
import { errorMessage } from '../core/errors';
import { loadBlasAddon, registerBlasKernels, restoreStockKernels, type BlasAddon } from './blasKernels';
import { registerMaxPoolGrad } from './maxPoolGrad';

const preference: readonly BackendName[] = ['tensorflow', 'wasm+blas', 'wasm', 'cpu'];

/** The BLAS addon, or an error saying why it cannot load (which `auto` records as its reason to fall back). */
function blasAddon(): BlasAddon {
  const loaded = loadBlasAddon();
  if ('reason' in loaded) throw new Error(loaded.reason);
  return loaded.addon;
}

/** Loads the package that registers `name` with tfjs-core; throws when it is not installed or cannot load. */
function registerBackend(name: BackendName): string {
  switch (name) {
    case 'wasm+blas':
      blasAddon();
      return registerBackend('wasm');
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
  restoreStockKernels(); // a process that asked for wasm+blas before and now for wasm gets stock wasm
  for (const name of candidates) {
    try {
      const version = registerBackend(name);
      const tfName = name === 'wasm+blas' ? 'wasm' : name;
      if (!(await tf.setBackend(tfName))) throw new Error(`tf.setBackend('${tfName}') returned false`);
      await tf.ready();
      // tfjs-backend-wasm's MaxPoolGrad is wrong for most shapes (maxPoolGrad.ts): ours, on both wasm flavours.
      if (tfName === 'wasm') registerMaxPoolGrad();
      // After the wasm backend's own kernels are set up: the BLAS ones defer to them for shapes they do not cover.
      if (name === 'wasm+blas') registerBlasKernels(blasAddon());
      return { name, versions: { 'tfjs-core': tf.version_core, [name]: version }, fallbacks };
    } catch (error) {
      fallbacks.push(`${name}: ${firstLine(error)}`);
    }
  }
  throw new Error(`no TF.js backend could start (${fallbacks.join('; ')})`);
}
