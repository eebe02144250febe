/** Runner options for a spec written to a fresh folder, with every event the sweep emits collected in `events`. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { ExperimentSpec } from '../../src/core/spec';
import { parseSpec } from '../../src/engine/spec/parse';
import type { SweepEvent } from '../../src/protocol/sweepEvents';
import type { SweepOptions } from '../../src/runner/runner';
import { testBackend } from './backend';
import { tempDir, trainerPath, writeSpec } from './specs';

export function sweepOptions(spec: Record<string, unknown>, extra: Partial<SweepOptions> = {}): SweepOptions & { events: SweepEvent[] } {
  const specPath = writeSpec(tempDir(), spec);
  const specText = fs.readFileSync(specPath, 'utf8');
  const parsed = parseSpec(specText);
  assert.ok(parsed.spec, JSON.stringify(parsed.problems));
  const events: SweepEvent[] = [];
  return {
    spec: parsed.spec as ExperimentSpec, specPath, specText, backend: testBackend, workers: 2, trainerPath, events,
    onEvent: (event) => events.push(event), ...extra,
  };
}
