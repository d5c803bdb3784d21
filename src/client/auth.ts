/**
 * The response to an xpra `challenge` packet. The server sends a random salt and picks one
 * digest for the password and one for the salts from the lists in our hello:
 *
 *   combined = HMAC(salt digest, key = client salt, message = server salt) as hex text
 *   response = HMAC(digest, key = password, message = combined) as hex text
 *
 * `xor` is accepted only over TLS, because it sends the password almost in the clear.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** The hmac digests we offer, strongest first; the server picks the strongest it shares. */
export const HMAC_DIGESTS = [
  'hmac+sha512',
  'hmac+sha384',
  'hmac+sha256',
  'hmac+sha224',
  'hmac+sha1',
];

/** Returns the hello's `digest` and `salt-digest` lists, with `xor` only when the channel is TLS. */
export function digestCaps(tls: boolean): { digest: string[]; 'salt-digest': string[] } {
  const digests = tls ? [...HMAC_DIGESTS, 'xor'] : [...HMAC_DIGESTS];
  return { digest: digests, 'salt-digest': digests };
}

export interface Challenge {
  serverSalt: Uint8Array;
  digest: string;
  saltDigest: string;
  prompt: string;
}

export interface ChallengeAnswer {
  /** Hex text for hmac digests, raw bytes for xor. */
  response: string | Uint8Array;
  /** ASCII, because 3.1.3 and 6.5 pass the client salt through a latin-1 conversion. */
  clientSalt: string;
}

export class AuthError extends Error {
  override name = 'AuthError';
}

/** Computes the challenge response; throws AuthError for digests we do not accept. */
export function answerChallenge(
  challenge: Challenge,
  password: string,
  tls: boolean,
): ChallengeAnswer {
  const clientSalt = randomBytes(16).toString('hex');
  const combined = combineSalts(challenge.saltDigest, clientSalt, challenge.serverSalt, tls);
  const passwordBytes = Buffer.from(password, 'utf8');
  if (challenge.digest === 'xor') {
    requireTls(tls, 'digest');
    return {
      response: new Uint8Array(xorBytes(passwordBytes, combined, passwordBytes.length)),
      clientSalt,
    };
  }
  const algorithm = hmacAlgorithm(challenge.digest);
  const response = createHmac(algorithm, passwordBytes).update(combined).digest('hex');
  return { response, clientSalt };
}

function combineSalts(
  saltDigest: string,
  clientSalt: string,
  serverSalt: Uint8Array,
  tls: boolean,
): Buffer {
  const client = Buffer.from(clientSalt, 'ascii');
  if (saltDigest === 'xor') {
    requireTls(tls, 'salt digest');
    return xorBytes(client, Buffer.from(serverSalt), client.length);
  }
  const algorithm = hmacAlgorithm(saltDigest);
  return Buffer.from(createHmac(algorithm, client).update(serverSalt).digest('hex'), 'ascii');
}

/** Maps `hmac+sha256` to `sha256`; plain `hmac` is md5, which we never offer. */
function hmacAlgorithm(digest: string): string {
  const match = /^hmac\+(sha512|sha384|sha256|sha224|sha1)$/.exec(digest);
  if (!match) {
    throw new AuthError(`the server asked for the unsupported password digest '${digest}'`);
  }
  return match[1];
}

function requireTls(tls: boolean, what: string): void {
  if (!tls) {
    throw new AuthError(
      `the server asked for the insecure xor ${what} on a connection without TLS`,
    );
  }
}

/** XOR of `a` with `b`, `length` bytes long; `b` is zero-padded when shorter. */
function xorBytes(a: Uint8Array, b: Uint8Array, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    out[i] = (a[i] ?? 0) ^ (b[i] ?? 0);
  }
  return out;
}
