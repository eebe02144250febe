import * as fs from 'node:fs';
import * as path from 'node:path';
import { isEpochMetrics, isTrialPlacement, isTrialSummary } from '../protocol/guards';
import { type EpochMetrics, type SweepStatus, type TrialPlacement, type TrialPlan, type TrialState, type TrialSummary } from '../core/trial';
import { type SweepListItem } from '../core/records';
import { manifestFile, trialFile } from './layout';
import type { SweepManifest, SweepRecord, TrialRecord } from '../core/records';

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A sweep marked running whose runner is gone was interrupted (killed, crashed, machine restarted). */
function effectiveStatus(manifest: SweepManifest): SweepStatus {
  return manifest.status === 'running' && !processIsAlive(manifest.runnerPid) ? 'interrupted' : manifest.status;
}

export function readManifest(dir: string): SweepManifest {
  const manifest = JSON.parse(fs.readFileSync(manifestFile(dir), 'utf8')) as SweepManifest;
  if (typeof manifest.id !== 'string' || !Array.isArray(manifest.trials)) throw new Error(`${manifestFile(dir)} is not a sweep manifest`);
  return manifest;
}

function readTrial(dir: string, plan: TrialPlan, sweepStatus: SweepStatus, warnings: string[]): TrialRecord {
  const file = trialFile(dir, plan.id);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { plan, status: 'pending', epochs: [] };
  }
  const epochs: EpochMetrics[] = [];
  let summary: TrialSummary | undefined;
  let parameterCount: number | undefined;
  let where: TrialPlacement | undefined;
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // The last line may be cut short by a kill mid-write; any other bad line is damage. Both are skipped.
      warnings.push(`${file}:${index + 1}: unreadable line skipped`);
      return;
    }
    const record = value as { kind?: unknown; parameterCount?: unknown; where?: unknown };
    if (record.kind === 'header') {
      parameterCount = typeof record.parameterCount === 'number' ? record.parameterCount : undefined;
      if (isTrialPlacement(record.where)) where = record.where;
    }
    else if (record.kind === 'epoch' && isEpochMetrics(value)) epochs.push(nullAsNaN(withoutKind(value)));
    else if (record.kind === 'summary' && isTrialSummary(value)) summary = withoutKind(value);
    else warnings.push(`${file}:${index + 1}: unexpected line skipped`);
  });
  let status: TrialState;
  if (summary) status = summary.status;
  else status = sweepStatus === 'running' ? 'running' : 'interrupted';
  return { plan, status, parameterCount, ...(where ? { where } : {}), epochs, summary };
}

/** JSON writes a diverged (NaN or infinite) metric as null; it reads back as NaN so no average takes it for 0. */
function nullAsNaN(metrics: EpochMetrics): EpochMetrics {
  for (const [key, value] of Object.entries(metrics)) if (value === null) (metrics as unknown as Record<string, number>)[key] = NaN;
  return metrics;
}

function withoutKind<T extends object>(value: T): Omit<T, 'kind'> {
  const { kind: _kind, ...rest } = value as T & { kind?: unknown };
  return rest;
}

export function loadSweep(dir: string): SweepRecord {
  const manifest = readManifest(dir);
  const status = effectiveStatus(manifest);
  const warnings: string[] = [];
  const trials = manifest.trials.map((plan) => readTrial(dir, plan, status, warnings));
  return { dir, manifest, status, trials, warnings };
}

/** Every sweep under a runs root (all experiments), newest first. Folders without a readable manifest are skipped. */
export function listSweeps(runsRoot: string): SweepListItem[] {
  const listings: SweepListItem[] = [];
  for (const experiment of safeReaddir(runsRoot)) {
    for (const id of safeReaddir(path.join(runsRoot, experiment))) {
      const dir = path.join(runsRoot, experiment, id);
      try {
        const manifest = readManifest(dir);
        listings.push({
          dir, id: manifest.id, experiment: manifest.experiment, specPath: manifest.specPath, status: effectiveStatus(manifest),
          startedAt: manifest.startedAt, endedAt: manifest.endedAt, trialCount: manifest.trials.length, best: manifest.best, verdict: manifest.verdict,
        });
      } catch {
        // not a sweep folder, or a manifest being replaced right now
      }
    }
  }
  return listings.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch {
    return [];
  }
}
