// Bounded waits for the end-to-end tests: every wait has a deadline, and its timeout names what was awaited.
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Thrown inside a poll() callback to stop polling at once (other errors are retried until the deadline). */
export class PollAbort extends Error {}

/** Calls `fn` until it returns a truthy value or `timeoutMs` passes; then throws, naming `what`. */
type Maybe<T> = T | undefined | null | false;

export async function poll<T>(what: string, fn: () => Promise<Maybe<T>> | Maybe<T>, timeoutMs = 30_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as T;
    } catch (error) {
      if (error instanceof PollAbort) throw error;
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message.split('\n')[0]})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await sleep(intervalMs);
  }
}

/** Races `promise` against a timer; the rejection names `what`. */
export function withTimeout<T>(what: string, promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms: ${what}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Waits for work whose length depends on the machine (training on 2 shared cores): calls `fn` until it returns a
 * truthy value, but fails only when `progress()` has not changed for `stallMs` (a hang), or after `maxMs` in all.
 * A slow, busy machine passes; a stuck sweep still fails, saying so. `fn` may throw PollAbort to fail at once.
 */
export async function pollWhileProgressing<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  progress: () => Promise<unknown>,
  options: { stallMs: number; maxMs: number; intervalMs?: number },
): Promise<T> {
  const started = Date.now();
  let lastProgress = '';
  let changedAt = started;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as T;
      const now = JSON.stringify(await progress());
      if (now !== lastProgress) {
        lastProgress = now;
        changedAt = Date.now();
      }
    } catch (error) {
      if (error instanceof PollAbort) throw error;
      lastError = error;
    }
    const detail = `${lastError instanceof Error ? `; last error: ${lastError.message.split('\n')[0]}` : ''}; progress ${lastProgress}`;
    if (Date.now() - changedAt > options.stallMs) throw new Error(`no progress for ${options.stallMs} ms waiting for ${what}${detail}`);
    if (Date.now() - started > options.maxMs) throw new Error(`timed out after ${options.maxMs} ms waiting for ${what} (still progressing)${detail}`);
    await sleep(options.intervalMs ?? 500);
  }
}
