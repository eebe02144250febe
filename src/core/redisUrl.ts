/**
 * Text rules for the Redis URL that names a queue executor (`--executor`, `dropoutLab.executor`), kept apart from
 * the Redis client so that reading a setting or writing a manifest loads no client.
 */

/** An `--executor` / `dropoutLab.executor` value that names a Redis (the local pool is the empty value). */
export function isRedisUrl(value: string): boolean {
  return /^rediss?:\/\//.test(value);
}

/** The URL as it may be shown and stored: any password replaced by `***`. */
export function shownRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}
