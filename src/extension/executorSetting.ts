/**
 * Where the extension's sweeps run: the `dropoutLab.executor` setting (empty: the local trainer pool; a Redis URL:
 * `dropout-lab worker` processes through BullMQ) and the Redis password, which never goes in the setting but in VS
 * Code's SecretStorage ("Dropout Lab: Set Redis Password"). Pure: no `vscode` here, so unit tests read it as is.
 */
import { isRedisUrl, shownRedisUrl } from '../core/redisUrl';

/** The SecretStorage key of the Redis password. */
export const redisPasswordSecret = 'dropoutLab.redisPassword';

/** What `shownRedisUrl` puts in place of a password: a URL read back from a manifest carries it, never a password. */
const passwordPlaceholder = '***';

/**
 * The setting's value as the runner takes it: '' (the local pool) or a `redis://` / `rediss://` URL. Anything else
 * throws, naming the setting, before a sweep starts.
 */
export function executorFromSetting(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value.trim() : undefined;
  if (text === '') return '';
  if (text === undefined || !isRedisUrl(text)) {
    const shown = text === undefined ? JSON.stringify(value) : `"${shownRedisUrl(text)}"`;
    throw new Error(`the setting dropoutLab.executor is ${shown}: it takes a redis:// or rediss:// URL, or nothing for the local trainer pool`);
  }
  return text;
}

/**
 * `url` with `password` in it. A password already in the URL wins; the placeholder of a shown URL (`***`, as the run
 * store records it) is no password: it is replaced by `password`, or removed when there is none.
 */
export function withRedisPassword(url: string, password: string | undefined): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url; // not a URL: the runner's check says so, naming it
  }
  if (parsed.password && parsed.password !== passwordPlaceholder) return url;
  if (!password && !parsed.password) return url;
  // The runner decodes it (decodeURIComponent); URL's setter alone would leave a `%` as it is.
  parsed.password = password ? encodeURIComponent(password) : '';
  return parsed.toString();
}

/** The executor a resumed sweep runs on: the Redis it ran on (its manifest's, password-free), else the setting's. */
export function resumeExecutor(recorded: string | undefined, configured: string): string {
  return recorded || configured;
}
