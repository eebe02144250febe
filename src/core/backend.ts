/** Which TensorFlow.js backend trains: asked for (`BackendChoice`) and as it ran (`BackendInfo`). */

/** `wasm+blas`: the wasm backend with its matrix products on the platform's BLAS (an optional native addon). */
export type BackendChoice = 'auto' | 'tensorflow' | 'wasm+blas' | 'wasm' | 'cpu';
export type BackendName = Exclude<BackendChoice, 'auto'>;
export const backendChoices: readonly BackendChoice[] = ['auto', 'tensorflow', 'wasm+blas', 'wasm', 'cpu'];

export interface BackendInfo {
  name: BackendName;
  /** Version of @tensorflow/tfjs-core and of the backend package. */
  versions: Record<string, string>;
  /** Why preferred backends were passed over, e.g. "tensorflow: Cannot find module '@tensorflow/tfjs-node'". */
  fallbacks: string[];
}
