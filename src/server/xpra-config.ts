/**
 * A private xpra configuration folder for one server. xpra reads it in place of the user's
 * configuration folders (environment variable XPRA_USER_CONF_DIRS), after the system ones.
 *
 * It exists for two reasons. First, Debian's /etc/xpra/conf.d/60_server.conf (xpra 3.1.3) adds
 * `start = /etc/X11/Xsession true`, and a `--start` on the command line adds to that list
 * instead of replacing it. Xsession then shows an "unable to launch" dialog in the session,
 * because `command -v true` returns the bare name of the shell builtin and Xsession looks
 * for a file of that name in the working folder. Setting `start` empty here leaves only
 * the start command that we pass. Second, the user's files must not add network sockets
 * beside the loopback TLS socket.
 */
import { existsSync, promises as fs, readdirSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const CONFIG_FILE = 'xpra.conf';

/**
 * Lines of the xpra 3.1.3 options that open network sockets. A configuration file adds
 * them to the loopback TLS socket of the command line, and an empty value does not clear
 * them, so the private folder gets copies of the user's files without these lines.
 */
const NETWORK_BIND_LINE = /^\s*bind[-_](tcp|ssl|ws|wss|ssh|rfb|udp|vsock)\s*=/i;

/**
 * Returns the user's configuration folders in the order xpra 3.1.3 reads them, so that the
 * private folder can keep the user's settings: XPRA_USER_CONF_DIRS when set, otherwise
 * `$XDG_CONFIG_HOME/xpra` and `~/.xpra`, except for root, whose folders xpra never reads.
 */
export function userConfigDirs(env: NodeJS.ProcessEnv, uid = process.getuid?.() ?? 0): string[] {
  if (env.XPRA_USER_CONF_DIRS !== undefined) {
    return [env.XPRA_USER_CONF_DIRS];
  }
  if (uid === 0) {
    return [];
  }
  const home = env.HOME || os.homedir();
  const configHome = env.XDG_CONFIG_HOME || path.join(home, '.config');
  return [path.join(configHome, 'xpra'), path.join(home, '.xpra')];
}

/** Returns the files xpra reads from one configuration folder: `conf.d/*.conf`, then xpra.conf. */
function configFiles(dir: string): string[] {
  const files: string[] = [];
  const dropInDir = path.join(dir, 'conf.d');
  if (isDirectory(dropInDir)) {
    for (const name of readdirSync(dropInDir).sort()) {
      const file = path.join(dropInDir, name);
      if (name.endsWith('.conf') && isFile(file)) {
        files.push(file);
      }
    }
  }
  const main = path.join(dir, CONFIG_FILE);
  if (isFile(main)) {
    files.push(main);
  }
  return files;
}

/**
 * Writes the private configuration folder `dir`: the user's own configuration files in
 * `conf.d`, in xpra's reading order, and an xpra.conf that empties `start`. A file is
 * linked, or copied without its network socket options when it has any.
 */
export async function writePrivateConfig(dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const dropInDir = path.join(dir, 'conf.d');
  await fs.mkdir(dropInDir, { recursive: true, mode: 0o700 });
  const userFiles = userConfigDirs(env).flatMap((folder) => configFiles(path.resolve(folder)));
  let index = 0;
  for (const file of userFiles) {
    index += 1;
    const target = path.join(dropInDir, `${String(index).padStart(2, '0')}-${path.basename(file)}`);
    const lines = (await fs.readFile(file, 'utf8')).split('\n');
    if (lines.some((line) => NETWORK_BIND_LINE.test(line))) {
      const kept = lines.map((line) =>
        NETWORK_BIND_LINE.test(line) ? `# dropped by xpra-sessions: ${line}` : line);
      await fs.writeFile(target, kept.join('\n'), { mode: 0o600 });
    } else {
      await fs.symlink(file, target);
    }
  }
  const text = [
    '# Written by xpra-sessions for one local server; read after the user\'s own files.',
    '# An empty start list drops the distribution\'s "/etc/X11/Xsession true", so only the',
    '# command given on the command line runs.',
    'start =',
    '',
  ].join('\n');
  await fs.writeFile(path.join(dir, CONFIG_FILE), text, { mode: 0o600 });
}

function isDirectory(file: string): boolean {
  return existsSync(file) && statSync(file).isDirectory();
}

function isFile(file: string): boolean {
  return existsSync(file) && statSync(file).isFile();
}
