/**
 * The command-line face of the engine: `xpra-sessions COMMAND ...`.
 * Each command lives in src/cli/ and returns the process exit code.
 */
import { runCommand } from './cli/commands';

runCommand(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`xpra-sessions: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
