import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseServerUri, ServerUriError, type ServerUri } from '../../../src/transport';

type Expected = Partial<ServerUri>;

const VALID: Array<[string, Expected]> = [
  ['ssl:example.com:10000', { mode: 'ssl', host: 'example.com', port: 10000, insecure: false }],
  ['ssl://example.com:10000/', { mode: 'ssl', host: 'example.com', port: 10000 }],
  ['ssl://example.com:10000', { mode: 'ssl', host: 'example.com', port: 10000 }],
  ['ssl://alice@example.com:10000/', { host: 'example.com', port: 10000, username: 'alice' }],
  ['ssl:alice@example.com:10000', { host: 'example.com', username: 'alice' }],
  ['ssl://al%20ice@example.com:10000/', { username: 'al ice' }],
  ['ssl://[::1]:14500/', { host: '::1', port: 14500 }],
  ['ssl:[::1]:14500', { host: '::1', port: 14500 }],
  ['ssl://[2001:db8::1]:10000/', { host: '2001:db8::1', port: 10000 }],
  ['ssl://example.com:10000/7', { display: 7 }],
  ['SSL://Example.com:10000/', { mode: 'ssl', host: 'Example.com' }],
  ['tls://localhost:443', { mode: 'ssl', port: 443 }],
  ['tcp:localhost:14500', { mode: 'tcp', host: 'localhost', port: 14500, insecure: true }],
  ['tcp://127.0.0.1:14500/', { mode: 'tcp', host: '127.0.0.1', insecure: true }],
  ['localhost:14500', { mode: 'ssl', host: 'localhost', port: 14500, insecure: false }],
  ['[::1]:14500', { mode: 'ssl', host: '::1' }],
  ['  ssl:203.0.113.5:1  ', { host: '203.0.113.5', port: 1 }],
  ['ssl:host.example.com.:65535', { host: 'host.example.com.', port: 65535 }],
];

const INVALID: Array<[string, RegExp]> = [
  ['', /missing server URI/],
  ['ssl:example.com', /missing port/],
  ['ssl://example.com/', /missing port/],
  ['ssl:example.com:', /missing port/],
  ['ssl:example.com:70000', /invalid port 70000/],
  ['ssl:example.com:0', /invalid port 0/],
  ['ssl:example.com:abc', /invalid port 'abc'/],
  ['ssl:example.com:-1', /invalid port '-1'/],
  ['foo:example.com:1', /unknown mode 'foo'/],
  ['ssh:example.com:22', /unsupported mode 'ssh'/],
  ['wss://example.com:443/', /unsupported mode 'wss'/],
  ['ssl://2001:db8::1:10000/', /IPv6 address needs brackets/],
  ['ssl:example.com:10000:7', /invalid host and port/],
  ['ssl://[::1:14500/', /missing '\]'/],
  ['ssl://[zz::1]:14500/', /invalid IPv6 address/],
  ['ssl://[::1]x:14500/', /invalid text 'x:14500'/],
  ['ssl://:10000/', /missing host/],
  ['ssl://bad_host!:1/', /invalid host 'bad_host!'/],
  ['ssl://alice:s3cret@example.com:1/', /password in the URI/],
  ['ssl://@example.com:1/', /missing user name/],
  ['ssl://example.com:1/?ssl-ca-data=00', /query strings/],
  ['ssl://example.com:1/abc', /invalid display 'abc'/],
  ['ssl:example.com:1/7', /use ssl:\/\/HOST:PORT\//],
];

describe('parseServerUri', () => {
  for (const [text, expected] of VALID) {
    it(`parses ${text.trim()}`, () => {
      const uri = parseServerUri(text);
      for (const [key, value] of Object.entries(expected)) {
        assert.deepEqual(uri[key as keyof ServerUri], value, `${key} of ${text}`);
      }
    });
  }

  for (const [text, message] of INVALID) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(() => parseServerUri(text), (error: unknown) => {
        assert.ok(error instanceof ServerUriError);
        assert.match(error.message, message);
        return true;
      });
    });
  }

  it('omits username when absent', () => {
    assert.equal('username' in parseServerUri('ssl:localhost:1'), false);
  });

  it('formats a canonical display name', () => {
    assert.equal(parseServerUri('ssl:alice@[::1]:14500').displayName, 'ssl://alice@[::1]:14500/');
    assert.equal(parseServerUri('tcp:localhost:1').displayName, 'tcp://localhost:1/');
    assert.equal(parseServerUri('ssl://h.test:2/7').displayName, 'ssl://h.test:2/7');
  });

  it('hides the password in its error', () => {
    assert.throws(() => parseServerUri('ssl://alice:s3cret@example.com:1/'), (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.doesNotMatch(error.message, /s3cret/);
      return true;
    });
  });
});
