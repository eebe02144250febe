/**
 * The one Redis a queue executor and its workers share, named by a URL: `redis://[:password@]host:6379[/db]`, or
 * `rediss://` for TLS. A password never comes from the spec or the store: it is in the URL the user typed, or in
 * the environment variable below (the extension fills it from VS Code's SecretStorage). What is recorded and shown
 * is the URL without it.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { errorMessage } from '../core/errors';
import { shownRedisUrl } from '../core/redisUrl';

/** Read when the URL has no password. */
export const redisPasswordEnv = 'DROPOUT_LAB_REDIS_PASSWORD';

/**
 * ioredis options for `url`. BullMQ's blocking connections need `maxRetriesPerRequest: null`; reconnecting goes
 * on (a Redis restart is waited out) while the caller decides how long an outage may last.
 */
export function redisOptions(url: string, env: NodeJS.ProcessEnv = process.env): RedisOptions & { retryStrategy: (times: number) => number } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`"${url}" is not a Redis URL (expected redis://[:password@]host:6379[/db] or rediss://…)`);
  }
  if (!['redis:', 'rediss:'].includes(parsed.protocol)) throw new Error(`"${shownRedisUrl(url)}" is not a Redis URL (expected redis:// or rediss://)`);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new Error(`"${shownRedisUrl(url)}": the database after the host must be a whole number`);
  // `***` is how a stored URL (sweep.json's executor, which resume reuses) hides its password: not a password.
  const inUrl = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  const password = inUrl && inUrl !== '***' ? inUrl : env[redisPasswordEnv] || undefined;
  return {
    host: parsed.hostname || '127.0.0.1', port: parsed.port ? Number(parsed.port) : 6379, db,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(password ? { password } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  };
}

/**
 * Connects once and pings, failing fast with a message that names the URL: Redis down, a wrong password, a host
 * that does not answer. Run before a sweep or a worker starts, so nothing is created when Redis cannot be used.
 */
export async function checkRedis(url: string, timeoutMs = 5000): Promise<void> {
  const client = new Redis({ ...redisOptions(url), lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
  // A refused password arrives as an 'error' event, connect() then only says the connection closed.
  let reported: unknown;
  client.on('error', (error) => (reported ??= error));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    const message = errorMessage(reported ?? error);
    const why = /WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(message)
      ? `it refused the password (${message}); give it in the URL or in ${redisPasswordEnv}` : message;
    throw new Error(`cannot use Redis at ${shownRedisUrl(url)}: ${why}`);
  } finally {
    client.disconnect();
  }
}
