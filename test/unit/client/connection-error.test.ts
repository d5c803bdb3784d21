import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeConnectionError } from '../../../src/client';

function tlsError(code: string): Error {
  const error = new Error('80EC648C897F0000:error:1C800066:Provider routines:ossl_gcm_stream_update:cipher operation failed');
  return Object.assign(error, { code });
}

describe('connection error text', () => {
  it('names a corrupt TLS record', () => {
    for (const code of ['ERR_SSL_CIPHER_OPERATION_FAILED', 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC']) {
      const text = describeConnectionError(tlsError(code));
      assert.match(text, /TLS record from the server failed its integrity check/, code);
      assert.ok(text.includes(code), code);
      assert.ok(!text.includes('Provider routines'), code);
    }
  });

  it('keeps other messages', () => {
    assert.equal(describeConnectionError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })), 'read ECONNRESET');
    assert.equal(describeConnectionError(new Error('no code')), 'no code');
  });
});
