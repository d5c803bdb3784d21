/**
 * node:tls connect options from xpra-style TLS settings: verification on by default, node's
 * bundled root certificates (tls.rootCertificates) plus the given CA, TLS 1.2 or 1.3, no ALPN.
 * xpra servers (3.1.3, and 6.5 by its source) treat a ClientHello with ALPN `http/1.1` as
 * HTTPS, so this client sends no ALPN.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { isIP } from 'node:net';
import * as tls from 'node:tls';
import { CaDataError, decodeCaData, parsePemCertificates } from './ca-data';
import { normalizeFingerprint } from './pin';

export type VerifyMode = 'none' | 'optional' | 'required';

/** TLS settings, named after xpra's `ssl-*` options. */
export interface TlsSettings {
  /** `ssl-ca-certs`: a PEM file of CA certificates trusted in addition to node's bundled roots. */
  caCertFile?: string;
  /** `ssl-ca-data`: hex of PEM or DER, `0x`, `b64:` or `base64:` prefixed, or bare base64. */
  caData?: string;
  /** `ssl-server-verify-mode`. As in xpra, `optional` verifies exactly like `required` on a client. */
  verifyMode: VerifyMode;
  /** `ssl-server-hostname`: the name checked against the certificate and sent as SNI. */
  serverHostname?: string;
  /** `ssl-cert`: client certificate PEM file, which may also contain the key. */
  certFile?: string;
  /** `ssl-key`: client private key PEM file. */
  keyFile?: string;
  keyPassphrase?: string;
  /**
   * SHA-256 fingerprint of the one server certificate accepted for this host and port,
   * trusted without a CA. Any other certificate is rejected, whatever its issuer.
   */
  pinnedFingerprint?: string;
}

export interface TlsTarget {
  host: string;
  port: number;
}

export interface BuiltTlsOptions {
  /** Options for `tls.connect`. Add `socket` to run TLS over an existing connection. */
  options: tls.ConnectionOptions;
  /** The host name or address that the certificate must name. */
  checkedHost: string;
  /** True when verification is off (verify mode `none`), which the UI must announce. */
  insecure: boolean;
  clientCertificateSent: boolean;
  /** The pinned fingerprint in node's colon-separated upper-case form. */
  pinnedFingerprint?: string;
}

/** A TLS setting that cannot be used: missing file, invalid CA, key not matching. */
export class TlsSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlsSettingsError';
  }
}

const VERIFY_MODES: readonly VerifyMode[] = ['none', 'optional', 'required'];

/** Builds `tls.connect` options for `target`, reading the CA, certificate and key files. */
export async function buildTlsOptions(target: TlsTarget, settings: TlsSettings): Promise<BuiltTlsOptions> {
  if (!VERIFY_MODES.includes(settings.verifyMode)) {
    throw new TlsSettingsError(`invalid verify mode '${String(settings.verifyMode)}': expected none, optional or required`);
  }
  const insecure = settings.verifyMode === 'none';
  const checkedHost = stripBrackets(settings.serverHostname?.trim() || target.host);
  const pinnedFingerprint = readPin(settings.pinnedFingerprint);
  const extraCas = await loadCaCertificates(settings);
  const clientCredentials = await loadClientCredentials(settings);

  const options: tls.ConnectionOptions = {
    host: target.host,
    port: target.port,
    ca: [...tls.rootCertificates, ...extraCas],
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    rejectUnauthorized: !insecure,
    // Node checks the servername, else the host option, else "localhost". An address in
    // serverHostname sets no servername, so the name to check is given here explicitly.
    checkServerIdentity: (_name: string, certificate: tls.PeerCertificate) =>
      tls.checkServerIdentity(checkedHost, certificate),
    ...clientCredentials,
  };
  // SNI carries host names only (RFC 6066 section 3), so an address sends none.
  if (isIP(checkedHost) === 0) {
    options.servername = checkedHost;
  }
  return {
    options,
    checkedHost,
    insecure,
    clientCertificateSent: clientCredentials.cert !== undefined,
    ...(pinnedFingerprint !== undefined ? { pinnedFingerprint } : {}),
  };
}

function readPin(fingerprint: string | undefined): string | undefined {
  if (fingerprint === undefined || fingerprint.trim() === '') {
    return undefined;
  }
  try {
    return normalizeFingerprint(fingerprint);
  } catch (error) {
    throw new TlsSettingsError((error as Error).message);
  }
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

async function loadCaCertificates(settings: TlsSettings): Promise<string[]> {
  const pems: string[] = [];
  if (settings.caCertFile) {
    const text = await readSettingFile(settings.caCertFile, 'CA certificate file');
    try {
      pems.push(...parsePemCertificates(text).map((certificate) => certificate.toString()));
    } catch (error) {
      throw new TlsSettingsError(`invalid CA certificate file ${settings.caCertFile}: ${(error as Error).message}`);
    }
  }
  if (settings.caData?.trim()) {
    try {
      pems.push(decodeCaData(settings.caData));
    } catch (error) {
      if (error instanceof CaDataError) {
        throw new TlsSettingsError(error.message);
      }
      throw error;
    }
  }
  return pems;
}

async function loadClientCredentials(settings: TlsSettings): Promise<{ cert?: string; key?: string; passphrase?: string }> {
  if (!settings.certFile) {
    if (settings.keyFile) {
      throw new TlsSettingsError(`client key ${settings.keyFile} given without a client certificate (ssl-cert)`);
    }
    return {};
  }
  const certText = await readSettingFile(settings.certFile, 'client certificate file');
  const keyText = settings.keyFile ? await readSettingFile(settings.keyFile, 'client key file') : certText;
  const keySource = settings.keyFile ?? settings.certFile;
  let certificate: X509Certificate;
  try {
    certificate = parsePemCertificates(certText)[0];
  } catch (error) {
    throw new TlsSettingsError(`invalid client certificate file ${settings.certFile}: ${(error as Error).message}`);
  }

  const keyPem = findPrivateKey(keyText);
  if (keyPem === undefined) {
    throw new TlsSettingsError(`client key not found: ${keySource} contains no PEM private key`);
  }
  const publicKey = readPublicKey(keyPem, keySource, settings.keyPassphrase);
  if (!publicKey.equals(certificate.publicKey.export({ format: 'der', type: 'spki' }))) {
    throw new TlsSettingsError(`client key ${keySource} does not match the certificate ${settings.certFile}`);
  }
  const passphrase = settings.keyPassphrase !== undefined ? { passphrase: settings.keyPassphrase } : {};
  return { cert: certText, key: keyPem, ...passphrase };
}

/** Decrypts or parses a private key and returns its public key as DER, so that it can be compared. */
function readPublicKey(keyPem: string, keySource: string, passphrase: string | undefined): Buffer {
  const encrypted = /ENCRYPTED/.test(keyPem);
  if (encrypted && passphrase === undefined) {
    throw new TlsSettingsError(`client key ${keySource} is encrypted: a passphrase is required`);
  }
  try {
    const key = createPrivateKey({ key: keyPem, passphrase });
    return createPublicKey(key).export({ format: 'der', type: 'spki' });
  } catch (error) {
    const reason = encrypted ? 'wrong passphrase' : (error as Error).message;
    throw new TlsSettingsError(`client key ${keySource} could not be read: ${reason}`);
  }
}

/** Returns the first PEM private key block (PKCS#8, encrypted PKCS#8, RSA or EC) in `text`. */
function findPrivateKey(text: string): string | undefined {
  const match = /-----BEGIN ((?:ENCRYPTED |RSA |EC )?PRIVATE KEY)-----[\s\S]*?-----END \1-----/.exec(text);
  return match?.[0];
}

async function readSettingFile(file: string, description: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new TlsSettingsError(`${description} not found: ${file}`);
    }
    if (code === 'EACCES') {
      throw new TlsSettingsError(`${description} is not readable (permission denied): ${file}`);
    }
    throw new TlsSettingsError(`cannot read ${description} ${file}: ${(error as Error).message}`);
  }
}
