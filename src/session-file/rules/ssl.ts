/** Rules about TLS: the ssl-* options and the trust settings. */
import { createSecureContext } from 'node:tls';
import { isIpAddress, type ValidationContext } from '../context';
import { valueSubrange, type Entry } from '../parser';
import { compareVersions, formatVersions, getOption } from '../schema';
import { suggest } from '../suggest';
import { checkCaData } from './ca-data';

/** `ssl-protocol` names after xpra's upper-casing and V rewrite (Python 3.11, OpenSSL 3.0). */
const PROTOCOLS = ['TLSv1_2', 'TLS', 'SSLv23', 'TLS_CLIENT', 'TLSv1', 'TLSv1_1'];
const VERIFY_FLAGS = [
  'X509_STRICT',
  'DEFAULT',
  'CRL_CHECK_LEAF',
  'CRL_CHECK_CHAIN',
  'X509_TRUSTED_FIRST',
  'X509_PARTIAL_CHAIN',
  'ALLOW_PROXY_CERTS',
];

export function checkSsl(context: ValidationContext): void {
  checkSslWithoutTls(context);
  checkLauncherIgnoresSsl(context);
  checkVerifyMode(context);
  checkProtocol(context);
  checkCommaItems(context, 'ssl-options', getOption('ssl-options')?.allowedValues ?? []);
  checkCommaItems(context, 'ssl-verify-flags', VERIFY_FLAGS);
  checkVerifyFlags(context);
  checkHostnameCheck(context);
  checkCaCerts(context);
  checkClientCertificate(context);
  checkEncryptedKey(context);
  checkCiphers(context);
  for (const entry of context.entries('ssl-ca-data')) {
    checkCaData(context, entry);
  }
}

function checkSslWithoutTls(context: ValidationContext): void {
  if (context.isTlsMode()) {
    return;
  }
  for (const entry of context.parsed.entries) {
    const option = getOption(entry.key);
    if (
      entry.key.startsWith('ssl-') &&
      option &&
      option.scope !== 'server' &&
      entry.key !== 'ssl-client-verify-mode'
    ) {
      context.add(
        entry.keyRange,
        'warning',
        'ssl-option-ignored',
        `'${entry.key}' is ignored unless mode is ssl or wss (mode is ${context.mode}).`,
      );
    }
  }
}

/**
 * The launchers of xpra 4.4, 5.0 and 6.0 to 6.2 do not pass a session file's ssl-* options to
 * the connection (5.1 and 6.3 fixed it), so TLS then fails for want of a certificate.
 */
const LAUNCHER_IGNORES_SSL = new Set(['4.4', '5.0', '6.0', '6.1', '6.2']);

function checkLauncherIgnoresSsl(context: ValidationContext): void {
  if (!context.isTlsMode()) {
    return;
  }
  const first = context.parsed.entries.find(
    (entry) => entry.key.startsWith('ssl-') && getOption(entry.key)?.scope !== 'server',
  );
  const rejecting = context.versions.filter((version) => LAUNCHER_IGNORES_SSL.has(version));
  if (!first || rejecting.length === 0) {
    return;
  }
  context.add(
    first.keyRange,
    context.version === 'any' ? 'warning' : 'error',
    'ssl-options-ignored-by-launcher',
    `The launcher of xpra ${formatVersions(rejecting)} ignores the ssl-* options of a session file (5.1 and 6.3 fixed this), so these TLS settings do not apply there.`,
  );
}

function checkVerifyMode(context: ValidationContext): void {
  const entry = context.last('ssl-server-verify-mode');
  if (!entry || !context.verifyModeIsNone() || !context.isTlsMode()) {
    return;
  }
  context.add(
    entry.valueRange,
    'warning',
    'verify-none',
    "ssl-server-verify-mode=none turns off server authentication: anyone on the path can read and change the session. Use 'required' with ssl-ca-data or ssl-ca-certs.",
    {
      fixes: [
        {
          title: 'Verify the server (required)',
          preferred: true,
          edits: [{ range: entry.valueRange, newText: 'required' }],
        },
      ],
    },
  );
  const trust = context.last('ssl-ca-data') ?? context.last('ssl-ca-certs');
  if (trust) {
    context.add(
      trust.keyRange,
      'warning',
      'verify-none-with-ca',
      `'${trust.key}' has no effect while ssl-server-verify-mode=none.`,
    );
  }
  const protocol = context.scalar('ssl-protocol');
  const protocolEntry = context.last('ssl-protocol');
  if (protocolEntry && protocol && normaliseProtocol(protocol) === 'TLS_CLIENT') {
    context.add(
      protocolEntry.valueRange,
      'error',
      'protocol-verify-none',
      'ssl-protocol=TLS_CLIENT cannot be combined with ssl-server-verify-mode=none: Python raises ValueError when connecting.',
    );
  }
}

/** xpra upper-cases the protocol and then writes every V as v (so TLS_SERVER never matches). */
function normaliseProtocol(value: string): string {
  return value.toUpperCase().replace(/V/g, 'v');
}

function checkProtocol(context: ValidationContext): void {
  for (const entry of context.entries('ssl-protocol')) {
    if (entry.value === '') {
      context.add(
        entry.valueRange,
        'error',
        'empty-value',
        'An empty ssl-protocol fails when connecting. Remove the line to use the default.',
      );
      continue;
    }
    const normalised = normaliseProtocol(entry.value);
    if (!PROTOCOLS.includes(normalised)) {
      const suggestion = suggest(entry.value, PROTOCOLS);
      let explanation = '';
      if (normalised === 'TLSv1_3') {
        explanation = ' There is no TLSv1_3 protocol: use TLS, which negotiates TLS 1.3.';
      } else if (normalised === 'TLS_SERvER') {
        explanation = ' TLS_SERVER cannot be selected because xpra rewrites its V.';
      }
      context.add(
        entry.valueRange,
        'error',
        'invalid-protocol',
        `'${entry.value}' is not an ssl-protocol xpra can use.${explanation} Use one of: ${PROTOCOLS.join(', ')}.`,
        {
          fixes: suggestion
            ? [
                {
                  title: `Change to '${suggestion.value}'`,
                  edits: [{ range: entry.valueRange, newText: suggestion.value }],
                },
              ]
            : [],
        },
      );
    } else if (normalised === 'TLSv1' || normalised === 'TLSv1_1') {
      context.add(
        entry.valueRange,
        'warning',
        'obsolete-protocol',
        `${normalised} is obsolete and modern servers refuse the handshake. Use TLS or TLSv1_2.`,
      );
    }
  }
}

function checkCommaItems(context: ValidationContext, key: string, known: string[]): void {
  for (const entry of context.entries(key)) {
    let offset = 0;
    for (const raw of entry.value.split(',')) {
      const item = raw.trim();
      const itemOffset = offset + raw.indexOf(item);
      offset += raw.length + 1;
      if (item === '' || known.includes(item.toUpperCase())) {
        continue;
      }
      const suggestion = suggest(item.toUpperCase(), known);
      const hint = suggestion ? ` Did you mean '${suggestion.value}'?` : '';
      context.add(
        valueSubrange(entry, itemOffset, item.length),
        'error',
        'invalid-ssl-item',
        `'${item}' is not a known ${key} item, so xpra fails when connecting.${hint}`,
        {
          fixes: suggestion
            ? [
                {
                  title: `Change to '${suggestion.value}'`,
                  edits: [
                    {
                      range: valueSubrange(entry, itemOffset, item.length),
                      newText: suggestion.value,
                    },
                  ],
                },
              ]
            : [],
        },
      );
    }
  }
}

function checkHostnameCheck(context: ValidationContext): void {
  const entry = context.last('ssl-check-hostname');
  if (
    entry &&
    context.isTlsMode() &&
    !context.booleanValue('ssl-check-hostname', true) &&
    !context.verifyModeIsNone()
  ) {
    context.add(
      entry.valueRange,
      'warning',
      'hostname-check-off',
      'With ssl-check-hostname off, any certificate from a trusted CA is accepted for this server.',
    );
  }
}

function checkVerifyFlags(context: ValidationContext): void {
  const entry = context.last('ssl-verify-flags');
  if (!entry) {
    return;
  }
  const flags = context.verifyFlags();
  if (flags.some((flag) => flag.startsWith('CRL_CHECK'))) {
    context.add(
      entry.valueRange,
      'warning',
      'crl-flag',
      'CRL checks need a certificate revocation list, which a session file cannot provide: the handshake fails with "unable to get certificate CRL".',
    );
  }
  if (!flags.includes('X509_STRICT')) {
    context.add(
      entry.valueRange,
      'info',
      'strict-checks-off',
      'Without X509_STRICT, OpenSSL skips its strict certificate checks.',
    );
  }
}

function checkCaCerts(context: ValidationContext): void {
  for (const entry of context.entries('ssl-ca-certs')) {
    const path = entry.value;
    if (path === '' || path === 'default') {
      continue;
    }
    if (path.startsWith('~') || path.includes('$')) {
      const home = context.options.homeDirectory;
      const fixes =
        home && path.startsWith('~')
          ? [
              {
                title: `Replace ~ with ${home}`,
                preferred: true,
                edits: [{ range: valueSubrange(entry, 0, 1), newText: home }],
              },
            ]
          : [];
      context.add(
        entry.valueRange,
        'error',
        'ca-certs-unexpanded',
        `xpra does not expand '~' or '$' in ssl-ca-certs, so '${path}' is not found. Write the absolute path.`,
        { fixes },
      );
      continue;
    }
    if (!path.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(path)) {
      context.add(
        entry.valueRange,
        'warning',
        'ca-certs-relative',
        `'${path}' is relative: xpra resolves it against the launcher's working directory, not this file's folder. Write the absolute path.`,
      );
      continue;
    }
    checkCaCertsFile(context, entry);
  }
  const data = context.last('ssl-ca-data');
  const certs = context.last('ssl-ca-certs');
  if (data && certs && certs.value !== '' && certs.value !== 'default') {
    context.add(
      data.keyRange,
      'info',
      'ca-data-with-ca-certs',
      'Both ssl-ca-data and ssl-ca-certs are set: xpra trusts both, in addition to the system CAs.',
      {
        related: [{ range: certs.keyRange, message: 'ssl-ca-certs' }],
      },
    );
  }
}

function checkCaCertsFile(context: ValidationContext, entry: Entry): void {
  const fileSystem = context.options.fileSystem;
  if (!fileSystem) {
    return;
  }
  const kind = fileSystem.stat(entry.value);
  if (kind === 'missing') {
    context.add(
      entry.valueRange,
      'error',
      'ca-certs-missing',
      `'${entry.value}' does not exist: xpra fails with "invalid ssl-ca-certs file or directory".`,
    );
  } else if (kind === 'directory') {
    context.add(
      entry.valueRange,
      'warning',
      'ca-certs-directory',
      'xpra looks certificates up in a directory by their hash links (c_rehash), so plain .pem files there are not found. Prefer a PEM file.',
    );
  } else {
    const bytes = fileSystem.readFile(entry.value);
    if (bytes && !Buffer.from(bytes).toString('latin1').includes('-----BEGIN CERTIFICATE-----')) {
      context.add(
        entry.valueRange,
        'error',
        'ca-certs-not-pem',
        `'${entry.value}' is not a PEM certificate file (DER files fail with NO_CERTIFICATE_OR_CRL_FOUND). Convert it with 'openssl x509 -inform DER -outform PEM'.`,
      );
    }
  }
}

function checkClientCertificate(context: ValidationContext): void {
  const cert = context.last('ssl-cert');
  const key = context.last('ssl-key');
  if (key && key.value !== '' && (!cert || cert.value === '')) {
    context.add(
      key.keyRange,
      'warning',
      'key-without-cert',
      'ssl-key is ignored without ssl-cert.',
    );
  }
  const fileSystem = context.options.fileSystem;
  if (
    !cert ||
    cert.value === '' ||
    (key && key.value !== '') ||
    !fileSystem ||
    fileSystem.stat(cert.value) !== 'file'
  ) {
    return;
  }
  const text = Buffer.from(fileSystem.readFile(cert.value) ?? new Uint8Array()).toString('latin1');
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    context.add(
      cert.keyRange,
      'warning',
      'cert-without-key',
      `'${cert.value}' contains no private key and ssl-key is not set, so the client certificate cannot be loaded.`,
    );
  }
}

/** Notes that an IP host needs an IP SAN in the server certificate. */
export function checkIpHost(context: ValidationContext): void {
  const host = context.scalar('host');
  const entry = context.last('host');
  if (
    !entry ||
    !host ||
    !isIpAddress(host) ||
    !context.isTlsMode() ||
    context.scalar('ssl-server-hostname') ||
    context.verifyModeIsNone() ||
    !context.booleanValue('ssl-check-hostname', true)
  ) {
    return;
  }
  context.add(
    entry.valueRange,
    'info',
    'ip-host',
    `The server certificate needs an IP address SAN for ${host}, or set ssl-server-hostname to a DNS name it has.`,
  );
}

/** Versions before 5.0 take the key password only from XPRA_SSL_KEY_PASSWORD. */
const KEY_PASSWORD_OPTION_SINCE = '5.0';

function checkEncryptedKey(context: ValidationContext): void {
  const fileSystem = context.options.fileSystem;
  const keyEntry = context.last('ssl-key') ?? context.last('ssl-cert');
  if (!fileSystem || !keyEntry || keyEntry.value === '' || context.scalar('ssl-key-password')) {
    return;
  }
  if (fileSystem.stat(keyEntry.value) !== 'file') {
    return;
  }
  const text = Buffer.from(fileSystem.readFile(keyEntry.value) ?? new Uint8Array()).toString(
    'latin1',
  );
  if (!/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(text)) {
    return;
  }
  const older = context.versions.filter(
    (version) => compareVersions(version, KEY_PASSWORD_OPTION_SINCE) < 0,
  );
  const where =
    older.length > 0
      ? ` xpra ${formatVersions(older)} reads the password only from XPRA_SSL_KEY_PASSWORD.`
      : ' Set ssl-key-password or XPRA_SSL_KEY_PASSWORD.';
  context.add(
    keyEntry.valueRange,
    'warning',
    'encrypted-key',
    `The private key in '${keyEntry.value}' is encrypted, and without its password OpenSSL may prompt on a terminal nobody sees.${where}`,
  );
}

/** Checks ssl-ciphers with node's OpenSSL, which parses cipher strings as xpra's Python does. */
function checkCiphers(context: ValidationContext): void {
  for (const entry of context.entries('ssl-ciphers')) {
    if (entry.value === '') {
      continue;
    }
    try {
      createSecureContext({ ciphers: entry.value });
    } catch (error) {
      context.add(
        entry.valueRange,
        'error',
        'invalid-ciphers',
        `OpenSSL selects no cipher from '${entry.value}' (${(error as Error).message}), so the connection fails with "No cipher can be selected".`,
      );
    }
  }
}
