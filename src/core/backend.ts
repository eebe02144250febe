/** Which TensorFlow.js backend trains: asked for (`BackendChoice`) and as it ran (`BackendInfo`). */

export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export type BackendName = Exclude<BackendChoice, 'auto'>;
export const backendChoices: readonly BackendChoice[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

export interface BackendInfo {
  name: BackendName;
  /** Version of @tensorflow/tfjs-core and of the backend package. */
  versions: Record<string, string>;
  /** Why preferred backends were passed over, e.g. "tensorflow: Cannot find module '@tensorflow/tfjs-node'". */
  fallbacks: string[];
}
