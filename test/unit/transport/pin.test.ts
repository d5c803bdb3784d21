import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyPin,
  buildTlsOptions,
  normalizeFingerprint,
  summarizeCertificate,
  verificationError,
  type CertificateSummary,
  type TlsFailureContext,
} from '../../../src/transport';
import { createSelfSigned } from '../../../src/server/certificates';

const HEX = 'ab'.repeat(32);
const COLON = Array(32).fill('AB').join(':');

describe('normalizeFingerprint', () => {
  it('accepts common spellings', () => {
    for (const text of [HEX, HEX.toUpperCase(), COLON, COLON.toLowerCase(), `sha256:${HEX}`, `SHA-256=${COLON}`, ` ${HEX} `]) {
      assert.equal(normalizeFingerprint(text), COLON, text);
    }
  });

  it('rejects wrong lengths and digits', () => {
    assert.throws(() => normalizeFingerprint(HEX.slice(2)), /invalid SHA-256 fingerprint/);
    assert.throws(() => normalizeFingerprint(`${HEX.slice(1)}g`), /expected 64 hex digits/);
    assert.throws(() => normalizeFingerprint('ab'.repeat(20)), /invalid SHA-256 fingerprint/);
  });

  it('is rejected in settings when invalid', async () => {
    await assert.rejects(
      buildTlsOptions({ host: 'h.test', port: 1 }, { verifyMode: 'required', pinnedFingerprint: 'abc' }),
      /invalid SHA-256 fingerprint 'abc'/,
    );
  });

  it('is normalized in built options', async () => {
    const built = await buildTlsOptions({ host: 'h.test', port: 1 }, { verifyMode: 'required', pinnedFingerprint: HEX });
    assert.equal(built.pinnedFingerprint, COLON);
  });
});

describe('applyPin', () => {
  let leaf: CertificateSummary;
  const context = (chain: CertificateSummary[]): TlsFailureContext => ({
    host: 'h.test', port: 1, checkedHost: 'h.test', chain, clientCertificateSent: false,
  });

  before(async () => {
    leaf = summarizeCertificate((await createSelfSigned({ commonName: 'pinned', usage: 'server' })).certPem);
  });

  it('does nothing without a pin', () => {
    assert.equal(applyPin(undefined, leaf, undefined, context([leaf])).kind, 'no-pin');
  });

  it('overrides issuer and host checks', () => {
    for (const code of ['DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID']) {
      const result = applyPin(leaf.fingerprint256, leaf, verificationError(code, context([leaf])), context([leaf]));
      assert.deepEqual(result, { kind: 'match' }, code);
    }
  });

  it('keeps an expiry failure', () => {
    const expired = verificationError('CERT_HAS_EXPIRED', context([leaf]));
    const result = applyPin(leaf.fingerprint256, leaf, expired, context([leaf]));
    assert.equal(result.kind, 'match');
    assert.equal(result.kind === 'match' ? result.failure?.check : undefined, 'expired');
  });

  it('checks leaf dates behind an overridden error', async () => {
    const expiredLeaf = summarizeCertificate((await createSelfSigned({
      commonName: 'pinned', usage: 'server',
      notBefore: new Date('2019-01-01T00:00:00Z'), notAfter: new Date('2020-01-02T00:00:00Z'),
    })).certPem);
    const selfSigned = verificationError('DEPTH_ZERO_SELF_SIGNED_CERT', context([expiredLeaf]));
    const result = applyPin(expiredLeaf.fingerprint256, expiredLeaf, selfSigned, context([expiredLeaf]));
    assert.equal(result.kind, 'match');
    assert.equal(result.kind === 'match' ? result.failure?.check : undefined, 'expired');
  });

  it('rejects a pinned leaf not yet valid', () => {
    const early = { ...context([leaf]), now: new Date(leaf.validFrom.getTime() - 60_000) };
    const result = applyPin(leaf.fingerprint256, leaf, undefined, early);
    assert.equal(result.kind, 'match');
    assert.equal(result.kind === 'match' ? result.failure?.check : undefined, 'not-yet-valid');
  });

  it('rejects a changed certificate', () => {
    const result = applyPin(COLON, leaf, undefined, context([leaf]));
    assert.equal(result.kind, 'mismatch');
    if (result.kind === 'mismatch') {
      assert.equal(result.error.check, 'fingerprint-mismatch');
      assert.match(result.error.message, new RegExp(`pinned SHA-256 ${COLON}, but the server sent ${leaf.fingerprint256}`));
    }
  });
});
