import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionFileError, toAttachSettings } from '../../../src/session-file';

describe('attach settings from a session file', () => {
  it('reads a TLS file', () => {
    const settings = toAttachSettings(
      [
        'mode=ssl',
        'host=localhost',
        'port=10000',
        'username=alice',
        'ssl-ca-data=2d2d',
        'ssl-ca-certs=/etc/ca.pem',
        'ssl-cert=/c.pem',
        'ssl-key=/k.pem',
        'ssl-server-hostname=example.com',
        'ssl-server-verify-mode=Required',
        '',
      ].join('\n'),
    );
    assert.equal(settings.uri, 'ssl://localhost:10000/');
    assert.equal(settings.username, 'alice');
    assert.deepEqual(settings.tls, {
      verifyMode: 'required',
      caCertFile: '/etc/ca.pem',
      caData: '2d2d',
      serverHostname: 'example.com',
      certFile: '/c.pem',
      keyFile: '/k.pem',
    });
    assert.equal(settings.checkHostname, true);
  });

  it('reads speed and quality', () => {
    const settings = toAttachSettings('mode=ssl\nhost=localhost\nport=1\nmin-speed=70\nquality=1_0\nmin-quality=0\n');
    assert.deepEqual(settings.encoding, { minSpeed: 70, quality: 10, minQuality: 0 });
    assert.deepEqual(toAttachSettings('mode=ssl\nhost=localhost\nport=1\n').encoding, {});
  });

  it('rejects invalid speed or quality', () => {
    for (const line of ['speed=101', 'min-speed=fast', 'quality=-1', 'min-quality=5.5']) {
      assert.throws(
        () => toAttachSettings(`mode=ssl\nhost=localhost\nport=1\n${line}\n`),
        (error: unknown) =>
          error instanceof SessionFileError && error.message.includes(line.split('=')[0]) && error.message.includes('0 (automatic) to 100'),
        line,
      );
    }
  });

  it('brackets IPv6 hosts', () => {
    assert.equal(toAttachSettings('mode=ssl\nhost=::1\nport=1\n').uri, 'ssl://[::1]:1/');
  });

  it('treats the default trust store as unset', () => {
    assert.equal(
      toAttachSettings('mode=ssl\nhost=h\nport=1\nssl-ca-certs=default\n').tls.caCertFile,
      undefined,
    );
  });

  it('uses tcp like xpra when mode is missing', () => {
    assert.equal(toAttachSettings('host=localhost\nport=1\n').uri, 'tcp://localhost:1/');
  });

  // xpra drops a repeated key, so `mode=ssl` twice connects over plain TCP; we refuse instead.
  it('rejects a repeated mode', () => {
    assert.throws(
      () => toAttachSettings('mode=ssl\nmode=ssl\nhost=localhost\nport=1\n'),
      /'mode' is given 2 times \(lines 1, 2\)/,
    );
  });

  it('rejects a repeated host or CA', () => {
    assert.throws(() => toAttachSettings('mode=ssl\nhost=a\nhost=b\nport=1\n'), /'host' is given 2 times/);
    assert.throws(
      () => toAttachSettings('mode=ssl\nhost=a\nport=1\nssl-ca-data=00\nssl-ca-data=11\n'),
      /'ssl-ca-data' is given 2 times/,
    );
  });

  it('rejects what it cannot attach', () => {
    assert.throws(() => toAttachSettings('mode=ssh\nhost=h\nport=1\n'), SessionFileError);
    assert.throws(() => toAttachSettings('mode=ssl\nport=1\n'), /no 'host'/);
    assert.throws(() => toAttachSettings('mode=ssl\nhost=h\n'), /no 'port'/);
    assert.throws(() => toAttachSettings('mode=ssl\nhost=h\nport=70000\n'), /invalid port '70000'/);
    assert.throws(
      () => toAttachSettings('mode=ssl\nhost=h\nport=1\nssl-server-verify-mode=bogus\n'),
      /invalid ssl-server-verify-mode/,
    );
  });

  it('reads the hostname check', () => {
    assert.equal(
      toAttachSettings('mode=ssl\nhost=h\nport=1\nssl-check-hostname=no\n').checkHostname,
      false,
    );
  });
});
