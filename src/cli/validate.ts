/**
 * `xpra-sessions validate [--xpra-version V] FILE...`: prints every diagnostic of each session
 * file as `FILE:LINE:COLUMN: error|warning|info: MESSAGE` (1-based, as compilers do) and exits
 * 1 when any file has an error or cannot be read, 2 on a usage error, otherwise 0.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isKnownTarget, nodeFileSystem, validateSessionFileBytes, VERSIONS } from '../session-file';
import { ignoreClosedPipe } from './output';

const USAGE = `usage: xpra-sessions validate [--xpra-version any|${VERSIONS.join('|')}] FILE...`;

export async function run(args: string[]): Promise<number> {
  process.stdout.on('error', ignoreClosedPipe);
  const files: string[] = [];
  let version = 'any';
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (arg === '--xpra-version' || arg.startsWith('--xpra-version=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++index];
      if (value === undefined || !isKnownTarget(value)) {
        process.stderr.write(
          `xpra-sessions validate: invalid --xpra-version '${value ?? ''}'\n${USAGE}\n`,
        );
        return 2;
      }
      version = value;
    } else if (arg.startsWith('-') && arg !== '-') {
      process.stderr.write(`xpra-sessions validate: unknown option '${arg}'\n${USAGE}\n`);
      return 2;
    } else {
      files.push(arg);
    }
  }
  if (files.length === 0) {
    process.stderr.write(`xpra-sessions validate: no file given\n${USAGE}\n`);
    return 2;
  }
  let failed = false;
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      process.stdout.write(
        `${file}:1:1: error: cannot read the file: ${(error as Error).message}\n`,
      );
      failed = true;
      continue;
    }
    const diagnostics = validateSessionFileBytes(bytes, {
      xpraVersion: version,
      fileSystem: nodeFileSystem,
      homeDirectory: homedir(),
    });
    for (const diagnostic of diagnostics) {
      const { line, character } = diagnostic.range.start;
      process.stdout.write(
        `${file}:${line + 1}:${character + 1}: ${diagnostic.severity}: ${diagnostic.message}\n`,
      );
      failed ||= diagnostic.severity === 'error';
    }
  }
  return failed ? 1 : 0;
}
