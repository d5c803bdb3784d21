/**
 * Exports the client certificate and key as a PKCS#12 file, which browsers import, so that
 * xpra's HTML5 client of a `www` server can be opened in a browser. node:crypto cannot
 * write PKCS#12, so this runs the openssl command line, which is installed wherever xpra's
 * TLS is. No `vscode` import.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';

const OPENSSL_TIMEOUT_MS = 30_000;
/** Name of the environment variable that passes the export password to openssl. */
const PASSWORD_VARIABLE = 'XPRA_SESSIONS_PKCS12_PASSWORD';

export interface Pkcs12Request {
  certFile: string;
  keyFile: string;
  /** CA certificate that is added to the file, so the browser can show the chain. */
  caCertFile?: string;
  /** The file to write, with mode 0600 because it contains the private key. */
  outputFile: string;
  /** Password that encrypts the file. Browsers ask for it on import. */
  password: string;
  /** Friendly name that the browser shows for the certificate. */
  name: string;
  /** openssl executable. Default `openssl` from PATH. */
  openssl?: string;
}

/**
 * Writes the PKCS#12 file with `openssl pkcs12 -export`. The password reaches openssl
 * through its environment (`-passout env:`), never on the command line where other local
 * users could read it. Raises an error with openssl's message when the export fails.
 */
export async function exportPkcs12(request: Pkcs12Request): Promise<void> {
  if (request.password === '') {
    throw new Error('the PKCS#12 password is empty: browsers need one to import the file');
  }
  const args = [
    'pkcs12', '-export',
    '-in', request.certFile,
    '-inkey', request.keyFile,
    '-name', request.name,
    '-passout', `env:${PASSWORD_VARIABLE}`,
    '-out', request.outputFile,
  ];
  if (request.caCertFile) args.push('-certfile', request.caCertFile);
  // Create the file 0600 before openssl writes into it, so the key is never readable by others.
  await fs.writeFile(request.outputFile, '', { mode: 0o600 });
  await fs.chmod(request.outputFile, 0o600);
  try {
    await runOpenssl(request.openssl ?? 'openssl', args, { ...process.env, [PASSWORD_VARIABLE]: request.password });
  } catch (error) {
    await fs.rm(request.outputFile, { force: true });
    throw error;
  }
}

function runOpenssl(openssl: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(openssl, args, { env, timeout: OPENSSL_TIMEOUT_MS }, (error, _stdout, stderr) => {
      if (!error) {
        resolve();
        return;
      }
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT'
        ? `${openssl} was not found on PATH; install openssl (Debian and Ubuntu: sudo apt install openssl)`
        : stderr.trim().split('\n').slice(-3).join(' ') || error.message;
      reject(new Error(`exporting the client certificate failed: ${reason}`));
    });
  });
}
