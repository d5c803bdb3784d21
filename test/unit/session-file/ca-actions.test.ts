import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  caDataConversions,
  caDataFormFor,
  inlineCaCertificates,
  insertCaData,
  parseSessionFile,
  validateSessionFile,
} from '../../../src/session-file';
import { caDataForms, makeCertificate, type TestCertificate } from './certificates';

/** Applies one edit to a text, for checking edits end to end. */
function apply(
  text: string,
  edit: {
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    newText: string;
  },
): string {
  const lines = text.split('\n');
  const offset = (position: { line: number; character: number }) =>
    lines.slice(0, position.line).reduce((sum, line) => sum + line.length + 1, 0) +
    position.character;
  return (
    text.slice(0, offset(edit.range.start)) + edit.newText + text.slice(offset(edit.range.end))
  );
}

describe('ssl-ca-data actions', () => {
  let ca: TestCertificate;
  before(async () => {
    ca = await makeCertificate({ commonName: 'Action Test CA', ca: true });
  });

  it('picks the form per version', () => {
    assert.equal(caDataFormFor('any'), 'hex-pem');
    assert.equal(caDataFormFor('3.1'), 'hex-pem');
    assert.equal(caDataFormFor('6.0'), 'hex-pem');
    assert.equal(caDataFormFor('6.1'), 'hex-der');
    assert.equal(caDataFormFor('6.5'), 'hex-der');
  });

  it('inserts after the TLS settings', () => {
    const text = 'mode=ssl\nhost=localhost\nport=10000\nssl-server-verify-mode=required\ntitle=x\n';
    const result = apply(text, insertCaData(parseSessionFile(text), ca.pem, '3.1'));
    assert.equal(
      result,
      `mode=ssl\nhost=localhost\nport=10000\nssl-server-verify-mode=required\nssl-ca-data=${caDataForms(ca).hexPem}\ntitle=x\n`,
    );
    assert.deepEqual(
      validateSessionFile(result, { xpraVersion: '3.1' }).filter(
        (item) => item.severity !== 'info',
      ),
      [],
    );
  });

  it('replaces an existing value', () => {
    const text = 'mode=ssl\nhost=localhost\nport=10000\nssl-ca-data=00\n';
    const result = apply(text, insertCaData(parseSessionFile(text), ca.pem, '6.5'));
    assert.equal(
      result,
      `mode=ssl\nhost=localhost\nport=10000\nssl-ca-data=${caDataForms(ca).hexDer}\n`,
    );
  });

  it('appends to a file without TLS keys', () => {
    const text = 'host=localhost';
    const result = apply(text, insertCaData(parseSessionFile(text), ca.pem, 'any'));
    assert.equal(result, `host=localhost\nssl-ca-data=${caDataForms(ca).hexPem}\n`);
  });

  it('inlines an ssl-ca-certs file', () => {
    const text = 'mode=ssl\nssl-ca-certs=/etc/ca.pem\n';
    const entry = parseSessionFile(text).entries[1];
    assert.equal(
      apply(text, inlineCaCertificates(entry, ca.pem, '6.1')),
      `mode=ssl\nssl-ca-data=${caDataForms(ca).hexDer}\n`,
    );
  });

  it('offers the other three forms', () => {
    const forms = caDataForms(ca);
    const conversions = caDataConversions(forms.hexPem);
    assert.deepEqual(
      conversions.map((item) => item.form),
      ['base64-pem', 'hex-der', 'base64-der'],
    );
    assert.deepEqual(
      conversions.map((item) => item.value),
      [forms.base64Pem, forms.hexDer, `base64:${forms.base64Der}`],
    );
  });

  it('offers nothing for a broken value', () => {
    assert.deepEqual(caDataConversions('2d2d2'), []);
  });
});
