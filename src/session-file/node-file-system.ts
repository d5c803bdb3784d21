/** FileSystemAccess over node:fs, for the command line and the editor on a local machine. */
import { readFileSync, statSync } from 'node:fs';
import type { FileSystemAccess } from './context';

export const nodeFileSystem: FileSystemAccess = {
  stat(path) {
    try {
      return statSync(path).isDirectory() ? 'directory' : 'file';
    } catch {
      return 'missing';
    }
  },
  readFile(path) {
    try {
      return readFileSync(path);
    } catch {
      return undefined;
    }
  },
};
