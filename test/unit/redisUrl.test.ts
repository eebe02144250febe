import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isRedisUrl, shownRedisUrl } from '../../src/core/redisUrl';
import { redisOptions, redisPasswordEnv } from '../../src/runner/redisConnection';

describe('the Redis URL of a queue executor', () => {
  test('is shown and stored without its password', () => {
    assert.equal(shownRedisUrl('redis://:s3cret@queue.lan:6379/2'), 'redis://:***@queue.lan:6379/2');
    assert.equal(shownRedisUrl('rediss://team:s3cret@queue.lan:6380'), 'rediss://team:***@queue.lan:6380');
    assert.equal(shownRedisUrl('redis://127.0.0.1:6379'), 'redis://127.0.0.1:6379');
    assert.equal(shownRedisUrl('redis://:p%40ss@[bad'), 'redis://***@[bad');
  });

  test('names a Redis only with redis:// or rediss://; empty is the local pool', () => {
    assert.equal(isRedisUrl('redis://h:1'), true);
    assert.equal(isRedisUrl('rediss://h:1'), true);
    assert.equal(isRedisUrl(''), false);
    assert.equal(isRedisUrl('http://h:6379'), false);
  });

  test('gives the client host, port, db, user and TLS; the password from the URL, else from the environment', () => {
    const fromUrl = redisOptions('rediss://team:p%40ss@queue.lan:6380/3', { [redisPasswordEnv]: 'ignored' });
    assert.deepEqual([fromUrl.host, fromUrl.port, fromUrl.db, fromUrl.username, fromUrl.password, fromUrl.tls], ['queue.lan', 6380, 3, 'team', 'p@ss', {}]);
    // sweep.json's URL, as resume reuses it: its `***` hides the password, which then comes from the environment.
    assert.equal(redisOptions('redis://:***@queue.lan:6379', { [redisPasswordEnv]: 'env-pass' }).password, 'env-pass');
    const fromEnv = redisOptions('redis://queue.lan', { [redisPasswordEnv]: 'env-pass' });
    assert.deepEqual([fromEnv.port, fromEnv.db, fromEnv.password, fromEnv.tls], [6379, 0, 'env-pass', undefined]);
    // BullMQ's blocking connections require it; reconnecting backs off to 2 s.
    assert.equal(fromEnv.maxRetriesPerRequest, null);
    assert.deepEqual([1, 5, 50].map((times) => fromEnv.retryStrategy(times)), [200, 1000, 2000]);
  });

  test('a malformed URL or database is an error that names it, without the password', () => {
    assert.throws(() => redisOptions('redis://:pw@h:6379/x'), /"redis:\/\/:\*\*\*@h:6379\/x": the database after the host must be a whole number/);
    assert.throws(() => redisOptions('http://h:6379'), /is not a Redis URL/);
  });
});
