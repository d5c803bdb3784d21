import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  nodeFileSystem,
  validateSessionFile,
  validateSessionFileBytes,
  type Diagnostic,
  type ValidateOptions,
} from '../../../src/session-file';
import { caDataForms, makeTestCertificates, type TestCertificates } from './certificates';

const SSL = 'mode=ssl\nhost=localhost\nport=10000\n';

/** `SEVERITY CODE L:C-L:C`, zero-based, for the diagnostics with one of `codes`. */
function summarise(diagnostics: Diagnostic[], codes: Set<string>): string[] {
  return diagnostics
    .filter((diagnostic) => codes.has(diagnostic.code))
    .map(
      ({ severity, code, range: { start, end } }) =>
        `${severity} ${code} ${start.line}:${start.character}-${end.line}:${end.character}`,
    )
    .sort();
}

interface Case {
  name: string;
  text: string;
  options?: ValidateOptions;
  /** `SEVERITY CODE L:C-L:C`; other codes in the output are not checked. */
  expect: string[];
  /** Codes that must not appear at all. */
  absent?: string[];
}

function runCases(cases: Case[] | (() => Case[])): void {
  it('runs every case', () => {
    for (const testCase of typeof cases === 'function' ? cases() : cases) {
      const diagnostics = validateSessionFile(testCase.text, testCase.options);
      const codes = new Set([
        ...testCase.expect.map((line) => line.split(' ')[1]),
        ...(testCase.absent ?? []),
      ]);
      assert.deepEqual(
        summarise(diagnostics, codes),
        [...testCase.expect].sort(),
        `${testCase.name}:\n${diagnostics.map((d) => `  ${d.code}: ${d.message}`).join('\n')}`,
      );
    }
  });
}

describe('validator: clean files', () => {
  it('reports nothing for a plain TLS file', () => {
    assert.deepEqual(validateSessionFile(SSL), []);
  });

  it('reports nothing for an ssh file', () => {
    assert.deepEqual(validateSessionFile('mode=ssh\nhost=alice@example.com\nssh_port=2222\n'), []);
  });
});

describe('validator: syntax', () => {
  runCases([
    {
      name: 'byte-order mark',
      text: '\ufeffhost=localhost\nmode=ssl\nport=1\n',
      expect: ['error byte-order-mark 0:0-0:1'],
    },
    {
      name: 'byte-order mark from the editor',
      text: 'host=localhost\nmode=ssl\nport=1\n',
      options: { byteOrderMark: true },
      expect: ['error byte-order-mark 0:0-0:0', 'error host-missing 0:0-0:4'],
    },
    { name: 'non-ASCII', text: `${SSL}title=café\n`, expect: ['warning non-ascii 3:9-3:10'] },
    {
      name: 'semicolon line',
      text: `${SSL}; note\n`,
      expect: ['warning semicolon-comment 3:0-3:6'],
    },
    {
      name: 'semicolon key',
      text: `${SSL}; host=x\n`,
      expect: ['warning semicolon-comment 3:0-3:8'],
      absent: ['unknown-key'],
    },
    { name: 'leading equals', text: `${SSL}=value\n`, expect: ['warning missing-key 3:0-3:6'] },
    { name: 'missing equals', text: `${SSL}junk\n`, expect: ['warning missing-equals 3:0-3:4'] },
    {
      name: 'continuation',
      text: `${SSL}title=a\\\nb\n`,
      expect: ['warning continuation-line 3:0-4:1'],
    },
    {
      name: 'continuation in a path',
      text: `${SSL}ssl-cert=/etc/\\\nc.pem\n`,
      expect: ['error continuation-line 3:0-4:5'],
    },
    {
      name: 'dangling continuation',
      text: `${SSL}title=a\\\n`,
      expect: ['warning continuation-line 3:7-3:8'],
    },
    {
      name: 'inline comment in a number',
      text: `${SSL}quality=50 # x\n`,
      expect: ['error inline-comment 3:11-3:14', 'error invalid-integer 3:8-3:14'],
    },
    {
      name: 'inline comment in text',
      text: `${SSL}title=x # y\n`,
      expect: ['warning inline-comment 3:8-3:11'],
    },
    {
      name: 'quoted path',
      text: `${SSL}ssl-ca-certs="/etc/ca.pem"\n`,
      expect: ['error quoted-value 3:13-3:26', 'warning ca-certs-relative 3:13-3:26'],
    },
    { name: 'quoted text', text: `${SSL}title="x"\n`, expect: ['warning quoted-value 3:6-3:9'] },
  ]);

  it('reports a hidden BOM like the file', () => {
    const text = 'host=localhost\nmode=ssl\nport=1\n';
    const fromEditor = validateSessionFile(text, { byteOrderMark: true });
    const fromFile = validateSessionFileBytes(Buffer.from(`\ufeff${text}`));
    assert.deepEqual(
      fromEditor.map((item) => item.code),
      fromFile.map((item) => item.code),
    );
    assert.equal(fromEditor[0].fixes, undefined);
  });

  it('reports bytes that are not UTF-8', () => {
    const bytes = Buffer.concat([
      Buffer.from(`${SSL}title=`),
      Buffer.from([0xff, 0x41]),
      Buffer.from('\n'),
    ]);
    assert.deepEqual(
      summarise(validateSessionFileBytes(bytes), new Set(['invalid-utf8', 'non-ascii'])),
      ['error invalid-utf8 3:6-3:7'],
    );
  });
});

describe('validator: keys', () => {
  runCases([
    {
      name: 'daemon',
      text: `${SSL}daemon=no\n`,
      expect: ['warning not-allowed-in-file 3:0-3:6', 'info server-option 3:0-3:6'],
    },
    {
      name: 'newer key for any',
      text: `${SSL}path=/xpra\n`,
      expect: ['warning key-version 3:0-3:4'],
    },
    {
      name: 'newer key for 3.1',
      text: `${SSL}path=/xpra\n`,
      options: { xpraVersion: '3.1' },
      expect: ['error key-version 3:0-3:4'],
    },
    {
      name: 'newer key for 6.5',
      text: `${SSL}path=/xpra\n`,
      options: { xpraVersion: '6.5' },
      expect: [],
      absent: ['key-version'],
    },
    {
      name: 'removed key',
      text: `${SSL}global-menus=yes\n`,
      options: { xpraVersion: '6.5' },
      expect: ['error key-version 3:0-3:12'],
    },
    {
      name: 'server option',
      text: `${SSL}bind-tcp=0.0.0.0:10000\n`,
      expect: ['info server-option 3:0-3:8'],
    },
    { name: 'ssl=on', text: `${SSL}ssl=on\n`, expect: ['info server-option 3:0-3:3'] },
    { name: 'unknown key', text: `${SSL}zzzzqqq=1\n`, expect: ['warning unknown-key 3:0-3:7'] },
    {
      name: 'typo of a session key',
      text: `${SSL}usrname=bob\n`,
      expect: ['error unknown-key 3:0-3:7'],
    },
    {
      name: 'typo of another key',
      text: `${SSL}compresion_level=3\n`,
      expect: ['warning unknown-key 3:0-3:16'],
    },
    {
      name: 'separator',
      text: `${SSL}ssl_ca_data=00\n`,
      expect: ['error misspelled-key 3:0-3:11'],
    },
    { name: 'case', text: `${SSL}PORT=1\n`, expect: ['error misspelled-key 3:0-3:4'] },
    {
      name: 'plural',
      text: `${SSL}ssl-ca-cert=/etc/ca.pem\n`,
      expect: ['error misspelled-key 3:0-3:11'],
    },
    {
      name: 'repeated string',
      text: `${SSL}title=a\ntitle=b\n`,
      expect: ['error duplicate-key 4:0-4:5'],
    },
    {
      name: 'repeated boolean',
      text: `${SSL}autoconnect=yes\nautoconnect=yes\n`,
      expect: ['error duplicate-key 4:0-4:11'],
    },
    {
      name: 'repeated list',
      text: `${SSL}env=A=1\nenv=B=2\n`,
      expect: ['info duplicate-key 4:0-4:3'],
    },
    {
      name: 'repeated after empty',
      text: `${SSL}username=\nusername=bob\n`,
      expect: ['info duplicate-key 4:0-4:8'],
    },
  ]);

  it('offers the corrected key', () => {
    const [diagnostic] = validateSessionFile(`${SSL}ssh-port=22\n`).filter(
      (item) => item.code === 'misspelled-key',
    );
    assert.equal(diagnostic.fixes?.[0].edits[0].newText, 'ssh_port');
  });

  it('names the versions that ignore a key', () => {
    const [diagnostic] = validateSessionFile(`${SSL}path=/xpra\n`).filter(
      (item) => item.code === 'key-version',
    );
    assert.match(diagnostic.message, /xpra 3\.1 to 6\.2 \(added in 6\.3\)/);
  });
});

describe('validator: values', () => {
  runCases([
    {
      name: 'invalid boolean',
      text: `${SSL}ssl-check-hostname=maybe\n`,
      expect: ['error invalid-boolean 3:19-3:24'],
    },
    {
      name: 'empty boolean',
      text: `${SSL}ssl-check-hostname=\n`,
      expect: ['error invalid-boolean 3:19-3:19'],
    },
    {
      name: 'boolean that became text',
      text: `${SSL}sharing=\n`,
      expect: ['warning invalid-boolean 3:8-3:8'],
    },
    {
      name: 'integer boolean',
      text: `${SSL}autoconnect=2\n`,
      expect: ['warning boolean-integer 3:12-3:13'],
    },
    {
      name: 'Python boolean',
      text: `${SSL}autoconnect=True\n`,
      expect: [],
      absent: ['invalid-boolean', 'boolean-integer'],
    },
    {
      name: 'hex integer',
      text: `${SSL}quality=0x10\n`,
      expect: ['error invalid-integer 3:8-3:12'],
    },
    {
      name: 'underscore integer',
      text: `${SSL}quality=1_0\n`,
      expect: [],
      absent: ['invalid-integer'],
    },
    {
      name: 'invalid float',
      text: `${SSL}auto-refresh-delay=fast\n`,
      expect: ['error invalid-float 3:19-3:23'],
    },
    {
      name: 'nan float',
      text: `${SSL}auto-refresh-delay=nan\n`,
      expect: ['warning invalid-float 3:19-3:22'],
    },
    {
      name: 'enum warning',
      text: `${SSL}window-close=forwrad\n`,
      expect: ['warning invalid-value 3:13-3:20'],
    },
    {
      name: 'enum error',
      text: `${SSL}clipboard-direction=toserver\n`,
      expect: ['error invalid-value 3:20-3:28'],
    },
    {
      name: 'verify mode case',
      text: `${SSL}ssl-server-verify-mode=REQUIRED\n`,
      expect: [],
      absent: ['invalid-value'],
    },
    {
      name: 'list item',
      text: `${SSL}compressors=lz5\n`,
      expect: ['warning invalid-value 3:12-3:15'],
    },
    {
      name: 'quality range',
      text: `${SSL}quality=150\n`,
      expect: ['warning value-out-of-range 3:8-3:11'],
    },
    { name: 'dpi range', text: `${SSL}dpi=5\n`, expect: ['warning value-out-of-range 3:4-3:5'] },
    {
      name: 'pixel depth',
      text: `${SSL}pixel-depth=12\n`,
      expect: ['warning value-out-of-range 3:12-3:14'],
    },
    { name: 'size', text: `${SSL}min-size=800*600\n`, expect: ['error invalid-size 3:9-3:16'] },
    {
      name: 'encodings list',
      text: `${SSL}encodings=png,jpeg\n`,
      expect: ['error comma-list 3:10-3:18'],
    },
    {
      name: 'encodings all',
      text: `${SSL}encodings=all\n`,
      expect: ['error comma-list 3:10-3:13'],
    },
    {
      name: 'compressors list',
      text: `${SSL}compressors=lz4,zlib\n`,
      expect: ['warning comma-list 3:12-3:20'],
    },
    {
      name: 'empty cipher list',
      text: `${SSL}ssl-ciphers=\n`,
      expect: ['error empty-value 3:0-3:12'],
    },
    {
      name: 'empty protocol',
      text: `${SSL}ssl-protocol=\n`,
      expect: ['error empty-value 3:13-3:13'],
    },
    {
      name: 'size string for any',
      text: `${SSL}file-size-limit=1G\n`,
      expect: ['warning invalid-integer 3:16-3:18'],
    },
    {
      name: 'size string for 3.1',
      text: `${SSL}file-size-limit=1G\n`,
      options: { xpraVersion: '3.1' },
      expect: ['error invalid-integer 3:16-3:18'],
    },
    {
      name: 'size string for 6.5',
      text: `${SSL}file-size-limit=1G\n`,
      options: { xpraVersion: '6.5' },
      expect: [],
      absent: ['invalid-integer'],
    },
  ]);

  it('splits a comma list into lines', () => {
    const [diagnostic] = validateSessionFile(`${SSL}encodings=png,jpeg\n`).filter(
      (item) => item.code === 'comma-list',
    );
    assert.equal(diagnostic.fixes?.[0].edits[0].newText, 'encodings=png\nencodings=jpeg');
  });
});

describe('validator: connection', () => {
  runCases([
    {
      name: 'mode missing',
      text: 'host=example.com\nport=1\n',
      expect: ['warning mode-missing 0:0-0:4'],
    },
    {
      name: 'mode case',
      text: 'mode=SSL\nhost=localhost\nport=1\n',
      expect: ['error invalid-mode 0:5-0:8'],
    },
    {
      name: 'mode quic for any',
      text: 'mode=quic\nhost=localhost\nport=1\n',
      expect: ['warning mode-version 0:5-0:9'],
    },
    {
      name: 'mode quic for 3.1',
      text: 'mode=quic\nhost=localhost\nport=1\n',
      options: { xpraVersion: '3.1' },
      expect: ['error invalid-mode 0:5-0:9'],
    },
    {
      name: 'mode quic for 6.5',
      text: 'mode=quic\nhost=localhost\nport=1\n',
      options: { xpraVersion: '6.5' },
      expect: [],
      absent: ['mode-version', 'invalid-mode'],
    },
    {
      name: 'old AES mode for 6.5',
      text: 'mode=tcp + aes\nhost=localhost\nport=1\npassword-file=/p\n',
      options: { xpraVersion: '6.5' },
      expect: ['error invalid-mode 0:5-0:14'],
    },
    {
      name: 'plain tcp',
      text: 'mode=tcp\nhost=example.com\nport=1\n',
      expect: ['warning unencrypted 0:5-0:8'],
    },
    {
      name: 'plain tcp on loopback',
      text: 'mode=tcp\nhost=127.0.0.1\nport=1\n',
      expect: [],
      absent: ['unencrypted'],
    },
    { name: 'host missing', text: 'mode=ssl\nport=1\n', expect: ['error host-missing 0:0-0:4'] },
    {
      name: 'host empty',
      text: 'mode=ssl\nhost=\nport=1\n',
      expect: ['error host-missing 1:5-1:5'],
    },
    {
      name: 'host with user',
      text: 'mode=ssl\nhost=alice@example.com\nport=1\n',
      expect: ['error host-format 1:5-1:22'],
    },
    {
      name: 'host with port',
      text: 'mode=ssl\nhost=example.com:10000\nport=1\n',
      expect: ['error host-format 1:5-1:22'],
    },
    {
      name: 'host in brackets',
      text: 'mode=ssl\nhost=[::1]\nport=1\n',
      expect: ['error host-format 1:5-1:10'],
    },
    {
      name: 'IPv6 host',
      text: 'mode=ssl\nhost=2001:db8::1\nport=1\n',
      expect: [],
      absent: ['host-format'],
    },
    {
      name: 'port not a number',
      text: 'mode=ssl\nhost=localhost\nport=abc\n',
      expect: ['error invalid-port 2:5-2:8'],
    },
    {
      name: 'port zero',
      text: 'mode=ssl\nhost=localhost\nport=0\n',
      expect: ['error port-out-of-range 2:5-2:6'],
    },
    {
      name: 'port too high',
      text: 'mode=ssl\nhost=localhost\nport=70000\n',
      expect: ['error port-out-of-range 2:5-2:10'],
    },
    {
      name: 'port missing',
      text: 'mode=ssl\nhost=localhost\n',
      expect: ['error port-missing 1:0-1:4'],
    },
    {
      name: 'ssh display',
      text: 'mode=ssh\nhost=h\nport=10\n',
      expect: ['info port-is-display 2:0-2:4'],
    },
    {
      name: 'ssh port range',
      text: 'mode=ssh\nhost=h\nssh_port=70000\n',
      expect: ['error port-out-of-range 2:9-2:14'],
    },
    {
      name: 'proxy keys',
      text: 'mode=ssh\nhost=h\nproxy_host=j\n',
      expect: ['warning proxy-ignored 2:0-2:10'],
    },
    {
      name: 'proxy keys for a jump',
      text: 'mode=ssh -> ssh\nhost=h\nproxy_host=j\n',
      expect: [],
      absent: ['proxy-ignored'],
    },
    {
      name: 'password',
      text: `${SSL}password=secret\n`,
      expect: ['warning clear-text-password 3:9-3:15'],
    },
    {
      name: 'empty password',
      text: `${SSL}password=\n`,
      expect: [],
      absent: ['clear-text-password'],
    },
    {
      name: 'proxy password',
      text: 'mode=ssh -> ssh\nhost=h\nproxy_password=p\n',
      expect: ['warning clear-text-password 2:15-2:16'],
    },
    {
      name: 'both passwords',
      text: `${SSL}password=x\npassword-file=/p\n`,
      expect: ['info password-and-password-file 4:0-4:13'],
    },
    { name: 'display', text: `${SSL}display=ten\n`, expect: ['warning display-format 3:8-3:11'] },
    { name: 'display number', text: `${SSL}display=:10\n`, expect: [], absent: ['display-format'] },
    {
      name: 'AES without key',
      text: 'mode=tcp + aes\nhost=localhost\nport=1\n',
      expect: ['error encryption-without-key 0:0-0:14'],
    },
    {
      name: 'AES with key file',
      text: 'mode=tcp + aes\nhost=localhost\nport=1\nencryption-keyfile=/k\n',
      expect: [],
      absent: ['encryption-without-key'],
    },
    {
      name: 'autoconnect with errors',
      text: 'mode=ssl\nhost=localhost\nport=0\nautoconnect=yes\n',
      expect: ['error autoconnect-with-errors 3:0-3:15'],
    },
    {
      name: 'autoconnect clean',
      text: `${SSL}autoconnect=yes\n`,
      expect: [],
      absent: ['autoconnect-with-errors'],
    },
  ]);

  it('moves the password to secret storage', () => {
    const [diagnostic] = validateSessionFile(`${SSL}password=secret\n`).filter(
      (item) => item.code === 'clear-text-password',
    );
    const fix = diagnostic.fixes?.[0];
    assert.deepEqual(fix?.action, {
      kind: 'move-password-to-secrets',
      key: 'password',
      value: 'secret',
    });
    assert.deepEqual(fix?.edits[0].range, {
      start: { line: 3, character: 0 },
      end: { line: 4, character: 0 },
    });
  });
});

describe('validator: ssl options', () => {
  let folder: string;
  before(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'xpra-session-test-'));
    writeFileSync(
      path.join(folder, 'ca.pem'),
      '-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n',
    );
    writeFileSync(path.join(folder, 'ca.der'), Buffer.from([0x30, 0x82, 0x01, 0x00]));
    writeFileSync(
      path.join(folder, 'client.pem'),
      '-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n',
    );
    mkdirSync(path.join(folder, 'certs'));
    writeFileSync(
      path.join(folder, 'encrypted.key'),
      '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMII\n-----END ENCRYPTED PRIVATE KEY-----\n',
    );
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  runCases([
    {
      name: 'ssl option in tcp mode',
      text: 'mode=tcp\nhost=localhost\nport=1\nssl-server-hostname=x\n',
      expect: ['warning ssl-option-ignored 3:0-3:19'],
    },
    {
      name: 'verify none',
      text: `${SSL}ssl-server-verify-mode=none\nssl-ca-certs=/etc/ca.pem\n`,
      expect: ['warning verify-none 3:23-3:27', 'warning verify-none-with-ca 4:0-4:12'],
    },
    {
      name: 'TLS_CLIENT with verify none',
      text: `${SSL}ssl-server-verify-mode=none\nssl-protocol=TLS_CLIENT\n`,
      expect: ['error protocol-verify-none 4:13-4:23'],
    },
    {
      name: 'TLSv1_3',
      text: `${SSL}ssl-protocol=TLSv1_3\n`,
      expect: ['error invalid-protocol 3:13-3:20'],
    },
    {
      name: 'TLS_SERVER',
      text: `${SSL}ssl-protocol=TLS_SERVER\n`,
      expect: ['error invalid-protocol 3:13-3:23'],
    },
    {
      name: 'lower-case protocol',
      text: `${SSL}ssl-protocol=tlsv1_2\n`,
      expect: [],
      absent: ['invalid-protocol'],
    },
    {
      name: 'obsolete protocol',
      text: `${SSL}ssl-protocol=TLSv1\n`,
      expect: ['warning obsolete-protocol 3:13-3:18'],
    },
    {
      name: 'unknown verify flag',
      text: `${SSL}ssl-verify-flags=X509_STRICT,BOGUS\n`,
      expect: ['error invalid-ssl-item 3:29-3:34'],
    },
    {
      name: 'unknown ssl option',
      text: `${SSL}ssl-options=ALL, NO_COMPRESION\n`,
      expect: ['error invalid-ssl-item 3:17-3:30'],
    },
    {
      name: 'CRL flag',
      text: `${SSL}ssl-verify-flags=X509_STRICT,CRL_CHECK_LEAF\n`,
      expect: ['warning crl-flag 3:17-3:43'],
    },
    {
      name: 'strict checks off',
      text: `${SSL}ssl-verify-flags=DEFAULT\n`,
      expect: ['info strict-checks-off 3:17-3:24'],
    },
    {
      name: 'hostname check off',
      text: `${SSL}ssl-check-hostname=no\n`,
      expect: ['warning hostname-check-off 3:19-3:21'],
    },
    {
      name: 'tilde',
      text: `${SSL}ssl-ca-certs=~/ca.pem\n`,
      options: { homeDirectory: '/home/alice' },
      expect: ['error ca-certs-unexpanded 3:13-3:21'],
    },
    {
      name: 'variable',
      text: `${SSL}ssl-ca-certs=$HOME/ca.pem\n`,
      expect: ['error ca-certs-unexpanded 3:13-3:25'],
    },
    {
      name: 'relative',
      text: `${SSL}ssl-ca-certs=ca.pem\n`,
      expect: ['warning ca-certs-relative 3:13-3:19'],
    },
    {
      name: 'key without certificate',
      text: `${SSL}ssl-key=/k.pem\n`,
      expect: ['warning key-without-cert 3:0-3:7'],
    },
    {
      name: 'launcher ignores ssl options for any',
      text: `${SSL}ssl-server-hostname=localhost\n`,
      expect: ['warning ssl-options-ignored-by-launcher 3:0-3:19'],
    },
    {
      name: 'launcher ignores ssl options in 6.1',
      text: `${SSL}ssl-server-hostname=localhost\n`,
      options: { xpraVersion: '6.1' },
      expect: ['error ssl-options-ignored-by-launcher 3:0-3:19'],
    },
    {
      name: 'launcher reads ssl options in 6.3',
      text: `${SSL}ssl-server-hostname=localhost\n`,
      options: { xpraVersion: '6.3' },
      expect: [],
      absent: ['ssl-options-ignored-by-launcher'],
    },
    {
      name: 'unknown ciphers',
      text: `${SSL}ssl-ciphers=BOGUS\n`,
      expect: ['error invalid-ciphers 3:12-3:17'],
    },
    {
      name: 'known ciphers',
      text: `${SSL}ssl-ciphers=HIGH:!aNULL\n`,
      expect: [],
      absent: ['invalid-ciphers'],
    },
    {
      name: 'IP host',
      text: 'mode=ssl\nhost=127.0.0.1\nport=1\n',
      expect: ['info ip-host 1:5-1:14'],
    },
  ]);

  it('checks the files that are named', () => {
    const options = { fileSystem: nodeFileSystem };
    const cases: Array<[string, string]> = [
      [`ssl-ca-certs=${folder}/missing.pem`, 'error ca-certs-missing'],
      [`ssl-ca-certs=${folder}/ca.der`, 'error ca-certs-not-pem'],
      [`ssl-ca-certs=${folder}/certs`, 'warning ca-certs-directory'],
      [`ssl-cert=${folder}/client.pem`, 'warning cert-without-key'],
      [`ssl-cert=${folder}/client.pem\nssl-key=${folder}/encrypted.key`, 'warning encrypted-key'],
    ];
    for (const [line, expected] of cases) {
      const codes = new Set([
        'encrypted-key',
        'ca-certs-missing',
        'ca-certs-not-pem',
        'ca-certs-directory',
        'cert-without-key',
      ]);
      const found = validateSessionFile(`${SSL}${line}\n`, options)
        .filter((item) => codes.has(item.code))
        .map((item) => `${item.severity} ${item.code}`);
      assert.deepEqual(found, [expected], line);
    }
    const good = validateSessionFile(`${SSL}ssl-ca-certs=${folder}/ca.pem\n`, options).filter(
      (item) => item.code.startsWith('ca-certs'),
    );
    assert.deepEqual(good, []);
  });

  it('offers the home directory for a tilde', () => {
    const [diagnostic] = validateSessionFile(`${SSL}ssl-ca-certs=~/ca.pem\n`, {
      homeDirectory: '/home/alice',
    }).filter((item) => item.code === 'ca-certs-unexpanded');
    assert.deepEqual(diagnostic.fixes?.[0].edits[0], {
      range: { start: { line: 3, character: 13 }, end: { line: 3, character: 14 } },
      newText: '/home/alice',
    });
  });

  it('offers required for verify none', () => {
    const [diagnostic] = validateSessionFile(`${SSL}ssl-server-verify-mode=none\n`).filter(
      (item) => item.code === 'verify-none',
    );
    assert.equal(diagnostic.fixes?.[0].edits[0].newText, 'required');
  });
});

describe('validator: ssl-ca-data', () => {
  let certificates: TestCertificates;
  before(async () => {
    certificates = await makeTestCertificates();
  });

  const line = (value: string) => `${SSL}ssl-ca-data=${value}\n`;
  const end = (value: string) => 12 + value.length;

  runCases([
    { name: 'whitespace', text: line('2d2d 2d2d'), expect: ['error ca-data-whitespace 3:16-3:17'] },
    { name: 'backslash', text: line('2d2d\\x'), expect: ['error ca-data-whitespace 3:16-3:17'] },
    {
      name: 'odd length',
      text: line('2d2d2d2d2d2d2d2d2'),
      expect: ['error ca-data-odd-length 3:12-3:29'],
    },
    {
      name: 'bad hex digit',
      text: line('2d2d2d2d2d2d2d2g'),
      expect: ['error ca-data-invalid 3:27-3:28'],
    },
    {
      name: 'not a certificate',
      text: line(Buffer.from('hello world').toString('hex')),
      expect: [
        `error ca-data-not-certificate 3:12-3:${end(Buffer.from('hello world').toString('hex'))}`,
      ],
    },
  ]);

  runCases(() => {
    const strict = caDataForms(certificates.strictCa);
    const range = (value: string) => `3:12-3:${end(value)}`;
    const withKey = Buffer.from(certificates.strictCa.pem + certificates.strictCa.keyPem).toString(
      'hex',
    );
    return [
      {
        name: 'hex of PEM for any',
        text: line(strict.hexPem),
        expect: [
          `warning ca-data-version ${range(strict.hexPem)}`,
          'info ca-data-adds-trust 3:0-3:11',
        ],
      },
      {
        name: 'hex of PEM for 3.1',
        text: line(strict.hexPem),
        options: { xpraVersion: '3.1' },
        expect: [],
        absent: ['ca-data-version'],
      },
      {
        name: 'hex of PEM for 6.0',
        text: line(strict.hexPem),
        options: { xpraVersion: '6.0' },
        expect: [],
        absent: ['ca-data-version'],
      },
      {
        name: 'hex of PEM for 6.1',
        text: line(strict.hexPem),
        options: { xpraVersion: '6.1' },
        expect: [`error ca-data-version ${range(strict.hexPem)}`],
      },
      {
        name: 'hex of DER for 6.5',
        text: line(strict.hexDer),
        options: { xpraVersion: '6.5' },
        expect: [],
        absent: ['ca-data-version'],
      },
      {
        name: 'hex of DER for 3.1',
        text: line(strict.hexDer),
        options: { xpraVersion: '3.1' },
        expect: [`error ca-data-version ${range(strict.hexDer)}`],
      },
      {
        name: 'base64 of PEM for 3.1',
        text: line(strict.base64Pem),
        options: { xpraVersion: '3.1' },
        expect: [],
        absent: ['ca-data-version'],
      },
      {
        name: 'base64 prefix for 3.1',
        text: line(`base64:${strict.base64Pem}`),
        options: { xpraVersion: '3.1' },
        expect: [`error ca-data-version ${range(`base64:${strict.base64Pem}`)}`],
      },
      {
        name: 'base64 prefix for 5.0',
        text: line(`base64:${strict.base64Pem}`),
        options: { xpraVersion: '5.0' },
        expect: [],
        absent: ['ca-data-version'],
      },
      {
        name: 'b64 prefix of DER for 6.2',
        text: line(`b64:${strict.base64Der}`),
        options: { xpraVersion: '6.2' },
        expect: [],
        absent: ['ca-data-version'],
      },
      {
        name: '0x prefix of DER for 6.3',
        text: line(`0x${strict.hexDer}`),
        options: { xpraVersion: '6.3' },
        expect: [],
        absent: ['ca-data-version'],
      },
      {
        name: 'private key',
        text: line(withKey),
        options: { xpraVersion: '3.1' },
        expect: [`error ca-data-private-key ${range(withKey)}`],
      },
      {
        name: 'strict CA',
        text: line(strict.hexPem),
        expect: [],
        absent: ['ca-lax', 'ca-not-ca', 'ca-expired', 'ca-weak', 'ca-expiring'],
      },
      {
        name: 'expired CA',
        text: line(caDataForms(certificates.expiredCa).hexPem),
        expect: [`error ca-expired ${range(caDataForms(certificates.expiredCa).hexPem)}`],
      },
      {
        name: 'future CA',
        text: line(caDataForms(certificates.futureCa).hexPem),
        expect: [`error ca-not-yet-valid ${range(caDataForms(certificates.futureCa).hexPem)}`],
      },
      {
        name: 'expiring CA',
        text: line(caDataForms(certificates.expiringCa).hexPem),
        expect: [`warning ca-expiring ${range(caDataForms(certificates.expiringCa).hexPem)}`],
      },
      {
        name: 'lax CA',
        text: line(caDataForms(certificates.laxCa).hexPem),
        expect: [`error ca-lax ${range(caDataForms(certificates.laxCa).hexPem)}`],
      },
      {
        name: 'CA without key usage',
        text: line(caDataForms(certificates.noKeyUsageCa).hexPem),
        expect: [`error ca-lax ${range(caDataForms(certificates.noKeyUsageCa).hexPem)}`],
      },
      {
        name: 'lax CA without strict checks',
        text: `${SSL}ssl-verify-flags=DEFAULT\nssl-ca-data=${caDataForms(certificates.laxCa).hexPem}\n`,
        expect: [`warning ca-lax 4:12-4:${end(caDataForms(certificates.laxCa).hexPem)}`],
      },
      {
        name: 'SHA-1 CA',
        text: line(caDataForms(certificates.sha1Ca).hexPem),
        expect: [`warning ca-weak ${range(caDataForms(certificates.sha1Ca).hexPem)}`],
      },
      {
        name: 'leaf for its host',
        text: line(caDataForms(certificates.leaf).hexPem),
        expect: [`warning ca-not-ca ${range(caDataForms(certificates.leaf).hexPem)}`],
        absent: ['ca-hostname'],
      },
      {
        name: 'leaf for another host',
        text: `mode=ssl\nhost=example.com\nport=1\nssl-ca-data=${caDataForms(certificates.leaf).hexPem}\n`,
        expect: [`error ca-hostname ${range(caDataForms(certificates.leaf).hexPem)}`],
      },
      {
        name: 'both trust settings',
        text: `${SSL}ssl-ca-certs=/etc/ca.pem\nssl-ca-data=${strict.hexPem}\n`,
        expect: ['info ca-data-with-ca-certs 4:0-4:11'],
      },
    ];
  });

  it('names the encoding and the rejecting versions', () => {
    const value = caDataForms(certificates.strictCa).hexPem;
    const [diagnostic] = validateSessionFile(line(value)).filter(
      (item) => item.code === 'ca-data-version',
    );
    assert.match(diagnostic.message, /hex of PEM/);
    assert.match(diagnostic.message, /xpra 6\.1 to 6\.5/);
  });
});

describe('validator: hostile input', () => {
  /** A small deterministic generator, so a failure can be replayed. */
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
  }

  it('never throws on random bytes', () => {
    const next = random(7);
    for (let round = 0; round < 200; round++) {
      const bytes = Buffer.from(
        Array.from({ length: Math.floor(next() * 400) }, () => Math.floor(next() * 256)),
      );
      assert.ok(Array.isArray(validateSessionFileBytes(bytes)));
    }
  });

  it('never throws on random key=value lines', () => {
    const next = random(11);
    const pieces = [
      'mode',
      'ssl',
      'ssl-ca-data',
      '=',
      '\\',
      '#',
      ';',
      ' ',
      '\n',
      '\r\n',
      '0x',
      'b64:',
      '2d',
      'ZZ',
      '\ufeff',
      'port',
      '70000',
      'yes',
      '~',
      'host',
      ':',
      '@',
      '[',
      ']',
    ];
    for (let round = 0; round < 300; round++) {
      const text = Array.from(
        { length: Math.floor(next() * 60) },
        () => pieces[Math.floor(next() * pieces.length)],
      ).join('');
      for (const xpraVersion of ['any', '3.1', '6.5']) {
        assert.ok(
          Array.isArray(validateSessionFile(text, { xpraVersion, byteOrderMark: next() < 0.2 })),
        );
      }
    }
  });

  it('handles a very long ssl-ca-data value', () => {
    const value = 'ab'.repeat(500_000);
    const started = Date.now();
    const diagnostics = validateSessionFile(`${SSL}ssl-ca-data=${value}\n`);
    assert.ok(diagnostics.some((item) => item.code === 'ca-data-not-certificate'));
    // A guard against a hang or a quadratic step, not a speed target.
    assert.ok(Date.now() - started < 10_000);
  });
});
