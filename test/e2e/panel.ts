// The Dropout Lab panel as the end-to-end tests meet it: run from the palette, its sweep's status, its charts' data
// (read from their data attributes, never from pixels) and the verdict it shows; the side view's verdict too.
import type { Frame, Page } from 'playwright-core';
import { poll, PollAbort, pollWhileProgressing } from '../../scripts/e2e/wait';
import { giveKeysToWorkbench, openFile, runCommand, webviewFrame, type FrameRef } from './workbench';

/** The Dropout Lab panel of an experiment (its title is `Dropout Lab: <name>`). */
export function experimentPanel(page: Page, experiment: string): FrameRef {
  return () => webviewFrame(page, `Dropout Lab: ${experiment}`, 30_000);
}

/** Opens a spec, runs it from the command palette and returns its panel once shown. */
export async function runFromPalette(page: Page, file: string, experiment: string): Promise<FrameRef> {
  await giveKeysToWorkbench(page);
  await openFile(page, file);
  await runCommand(page, 'Dropout Lab: Run Dropout Experiment');
  await webviewFrame(page, `Dropout Lab: ${experiment}`, 60_000);
  return experimentPanel(page, experiment);
}

/** One entry of a chart's `data-series` attribute (webview/charts/chartCard.ts). */
export interface SeriesSummary {
  label: string;
  rate: number | null;
  kind: string;
  points: number;
  x?: number[];
  overlay?: boolean;
}

export async function chartSeries(panel: FrameRef, chart: 'loss' | 'accuracy' | 'rates' | 'mc'): Promise<SeriesSummary[]> {
  const raw = await (await panel()).locator(`[data-chart="${chart}"]`).first().getAttribute('data-series', { timeout: 10_000 });
  return JSON.parse(raw ?? '[]') as SeriesSummary[];
}

/** The status of the panel's sweep: 'running', 'completed', 'cancelled', … ('' before it has one). */
export async function sweepStatus(panel: FrameRef): Promise<string> {
  return (await (await panel()).locator('.status-badge').first().getAttribute('data-status', { timeout: 10_000 })) ?? '';
}

/**
 * Training time depends on the machine (2 cores shared with other work: the 9-rate sweep took 2 min in one run
 * and over 4 in the next). So a sweep may take as long as it keeps training, and fails the test when its loss
 * chart gains no point for SWEEP_STALL_MS (trainer start-up included), or after SWEEP_MAX_MS in all.
 */
export const SWEEP_STALL_MS = 90_000;
export const SWEEP_MAX_MS = 15 * 60_000;

/** Points on a loss chart, its own sweep's curves only (no overlays): how far training has got. */
export function ownPoints(loss: SeriesSummary[]): number {
  return loss.filter((s) => !s.overlay).reduce((sum, s) => sum + s.points, 0);
}

/** Throws PollAbort when a sweep ended other than `completed` (no use waiting for it). */
export function abortUnlessRunningOrCompleted(status: string): void {
  if (status && status !== 'running' && status !== 'completed') throw new PollAbort(`the sweep ended '${status}'`);
}

/**
 * Waits until the panel shows its sweep completed, for as long as training progresses. `whileRunning`, when given,
 * is shown the loss chart's series at every poll that finds the sweep still running (the live curves).
 */
export async function untilSweepCompleted(panel: FrameRef, whileRunning?: (loss: SeriesSummary[]) => void): Promise<void> {
  await pollWhileProgressing('the sweep to complete', async () => {
    const status = await sweepStatus(panel);
    abortUnlessRunningOrCompleted(status);
    if (status === 'running' && whileRunning) whileRunning(await chartSeries(panel, 'loss'));
    return status === 'completed';
  }, async () => ownPoints(await chartSeries(panel, 'loss')), { stallMs: SWEEP_STALL_MS, maxMs: SWEEP_MAX_MS });
}

/** The verdict a webview (the panel, the side view) shows in its #verdict, once it shows one. */
export async function shownVerdict(frame: Frame, timeoutMs = 60_000): Promise<{ text?: string; className: string | null; title: string | null }> {
  return poll('the verdict', async () => {
    const element = frame.locator('#verdict');
    if ((await element.count()) === 0 || (await element.getAttribute('hidden')) !== null) return undefined;
    return { text: (await element.textContent())?.trim(), className: await element.getAttribute('class'), title: await element.getAttribute('title') };
  }, timeoutMs);
}
