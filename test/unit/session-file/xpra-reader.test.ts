/**
 * The parser against xpra's own reader: each text is written to a file and read by
 * `read_config` of the installed xpra (Debian's 3.1.3 under /usr/bin/python3), and both
 * dictionaries must be equal. Skipped when that xpra module is not installed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseSessionFile, readerValues } from '../../../src/session-file';

const PYTHON = '/usr/bin/python3';
const READ_ALL = `
import json, sys
from xpra.scripts.config import read_config
print(json.dumps([read_config(name) for name in sys.argv[1:]]))
`;

const CASES: Record<string, string> = {
  'byte-order mark and CRLF': '\ufeffhost=example.com\r\nmode=ssl\r\nport=10000\r\n',
  'spaces around equals': '  key \t=\t value  \nother=  x = y \n',
  'inline comment kept': 'port=10000 # the port\ntitle=a ; b\n',
  'comment lines': '# one\n  ! two\n; three\n; host=x\nkey=1\n',
  'continuation with comment between': 'title=first \\\n# dropped\n\n  second\nport=1\n',
  'continuation at the end': 'port=1\nlast=2\\\n',
  'repeated keys': 'env=A=1\nenv=B=2\nenv=C\nmode=ssl\nmode=tcp\n',
  'empty first value replaced': 'host=\nhost=b\nuser=a\nuser=\n',
  'lines without a key': '=value\nnoequals\nkey: value\nkey=ok\n',
  'lone CR and NBSP': 'a=1\rb=2\r\u00a0c=3\u00a0\n',
  'case-sensitive keys': 'Host=a\nhost=b\nHOST=c\n',
  'backslash inside a value': 'path=C:\\dir\\file\nnext=1\n',
};

function xpraAvailable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import xpra.scripts.config'], { stdio: 'ignore' }).status === 0;
}

describe(
  'parser against xpra read_config',
  { skip: !xpraAvailable() && 'xpra is not installed for /usr/bin/python3' },
  () => {
    it('builds the same dictionary', () => {
      const folder = mkdtempSync(path.join(tmpdir(), 'xpra-reader-test-'));
      try {
        const files = Object.entries(CASES).map(([name, text], index) => {
          const file = path.join(folder, `case${index}.xpra`);
          writeFileSync(file, text, 'utf8');
          return { name, text, file };
        });
        const result = spawnSync(PYTHON, ['-c', READ_ALL, ...files.map((item) => item.file)], {
          encoding: 'utf8',
          env: { ...process.env, LC_ALL: 'C.UTF-8' },
        });
        assert.equal(result.status, 0, result.stderr);
        const expected = JSON.parse(result.stdout) as Array<Record<string, string | string[]>>;
        files.forEach((item, index) => {
          const actual = Object.fromEntries(readerValues(parseSessionFile(item.text)));
          assert.deepEqual(actual, expected[index], item.name);
        });
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });
  },
);
