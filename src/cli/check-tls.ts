/**
 * `xpra-sessions check-tls URI`: connects, verifies the server certificate, prints the chain,
 * the verification result and the fingerprints, and closes, like `openssl s_client -CAfile`.
 *
 * Exit codes: 0 verified (or the pinned certificate matched), 1 verification or connection
 * failed, 2 usage.
 */
import { parseArgs } from 'node:util';
import { checkTls, formatTlsCheck, type TlsSettings } from '../transport';

const USAGE = [
  'usage: xpra-sessions check-tls URI [OPTIONS]',
  '  URI                                 ssl:HOST:PORT, ssl://HOST:PORT/ or [::1]:PORT',
  '  --ssl-ca-cert FILE                  trust the CA certificates in FILE (PEM)',
  '  --ssl-ca-data DATA                  trust a CA given as hex of PEM or DER, or base64',
  '  --ssl-server-hostname NAME          the name the server certificate must carry (also SNI)',
  '  --ssl-server-fingerprint SHA256     accept only the certificate with this SHA-256 fingerprint',
  '  --ssl-cert FILE --ssl-key FILE      client certificate and its private key (PEM)',
  '  --timeout SECONDS                   time allowed for the handshake (default 20)',
].join('\n');

class UsageError extends Error {}

export async function run(args: string[]): Promise<number> {
  let settings: TlsSettings;
  let uri: string;
  let timeoutMs: number;
  try {
    ({ settings, uri, timeoutMs } = parseCommand(args));
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`xpra-sessions check-tls: ${(error as Error).message}\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (uri === '') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const result = await checkTls(uri, settings, { timeoutMs });
    process.stdout.write(`${formatTlsCheck(result)}\n`);
    return result.verified ? 0 : 1;
  } catch (error) {
    process.stderr.write(`xpra-sessions check-tls: ${(error as Error).message}\n`);
    return 1;
  }
}

function parseCommand(args: string[]): { settings: TlsSettings; uri: string; timeoutMs: number } {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'ssl-ca-cert': { type: 'string' },
      'ssl-ca-data': { type: 'string' },
      'ssl-server-hostname': { type: 'string' },
      'ssl-server-fingerprint': { type: 'string' },
      'ssl-cert': { type: 'string' },
      'ssl-key': { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    return { settings: { verifyMode: 'required' }, uri: '', timeoutMs: 0 };
  }
  if (positionals.length !== 1) {
    throw new UsageError('give exactly one server URI');
  }
  if ((values['ssl-cert'] === undefined) !== (values['ssl-key'] === undefined)) {
    throw new UsageError('--ssl-cert and --ssl-key must be given together');
  }
  const seconds = values.timeout === undefined ? 20 : Number(values.timeout);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`invalid --timeout '${values.timeout}': expected a positive number of seconds`);
  }
  const settings: TlsSettings = {
    verifyMode: 'required',
    caCertFile: values['ssl-ca-cert'],
    caData: values['ssl-ca-data'],
    serverHostname: values['ssl-server-hostname'],
    pinnedFingerprint: values['ssl-server-fingerprint'],
    certFile: values['ssl-cert'],
    keyFile: values['ssl-key'],
  };
  return { settings, uri: positionals[0], timeoutMs: seconds * 1000 };
}
