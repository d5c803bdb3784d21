/** `xpra-sessions stop SESSION-FILE`: stop a local server that `serve` started. */
import { parseArgs } from 'node:util';
import { stopLocalServer } from '../server';
import { errorMessage } from './output';

const USAGE = `usage: xpra-sessions stop SESSION-FILE|ID [--dir DIR]

  SESSION-FILE           the session file that xpra-sessions serve printed
  ID                     or the server's id (display-N), looked up in the state folder
  --dir DIR              state folder for an ID (default $XDG_STATE_HOME/xpra-sessions
                         or ~/.local/state/xpra-sessions)`;

export async function run(args: string[]): Promise<number> {
  let target: string;
  let stateDir: string | undefined;
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (positionals.length !== 1) {
      throw new Error(positionals.length === 0 ? 'missing SESSION-FILE' : 'give exactly one SESSION-FILE');
    }
    target = positionals[0];
    stateDir = values.dir;
  } catch (error) {
    process.stderr.write(`xpra-sessions stop: ${errorMessage(error)}\n${USAGE}\n`);
    return 2;
  }
  try {
    const { server, wasRunning } = await stopLocalServer(target, { stateDir });
    process.stdout.write(wasRunning
      ? `stopped xpra server ${server.id} (pid ${server.pid}, display :${server.display})\n`
      : `xpra server ${server.id} had already exited; removed its state\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`xpra-sessions stop: ${errorMessage(error)}\n`);
    return 1;
  }
}
