import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listSweeps } from '../../src/store/reader';
import { cliPath } from './specs';

/** Lines written so far to a trial's file (0 when it does not exist yet). */
export function trialLines(sweepDir: string, trialId: string): number {
  const file = path.join(sweepDir, 'trials', `${trialId}.jsonl`);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
}

/**
 * Runs `dropout-lab run <spec> --out runsRoot` with extra `args`, SIGKILLs the whole CLI once `ready(sweepDir)`
 * holds, and returns the sweep folder it left: a runner killed mid-sweep.
 */
export async function killedMidSweep(
  spec: string, runsRoot: string, args: string[], ready: (sweepDir: string) => boolean, timeoutMs = 60_000,
): Promise<string> {
  const child = spawn(process.execPath, [cliPath, 'run', spec, '--out', runsRoot, ...args], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const sweepDir = listSweeps(runsRoot)[0]?.dir;
      if (sweepDir && ready(sweepDir)) return sweepDir;
      if (child.exitCode !== null) throw new Error(`the CLI ended (exit ${child.exitCode}) before the sweep was where it should be killed`);
      if (Date.now() > deadline) throw new Error(`the sweep under ${runsRoot} did not get where it should be killed within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}
