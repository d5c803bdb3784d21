import * as assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSelfSigned } from '../../../src/server/certificates';
import { buildTlsOptions, TlsSettingsError, type TlsSettings } from '../../../src/transport';
import { isKeyPassphraseError, isWrongPassphrase, passphraseKey } from '../../../src/vscode/trust/secret-keys';

const TARGET = { host: '127.0.0.1', port: 14500 };

async function settingsError(settings: TlsSettings): Promise<unknown> {
  try {
    await buildTlsOptions(TARGET, settings);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('passphraseKey', () => {
  it('separates user, host and port', () => {
    assert.equal(passphraseKey('Server.Example', 14500, 'alice'), 'xpra.key-passphrase/alice@server.example:14500');
    assert.equal(passphraseKey('server.example', 14500), 'xpra.key-passphrase/@server.example:14500');
    assert.notEqual(passphraseKey('server.example', 14501), passphraseKey('server.example', 14500));
  });

  it('brackets IPv6 hosts once', () => {
    assert.equal(passphraseKey('::1', 1), 'xpra.key-passphrase/@[::1]:1');
    assert.equal(passphraseKey('[::1]', 1), 'xpra.key-passphrase/@[::1]:1');
  });
});

describe('isKeyPassphraseError with real keys', () => {
  let dir: string;
  let certFile: string;
  let keyFile: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'xpra-passphrase-'));
    const client = await createSelfSigned({ commonName: 'alice', usage: 'client' });
    const encrypted = createPrivateKey(client.keyPem).export({
      format: 'pem',
      type: 'pkcs8',
      cipher: 'aes-256-cbc',
      passphrase: 'right passphrase',
    });
    certFile = path.join(dir, 'client.pem');
    keyFile = path.join(dir, 'client.key');
    writeFileSync(certFile, client.certPem);
    writeFileSync(keyFile, encrypted);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('detects a missing passphrase', async () => {
    const error = await settingsError({ verifyMode: 'required', certFile, keyFile });
    assert.ok(error instanceof TlsSettingsError, String(error));
    assert.equal(isKeyPassphraseError(error), true);
    assert.equal(isWrongPassphrase(error), false);
  });

  it('detects a wrong passphrase', async () => {
    const error = await settingsError({ verifyMode: 'required', certFile, keyFile, keyPassphrase: 'wrong' });
    assert.ok(error instanceof TlsSettingsError, String(error));
    assert.equal(isKeyPassphraseError(error), true);
    assert.equal(isWrongPassphrase(error), true);
  });

  it('accepts the right passphrase', async () => {
    const error = await settingsError({ verifyMode: 'required', certFile, keyFile, keyPassphrase: 'right passphrase' });
    assert.equal(error, undefined);
  });

  it('ignores other settings errors', async () => {
    const error = await settingsError({ verifyMode: 'required', certFile: path.join(dir, 'missing.pem') });
    assert.ok(error instanceof TlsSettingsError, String(error));
    assert.equal(isKeyPassphraseError(error), false);
    assert.equal(isKeyPassphraseError(new Error('wrong passphrase')), false);
  });
});
