/** The programs that the xpra server runs for each benchmark workload. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';

export type WorkloadName = 'animation' | 'terminal' | 'clock';

export const WORKLOAD_NAMES: WorkloadName[] = ['animation', 'terminal', 'clock'];

// Debian's python3 has the GTK 3 and cairo bindings that the xpra package pulls in; a
// python3 first on PATH (pyenv, a virtualenv) may not.
const PYTHON = '/usr/bin/python3';
const DIRECTORY = join(__dirname, 'workloads');

/** Returns the title of the workload's window, as its program sets it. */
export function workloadWindowTitle(name: WorkloadName): string {
  return name === 'terminal' ? 'bench-terminal' : `bench ${name}`;
}

/** Returns the shell command line that the server starts with `--start-child`. */
export function workloadCommand(name: WorkloadName): string {
  switch (name) {
    case 'animation':
      return `${PYTHON} ${join(DIRECTORY, 'animation.py')}`;
    case 'clock':
      return `${PYTHON} ${join(DIRECTORY, 'clock.py')}`;
    case 'terminal':
      return `xterm -geometry 100x40 -title bench-terminal -e ${PYTHON} ${join(DIRECTORY, 'terminal-lines.py')}`;
  }
}

/** Fails with the Debian package to install when the GTK workloads cannot draw. */
export async function checkWorkloadPrerequisites(): Promise<void> {
  try {
    await promisify(execFile)(PYTHON, ['-c', "import gi; gi.require_version('Gtk', '3.0'); gi.require_foreign('cairo')"]);
  } catch {
    throw new Error(`${PYTHON} cannot draw with GTK 3 and cairo: install the Debian packages python3-gi and python3-gi-cairo`);
  }
}
