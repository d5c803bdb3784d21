import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSessionFile, readerValues } from '../../../src/session-file';

function values(text: string): Record<string, string | string[]> {
  return Object.fromEntries(readerValues(parseSessionFile(text)));
}

describe('session-file parser', () => {
  it('splits at the first equals sign', () => {
    assert.deepEqual(values('env=A=1\npassword=a=b\n'), { env: 'A=1', password: 'a=b' });
  });

  it('trims key and value', () => {
    assert.deepEqual(values('  key \t=\t value  \n'), { key: 'value' });
  });

  it('strips NBSP but keeps the byte-order mark', () => {
    const parsed = parseSessionFile('\ufeffhost=a\n\u00a0port=1\u00a0\n');
    assert.equal(parsed.entries[0].key, '\ufeffhost');
    assert.equal(parsed.entries[1].key, 'port');
    assert.equal(parsed.entries[1].value, '1');
    assert.equal(parsed.hasByteOrderMark, true);
  });

  it('keeps inline comments in the value', () => {
    assert.deepEqual(values('port=10000 # x\n'), { port: '10000 # x' });
  });

  it('treats only # and ! lines as comments', () => {
    const parsed = parseSessionFile('# one\n  ! two\n; three\n; host=x\n');
    assert.deepEqual(
      parsed.comments.map((comment) => comment.line),
      [0, 1],
    );
    assert.deepEqual(
      parsed.skipped.map((line) => line.text),
      ['; three'],
    );
    assert.equal(parsed.entries[0].key, '; host');
  });

  it('skips lines without or starting with equals', () => {
    const parsed = parseSessionFile('key value\n=value\nkey: value\n');
    assert.equal(parsed.entries.length, 0);
    assert.deepEqual(
      parsed.skipped.map((line) => line.reason),
      ['missing-equals', 'leading-equals', 'missing-equals'],
    );
  });

  it('joins continuation lines with a space', () => {
    assert.deepEqual(values('title=a\\\nb\n'), { title: 'a b' });
    assert.deepEqual(values('title=a \\\n  b\n'), { title: 'a  b' });
  });

  it('drops comments between continuation lines', () => {
    const parsed = parseSessionFile('title=a\\\n# comment\n\nb\nport=1\n');
    assert.equal(parsed.entries[0].value, 'a b');
    assert.deepEqual(parsed.entries[0].lines, [0, 3]);
    assert.equal(parsed.entries[1].key, 'port');
  });

  it('drops a trailing backslash on the last line', () => {
    const parsed = parseSessionFile('port=1\\\n');
    assert.equal(parsed.entries[0].value, '1');
    assert.deepEqual(parsed.danglingContinuation, {
      start: { line: 0, character: 6 },
      end: { line: 0, character: 7 },
    });
  });

  it('accepts LF, CRLF and lone CR', () => {
    assert.deepEqual(values('a=1\r\nb=2\rc=3\n'), { a: '1', b: '2', c: '3' });
  });

  it('gathers repeated keys into a list', () => {
    assert.deepEqual(values('env=A\nenv=B\nenv=C\n'), { env: ['A', 'B', 'C'] });
  });

  it('replaces an empty first value', () => {
    assert.deepEqual(values('host=\nhost=b\n'), { host: 'b' });
    assert.deepEqual(values('host=a\nhost=\n'), { host: ['a', ''] });
  });

  it('is case-sensitive for keys', () => {
    assert.deepEqual(values('Host=a\nhost=b\n'), { Host: 'a', host: 'b' });
  });

  it('records key and value ranges', () => {
    const entry = parseSessionFile('\n  mode = ssl \n').entries[0];
    assert.deepEqual(entry.keyRange, {
      start: { line: 1, character: 2 },
      end: { line: 1, character: 6 },
    });
    assert.deepEqual(entry.valueRange, {
      start: { line: 1, character: 9 },
      end: { line: 1, character: 12 },
    });
  });

  it('maps value ranges across continuation lines', () => {
    const entry = parseSessionFile('ssl-ca-data=abc\\\n  def\n').entries[0];
    assert.equal(entry.value, 'abc def');
    assert.deepEqual(entry.valueRange, {
      start: { line: 0, character: 12 },
      end: { line: 1, character: 5 },
    });
    assert.deepEqual(entry.range, {
      start: { line: 0, character: 0 },
      end: { line: 1, character: 5 },
    });
  });

  it('keeps the value empty after a bare equals', () => {
    assert.deepEqual(values('password=\n'), { password: '' });
  });
});
