import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EpochMetrics, TrialPlan, TrialSummary } from '../protocol/messages';
import { writeFileAtomically } from './atomic';
import { manifestFile, trialFile } from './layout';
import type { SweepManifest, TrialLine } from './types';

function writeManifest(dir: string, manifest: SweepManifest): void {
  writeFileAtomically(manifestFile(dir), `${JSON.stringify(manifest, null, 2)}\n`);
}

export class SweepWriter {
  private constructor(readonly dir: string, private manifest: SweepManifest) {}

  static create(dir: string, manifest: SweepManifest): SweepWriter {
    fs.mkdirSync(path.join(dir, 'trials'), { recursive: true });
    writeManifest(dir, manifest);
    return new SweepWriter(dir, manifest);
  }

  get current(): Readonly<SweepManifest> {
    return this.manifest;
  }

  update(patch: Partial<SweepManifest>): void {
    this.manifest = { ...this.manifest, ...patch };
    writeManifest(this.dir, this.manifest);
  }

  /** Appends a summary line to a trial that has ended (Hyperband marks the trials it stops this way). */
  appendSummary(trial: TrialPlan, summary: TrialSummary): void {
    fs.appendFileSync(trialFile(this.dir, trial.id), `${JSON.stringify({ kind: 'summary', ...summary } satisfies TrialLine)}\n`);
  }

  openTrial(trial: TrialPlan, parameterCount?: number): TrialWriter {
    return new TrialWriter(trialFile(this.dir, trial.id), { kind: 'header', trial, parameterCount, startedAt: new Date().toISOString() });
  }
}

/** One trial's JSONL file. Each line goes to the OS as it is written: a killed process loses nothing written. */
export class TrialWriter {
  private fd: number | undefined;

  constructor(readonly file: string, header: TrialLine) {
    this.fd = fs.openSync(file, 'a');
    this.append(header);
  }

  private append(line: TrialLine): void {
    if (this.fd === undefined) throw new Error(`${this.file} is closed`);
    fs.writeSync(this.fd, `${JSON.stringify(line)}\n`);
  }

  epoch(metrics: EpochMetrics): void {
    this.append({ kind: 'epoch', ...metrics });
  }

  finish(summary: TrialSummary): void {
    this.append({ kind: 'summary', ...summary });
    fs.closeSync(this.fd!);
    this.fd = undefined;
  }
}
