/**
 * The backend the unit and integration suites train on: `wasm`, as the brief decides, or `wasm+blas` when `.ci/run`
 * runs the suites a second time with DROPOUT_LAB_TEST_BACKEND=wasm+blas (the BLAS addon built).
 */
import type { BackendName } from '../../src/core/backend';

export const testBackend: BackendName = process.env.DROPOUT_LAB_TEST_BACKEND === 'wasm+blas' ? 'wasm+blas' : 'wasm';
