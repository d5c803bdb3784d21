/**
 * `xpra-sessions serve [options]`: start a local secured xpra server, leave it running and
 * print its session file's path as the last line.
 */
import { parseArgs } from 'node:util';
import {
  SERVER_MODES, defaultStateDir, startLocalServer, type ServerMode,
  type StartOptions,
} from '../server';
import { errorMessage } from './output';

const USAGE = `usage: xpra-sessions serve [options]

  --start CMD            command to run inside the server (default xterm)
  --mode MODE            ssl (TLS port), tcp (TCP port upgraded to TLS, plus a password)
                         or www (TLS port that also serves the HTML5 client; default ssl)
  --port N               TCP port on 127.0.0.1 (default: a free port)
  --display N            X11 display number (default: the first free one from 100)
  --dir DIR              state folder for certificates and servers
                         (default $XDG_STATE_HOME/xpra-sessions or ~/.local/state/xpra-sessions)
  --timeout SECONDS      how long to wait for the server to be ready (default 30)

Every server listens on 127.0.0.1 only and requires the client certificate that the
session file names. Stop it with: xpra-sessions stop SESSION-FILE`;

class UsageError extends Error {}

export async function run(args: string[]): Promise<number> {
  let options: StartOptions;
  try {
    options = parseCommand(args);
  } catch (error) {
    if (error instanceof UsageError && error.message === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    process.stderr.write(`xpra-sessions serve: ${errorMessage(error)}\n${USAGE}\n`);
    return 2;
  }
  try {
    const server = await startLocalServer(options);
    const lines = [
      `xpra server ${server.id} is running: pid ${server.pid}, display :${server.display}, ` +
        `${server.mode} socket ${server.uri}`,
      `log: ${server.logFile}`,
      server.sessionFile,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } catch (error) {
    // The first line is the error; a start failure adds the last lines of xpra's log.
    process.stderr.write(`xpra-sessions serve: ${errorMessage(error)}\n`);
    return 1;
  }
}

function parseCommand(args: string[]): StartOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: false,
      options: {
        start: { type: 'string' },
        mode: { type: 'string' },
        port: { type: 'string' },
        display: { type: 'string' },
        dir: { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  const values = parsed.values;
  if (values.help) {
    throw new UsageError('help');
  }
  const mode = values.mode ?? 'ssl';
  if (!SERVER_MODES.includes(mode as ServerMode)) {
    throw new UsageError(`invalid --mode '${mode}': expected one of ${SERVER_MODES.join(', ')}`);
  }
  const timeout = parseInteger('--timeout', values.timeout, 1, 3600);
  return {
    stateDir: values.dir ?? defaultStateDir(),
    start: values.start,
    mode: mode as ServerMode,
    port: parseInteger('--port', values.port, 1, 65535),
    display: parseInteger('--display', values.display, 1, 65535),
    timeoutMs: timeout === undefined ? undefined : timeout * 1000,
  };
}

function parseInteger(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const number = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(number >= min && number <= max)) {
    throw new UsageError(`invalid ${name} '${value}': expected an integer from ${min} to ${max}`);
  }
  return number;
}
