/**
 * The trainers' memory as the operating system sees it (resident set size), for the runner's memory limit. The
 * estimate before a sweep can be wrong; this is what stops a trainer that outgrows its limit anyway.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';

const KIB = 1024;

/** Linux: VmRSS from /proc; macOS and the BSDs: `ps -o rss=` (KiB); elsewhere (Windows) undefined. */
export async function residentBytes(pid: number): Promise<number | undefined> {
  if (process.platform === 'linux') {
    try {
      const match = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      return match ? Number(match[1]) * KIB : undefined;
    } catch {
      return undefined; // the process has just exited
    }
  }
  if (process.platform === 'win32') return undefined;
  return new Promise((resolve) => {
    execFile('ps', ['-o', 'rss=', '-p', String(pid)], (error, stdout) => {
      const kib = Number(stdout.trim());
      resolve(error || !Number.isFinite(kib) || stdout.trim() === '' ? undefined : kib * KIB);
    });
  });
}
