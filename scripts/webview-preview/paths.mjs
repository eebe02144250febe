// Where the preview lives and writes.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Screenshots, the sweeps the preview ran, the synthetic sweep of the UI bench. */
export const outDir = join(root, 'test-results', 'webview-preview');
