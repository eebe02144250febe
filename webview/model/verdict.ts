/**
 * The sweep's verdict as the webviews show it: the one function the CLI, --json, sweep.json and the CodeLens use
 * (core/sweepVerdict.ts), applied to a snapshot, live or stored. Nothing here decides anything of its own.
 */
import { verdictOfSweep, type VerdictSpec } from '../../src/core/sweepVerdict';
import type { RateSummary } from '../../src/core/summary';
import type { Verdict } from '../../src/core/verdict';
import type { SweepSnapshot } from '../../src/protocol/webview';
import { toTrialRecord } from './sweeps';

/** What of the spec the verdict and the summaries read, from the snapshot (the same fields the stored spec has). */
export function verdictSpecOf(sweep: Pick<SweepSnapshot, 'strategy' | 'objective' | 'select' | 'hyperband' | 'dataset' | 'layers'>): VerdictSpec {
  return {
    sweep: {
      strategy: sweep.strategy, objective: sweep.objective, select: sweep.select,
      ...(sweep.hyperband ? { maxEpochs: sweep.hyperband.maxEpochs } : {}),
    },
    dataset: sweep.dataset,
    ...(sweep.layers ? { model: { layers: sweep.layers } } : {}),
  };
}

/** The verdict on a snapshot's trials (summaries may be passed when the view has them already). */
export function verdictOfSnapshot(sweep: SweepSnapshot, rates?: readonly RateSummary[]): Verdict {
  return verdictOfSweep(sweep.trials.map(toTrialRecord), verdictSpecOf(sweep), rates);
}

/** How a view shows a verdict: hidden until a configuration has a value; classed by whether it names a winner. */
export interface VerdictDisplay {
  text: string;
  lens: string;
  className: 'verdict distinguishable' | 'verdict no-clear-winner';
  hidden: boolean;
}

export function verdictDisplay(sweep: SweepSnapshot | undefined): VerdictDisplay {
  const verdict = sweep ? verdictOfSnapshot(sweep) : undefined;
  if (!verdict?.best) return { text: '', lens: '', className: 'verdict no-clear-winner', hidden: true };
  return {
    text: verdict.text, lens: verdict.lens, hidden: false,
    className: verdict.distinguishable ? 'verdict distinguishable' : 'verdict no-clear-winner',
  };
}
