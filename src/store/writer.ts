import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EpochMetrics, TrialPlacement, TrialPlan, TrialSummary } from '../core/trial';
import { manifestFile, newSweepId, sweepDir, trialFile } from './layout';
import type { SweepManifest, TrialLine } from '../core/records';

/**
 * The file-system calls the writer makes. Node's `fs` in use; tests pass a copy whose writes fail (ENOSPC, EROFS)
 * to show a full disk or a read-only folder stops the sweep without presenting anything half-written as complete.
 */
export type StoreFileSystem = Pick<typeof fs,
  'mkdirSync' | 'writeFileSync' | 'renameSync' | 'openSync' | 'writeSync' | 'closeSync' | 'appendFileSync' | 'readFileSync' | 'truncateSync'>;

const reasons: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied: the folder is not writable',
  EPERM: 'operation not permitted: the folder is not writable',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'the folder already exists',
};

/** A write to the run store failed: names the sweep folder, the errno code and what it means. */
export class StoreWriteError extends Error {
  constructor(readonly folder: string, readonly code: string, cause: Error) {
    super(`cannot write the run store in ${folder}: ${code}${reasons[code] ? ` (${reasons[code]})` : ''}: ${cause.message}`, { cause });
  }
}

/** Runs a store write; an errno failure becomes a StoreWriteError naming `folder`. */
function writing<T>(folder: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof StoreWriteError || typeof code !== 'string') throw error;
    throw new StoreWriteError(folder, code, error as Error);
  }
}

export class SweepWriter {
  private constructor(readonly dir: string, private manifest: SweepManifest, private readonly files: StoreFileSystem) {}

  /** A new sweep folder. Never shares one: the folder is created exclusively (EEXIST if it exists already). */
  static create(dir: string, manifest: SweepManifest, files: StoreFileSystem = fs): SweepWriter {
    writing(dir, () => {
      files.mkdirSync(path.dirname(dir), { recursive: true });
      files.mkdirSync(dir);
      files.mkdirSync(path.join(dir, 'trials'));
    });
    const writer = new SweepWriter(dir, manifest, files);
    writer.writeManifest();
    return writer;
  }

  /**
   * A new sweep under `runsRoot` with a fresh id. Two sweeps of one spec started at once never share a folder: on
   * the (unlikely) clash of ids the exclusive create fails with EEXIST and the next id is tried.
   */
  static createUnique(
    runsRoot: string, experiment: string, manifestFor: (id: string) => SweepManifest, files: StoreFileSystem = fs, newId = newSweepId,
  ): SweepWriter {
    for (let attempt = 1; ; attempt++) {
      const id = newId();
      try {
        return SweepWriter.create(sweepDir(runsRoot, experiment, id), manifestFor(id), files);
      } catch (error) {
        if (!(error instanceof StoreWriteError && error.code === 'EEXIST') || attempt >= 5) throw error;
      }
    }
  }

  /** An existing sweep folder, to resume it: `manifest` replaces the one on disk. */
  static reopen(dir: string, manifest: SweepManifest, files: StoreFileSystem = fs): SweepWriter {
    const writer = new SweepWriter(dir, manifest, files);
    writer.writeManifest();
    return writer;
  }

  get current(): Readonly<SweepManifest> {
    return this.manifest;
  }

  update(patch: Partial<SweepManifest>): void {
    this.manifest = { ...this.manifest, ...patch };
    this.writeManifest();
  }

  /** Through a temporary file and a rename, so a reader never sees half of it. */
  private writeManifest(): void {
    const target = manifestFile(this.dir);
    const temporary = `${target}.${process.pid}.tmp`;
    writing(this.dir, () => {
      this.files.writeFileSync(temporary, `${JSON.stringify(this.manifest, null, 2)}\n`);
      this.files.renameSync(temporary, target);
    });
  }

  /** Appends a summary line to a trial that has ended (Hyperband marks the trials it stops this way). */
  appendSummary(trial: TrialPlan, summary: TrialSummary): void {
    const line = `${JSON.stringify({ kind: 'summary', ...summary } satisfies TrialLine)}\n`;
    writing(this.dir, () => this.files.appendFileSync(trialFile(this.dir, trial.id), line));
  }

  openTrial(trial: TrialPlan, parameterCount?: number, where?: TrialPlacement): TrialWriter {
    const header: TrialLine = { kind: 'header', trial, parameterCount, startedAt: new Date().toISOString(), ...(where ? { where } : {}) };
    return new TrialWriter(this.dir, trialFile(this.dir, trial.id), header, this.files);
  }

  /**
   * Before appending to the file of a trial a killed runner left: a last line cut short by the kill (no newline)
   * is removed, so the next line starts on a line of its own. Complete lines are never touched.
   */
  trimTornLine(trial: TrialPlan): void {
    const file = trialFile(this.dir, trial.id);
    writing(this.dir, () => {
      let content: Buffer;
      try {
        content = this.files.readFileSync(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      if (content.length > 0 && content[content.length - 1] !== 0x0a) this.files.truncateSync(file, content.lastIndexOf(0x0a) + 1);
    });
  }
}

/** One trial's JSONL file. Each line goes to the OS as it is written: a killed process loses nothing written. */
export class TrialWriter {
  private fd: number | undefined;

  constructor(private readonly dir: string, readonly file: string, header: TrialLine, private readonly files: StoreFileSystem = fs) {
    this.fd = writing(dir, () => files.openSync(file, 'a'));
    this.append(header);
  }

  private append(line: TrialLine): void {
    if (this.fd === undefined) throw new Error(`${this.file} is closed`);
    const fd = this.fd;
    writing(this.dir, () => this.files.writeSync(fd, `${JSON.stringify(line)}\n`));
  }

  epoch(metrics: EpochMetrics): void {
    this.append({ kind: 'epoch', ...metrics });
  }

  finish(summary: TrialSummary): void {
    this.append({ kind: 'summary', ...summary });
    this.close();
  }

  close(): void {
    if (this.fd !== undefined) this.files.closeSync(this.fd);
    this.fd = undefined;
  }
}
