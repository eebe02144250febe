import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { executorFromSetting, resumeExecutor, withRedisPassword } from '../../src/extension/executorSetting';
import { shownRedisUrl } from '../../src/core/redisUrl';
import { redisOptions } from '../../src/runner/redisConnection';

describe('dropoutLab.executor', () => {
  test('empty (or unset): the local pool; a redis:// or rediss:// URL as typed, trimmed', () => {
    for (const value of [undefined, null, '', '   ']) assert.equal(executorFromSetting(value), '', String(value));
    assert.equal(executorFromSetting(' redis://10.0.0.5:6379/2 '), 'redis://10.0.0.5:6379/2');
    assert.equal(executorFromSetting('rediss://queue.example.com:6380'), 'rediss://queue.example.com:6380');
  });

  test('anything else is refused, naming the setting, never showing a password', () => {
    assert.throws(() => executorFromSetting('http://localhost:6379'), /dropoutLab\.executor is "http:\/\/localhost:6379": it takes a redis:\/\//);
    assert.throws(() => executorFromSetting(6379), /dropoutLab\.executor is 6379/);
    assert.throws(() => executorFromSetting('localhost:6379'), /redis:\/\/ or rediss:\/\/ URL, or nothing for the local trainer pool/);
    assert.throws(() => executorFromSetting('http://:hunter2@host:6379'), (error: Error) => !error.message.includes('hunter2'));
  });

  test('package.json: a string defaulting to empty, ignored in Restricted Mode; the password command is contributed', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { type: string; default: unknown }> }; commands: { command: string; title: string }[] };
      capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
    };
    const setting = manifest.contributes.configuration.properties['dropoutLab.executor'];
    assert.equal(setting?.type, 'string');
    assert.equal(setting.default, '');
    assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('dropoutLab.executor'));
    const command = manifest.contributes.commands.find((entry) => entry.command === 'dropoutLab.setRedisPassword');
    assert.equal(command?.title, 'Set Redis Password');
  });
});

describe('the Redis password from SecretStorage', () => {
  test('goes into a URL that has none, encoded so that the runner reads it back as stored', () => {
    assert.equal(withRedisPassword('redis://127.0.0.1:6379', 's3cret'), 'redis://:s3cret@127.0.0.1:6379');
    assert.equal(withRedisPassword('rediss://alice@host:6380/3', 's3cret'), 'rediss://alice:s3cret@host:6380/3');
    const odd = 'p@ss:w/rd %#?';
    const url = withRedisPassword('redis://host:6379/1', odd);
    assert.equal(redisOptions(url, {}).password, odd);
    assert.equal(redisOptions(url, {}).db, 1);
    assert.equal(shownRedisUrl(url), 'redis://:***@host:6379/1');
  });

  test('a password in the URL wins; none stored leaves the URL as it is', () => {
    assert.equal(withRedisPassword('redis://:typed@host:6379', 'stored'), 'redis://:typed@host:6379');
    assert.equal(withRedisPassword('redis://host:6379', undefined), 'redis://host:6379');
    assert.equal(withRedisPassword('redis://host:6379', ''), 'redis://host:6379');
    assert.equal(withRedisPassword('not a url', 'stored'), 'not a url');
  });

  test("a stored sweep's URL (its password shown as ***) takes the stored password, or none", () => {
    const recorded = shownRedisUrl('redis://:old@host:6379');
    assert.equal(withRedisPassword(recorded, 'stored'), 'redis://:stored@host:6379');
    assert.equal(withRedisPassword(recorded, undefined), 'redis://host:6379');
  });

  test('a resumed sweep runs on the Redis it ran on, else on the setting', () => {
    assert.equal(resumeExecutor('redis://a:6379', 'redis://b:6379'), 'redis://a:6379');
    assert.equal(resumeExecutor(undefined, 'redis://b:6379'), 'redis://b:6379');
    assert.equal(resumeExecutor(undefined, ''), '');
  });
});
