import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findUntrustedUses, isInside } from '../../../src/vscode/trust/workspace-rules';

const WORKSPACE = '/home/alice/project';
const FILE = '/home/alice/project/sessions/work.xpra';

describe('findUntrustedUses', () => {
  it('lists command options that are set', () => {
    const values = new Map<string, unknown>([
      ['start', 'xterm'],
      ['start-child', ''],
      ['exec-wrapper', 'sudo'],
      ['host', 'xpra.example'],
    ]);
    assert.deepEqual(findUntrustedUses(values, FILE, [WORKSPACE], '/home/alice').commandKeys, ['start', 'exec-wrapper']);
  });

  it('finds files outside the workspace', () => {
    const values = new Map<string, unknown>([
      ['ssl-key', '~/.ssh/client.key'],
      ['ssl-cert', 'client.pem'],
      ['ssl-ca-certs', '../../other/ca.pem'],
      ['password-file', '/etc/xpra/password'],
    ]);
    const { outsideFiles } = findUntrustedUses(values, FILE, [WORKSPACE], '/home/alice');
    assert.deepEqual(outsideFiles, [
      { key: 'ssl-key', path: '/home/alice/.ssh/client.key' },
      { key: 'ssl-ca-certs', path: '/home/alice/other/ca.pem' },
      { key: 'password-file', path: '/etc/xpra/password' },
    ]);
  });

  it('treats every file as outside without folders', () => {
    const values = new Map<string, unknown>([['ssl-cert', 'client.pem']]);
    assert.equal(findUntrustedUses(values, FILE, [], '/home/alice').outsideFiles.length, 1);
  });

  it('finds nothing in a plain file', () => {
    const values = new Map<string, unknown>([['host', 'xpra.example'], ['port', '14500']]);
    assert.deepEqual(findUntrustedUses(values, FILE, [WORKSPACE], '/home/alice'), { commandKeys: [], outsideFiles: [] });
  });
});

describe('isInside', () => {
  it('checks folder containment', () => {
    assert.equal(isInside('/a/b/c', '/a/b'), true);
    assert.equal(isInside('/a/b', '/a/b'), true);
    assert.equal(isInside('/a/bc', '/a/b'), false);
    assert.equal(isInside('/a/b/../c', '/a/b'), false);
    assert.equal(isInside('/a/b/..foo', '/a/b'), true);
  });
});
