/** The `xpra start` command line and environment of a local secured server. */
import { existsSync } from 'node:fs';
import type { ServerMode } from './types';

export interface ServerLayout {
  display: number;
  port: number;
  mode: ServerMode;
  start: string;
  caCertFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  /** Private folder for xpra's unix-domain socket. */
  socketDir: string;
  /** Empty folder that replaces OpenSSL's default CA folder in the server's environment. */
  emptyCaDir: string;
  /** Private folder used as XDG_RUNTIME_DIR when the environment has none. */
  runtimeDir: string;
  /** Private xpra configuration folder, see xpra-config.ts. */
  configDir: string;
  passwordFile?: string;
}

/**
 * Returns the arguments after `xpra`. Every network socket binds 127.0.0.1 and requires a
 * client certificate signed by our CA. Features that would open other doors are off:
 * mDNS, the HTML5 server (except in `www` mode), and the TCP upgrades to SSH and to VNC.
 * The unix-domain socket, which `xpra stop` uses, lives in a 0700 folder, so only its owner
 * can reach it. `base` is the environment that the started commands get back.
 */
export function buildServerArguments(layout: ServerLayout, base: NodeJS.ProcessEnv): string[] {
  const endpoint = `127.0.0.1:${layout.port}`;
  const args = [
    'start', `:${layout.display}`,
    '--daemon=no',
    `--start=${layout.start}`,
    '--bind=auto',
    `--socket-dir=${layout.socketDir}`,
    `--socket-dirs=${layout.socketDir}`,
    `--ssl-cert=${layout.serverCertFile}`,
    `--ssl-key=${layout.serverKeyFile}`,
    '--ssl-client-verify-mode=required',
    `--ssl-ca-certs=${layout.caCertFile}`,
    '--mdns=no',
    '--ssh-upgrade=no',
    '--rfb-upgrade=0',
    '--pulseaudio=no',
    '--notifications=no',
    '--webcam=no',
    '--printing=no',
    '--systemd-run=no',
    `--exec-wrapper=${childEnvironmentWrapper(base)}`,
  ];
  switch (layout.mode) {
    case 'ssl':
      args.push(`--bind-ssl=${endpoint}`, '--html=off');
      break;
    case 'tcp':
      if (!layout.passwordFile) {
        throw new Error('tcp mode needs a password file');
      }
      // A --bind-tcp port also accepts plain xpra without TLS and so without a client
      // certificate. The password closes that door, and TLS connections need it as well.
      args.push(`--bind-tcp=${endpoint}`, '--ssl=on', '--html=off',
        `--tcp-auth=file:filename=${layout.passwordFile}`);
      break;
    case 'www':
      // On a --bind-ssl port xpra serves HTTPS after the TLS handshake, so the HTML5
      // client is behind the same client certificate check as xpra clients.
      args.push(`--bind-ssl=${endpoint}`, '--html=on');
      break;
  }
  return args;
}

/**
 * Returns the environment of the xpra server process. xpra 3.1.3 loads OpenSSL's default
 * trust store (SSL_CERT_FILE, SSL_CERT_DIR) next to `--ssl-ca-certs` when it verifies client
 * certificates, so any client certificate from a public CA would pass. Pointing both
 * variables at our CA and an empty folder leaves our CA as the only trust anchor.
 * XPRA_USER_CONF_DIRS names the private configuration folder.
 */
export function buildServerEnvironment(
  layout: ServerLayout,
  base: NodeJS.ProcessEnv,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    SSL_CERT_FILE: layout.caCertFile,
    SSL_CERT_DIR: layout.emptyCaDir,
    XPRA_USER_CONF_DIRS: layout.configDir,
  };
  if (!env.XDG_RUNTIME_DIR) {
    env.XDG_RUNTIME_DIR = layout.runtimeDir;
  }
  return env;
}

/** Variables that `buildServerEnvironment` overrides and the started commands get back. */
const OVERRIDDEN_VARIABLES = ['SSL_CERT_FILE', 'SSL_CERT_DIR', 'XPRA_USER_CONF_DIRS'];

/**
 * Returns the `--exec-wrapper` command that gives the commands started inside the server
 * the original values of the overridden variables, or unsets those `base` lacks. xpra splits
 * it like a POSIX shell, so values are single-quoted. `env` needs an absolute path because
 * xpra 3.1.3 resolves a bare wrapper name against the server's working folder.
 */
export function childEnvironmentWrapper(base: NodeJS.ProcessEnv): string {
  const envCommand = ['/usr/bin/env', '/bin/env'].find((file) => existsSync(file)) ?? 'env';
  // env takes its options before the first assignment, so every -u comes first.
  const unsets = OVERRIDDEN_VARIABLES.filter((name) => base[name] === undefined).map((name) => `-u ${name}`);
  const assignments = OVERRIDDEN_VARIABLES.filter((name) => base[name] !== undefined)
    .map((name) => shellQuote(`${name}=${base[name]}`));
  return [envCommand, ...unsets, ...assignments].join(' ');
}

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
