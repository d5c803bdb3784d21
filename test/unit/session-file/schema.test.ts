import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  OPTIONS,
  VERSIONS,
  allowedValuesIn,
  formatVersions,
  getOption,
  isKeyAvailable,
  suggest,
} from '../../../src/session-file';

const root = path.resolve(__dirname, '..', '..', '..');

describe('option schema', () => {
  it('matches the reference table', () => {
    // Exits 1 when data/xpra-options.schema.json differs from what the generator writes.
    execFileSync(process.execPath, ['scripts/generate-options.mjs', '--check'], { cwd: root });
  });

  it('has every option of the table', () => {
    assert.equal(OPTIONS.size, 237);
  });

  it('marks the session keys', () => {
    const sessionKeys = [...OPTIONS.values()]
      .filter((option) => option.sessionKey)
      .map((option) => option.name)
      .sort();
    assert.deepEqual(sessionKeys, [
      'autoconnect',
      'display',
      'host',
      'mode',
      'password',
      'path',
      'port',
      'proxy_host',
      'proxy_key',
      'proxy_password',
      'proxy_port',
      'proxy_username',
      'ssh_port',
      'username',
    ]);
  });

  it('records type, default, scope and version', () => {
    const option = getOption('ssl-server-verify-mode');
    assert.equal(option?.type, 'str');
    assert.equal(option?.default, 'required');
    assert.deepEqual(option?.allowedValues, ['none', 'optional', 'required']);
    assert.equal(option?.scope, 'client');
    assert.equal(getOption('path')?.since, '6.3');
    assert.equal(getOption('global-menus')?.removedIn, '4.4');
  });

  it('knows which versions have a key', () => {
    const path = getOption('path')!;
    assert.equal(isKeyAvailable(path, '6.2'), false);
    assert.equal(isKeyAvailable(path, '6.3'), true);
    const removed = getOption('bind-udp')!;
    assert.equal(isKeyAvailable(removed, '4.0'), true);
    assert.equal(isKeyAvailable(removed, '4.4'), false);
  });

  it('knows which versions have a mode', () => {
    const mode = getOption('mode')!;
    assert.equal(allowedValuesIn(mode, '3.1').includes('quic'), false);
    assert.equal(allowedValuesIn(mode, '5.0').includes('quic'), true);
    assert.equal(allowedValuesIn(mode, '5.0').includes('tcp + aes'), true);
    assert.equal(allowedValuesIn(mode, '6.0').includes('tcp + aes'), false);
    assert.equal(allowedValuesIn(mode, '6.0').includes('tcp + aes-cbc'), true);
  });

  it('formats version runs', () => {
    assert.equal(formatVersions(['3.1', '4.0', '4.4']), '3.1 to 4.4');
    assert.equal(formatVersions(['6.5', '3.1']), '3.1, 6.5');
    assert.equal(formatVersions(VERSIONS), '3.1 to 6.5');
    assert.equal(formatVersions([]), '');
  });
});

describe('did you mean', () => {
  const keys = [...OPTIONS.keys()];

  it('finds case mistakes', () => {
    assert.deepEqual(suggest('SSL-CA-DATA', keys), { value: 'ssl-ca-data', kind: 'case' });
  });

  it('finds separator mistakes', () => {
    assert.deepEqual(suggest('compression-level', keys), {
      value: 'compression_level',
      kind: 'separator',
    });
    assert.deepEqual(suggest('ssl_ca_data', keys), { value: 'ssl-ca-data', kind: 'separator' });
  });

  it('finds plural mistakes', () => {
    assert.deepEqual(suggest('ssl-ca-cert', keys), { value: 'ssl-ca-certs', kind: 'plural' });
  });

  it('finds typos', () => {
    assert.deepEqual(suggest('autoconect', keys), { value: 'autoconnect', kind: 'typo' });
  });

  it('gives up on unrelated words', () => {
    assert.equal(suggest('zzzzqqq', keys), undefined);
  });
});
