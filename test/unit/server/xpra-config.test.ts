import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writePrivateConfig } from '../../../src/server/xpra-config';

const CONFIG_NAME = 'xpra.conf';

describe('writePrivateConfig', () => {
  let root: string;
  let userDir: string;
  let privateDir: string;

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'xpra-config-test-'));
    userDir = path.join(root, 'user');
    privateDir = path.join(root, 'private');
    await fs.mkdir(path.join(userDir, 'conf.d'), { recursive: true });
    await fs.writeFile(path.join(userDir, 'conf.d', '10-speaker.conf'), 'speaker = off\n');
    await fs.writeFile(
      path.join(userDir, CONFIG_NAME),
      'dpi = 96\nbind-tcp = 0.0.0.0:14500\n  bind-wss=0.0.0.0:14501\nbind = auto\n',
    );
    await writePrivateConfig(privateDir, { XPRA_USER_CONF_DIRS: userDir });
  });

  after(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('links a file without network sockets', async () => {
    const link = path.join(privateDir, 'conf.d', '01-10-speaker.conf');
    assert.equal((await fs.lstat(link)).isSymbolicLink(), true);
    assert.equal(await fs.readlink(link), path.join(userDir, 'conf.d', '10-speaker.conf'));
  });

  it('copies a file without its bind lines', async () => {
    const copy = path.join(privateDir, 'conf.d', `02-${CONFIG_NAME}`);
    assert.equal((await fs.lstat(copy)).isSymbolicLink(), false);
    const lines = (await fs.readFile(copy, 'utf8')).split('\n');
    assert.equal(lines[0], 'dpi = 96');
    assert.equal(lines[1], '# dropped by xpra-sessions: bind-tcp = 0.0.0.0:14500');
    assert.equal(lines[2], '# dropped by xpra-sessions:   bind-wss=0.0.0.0:14501');
    assert.equal(lines[3], 'bind = auto');
  });

  it('writes the copy with mode 0600', async () => {
    const stat = await fs.stat(path.join(privateDir, 'conf.d', `02-${CONFIG_NAME}`));
    assert.equal(stat.mode & 0o777, 0o600);
  });

  it('empties the start list', async () => {
    const text = await fs.readFile(path.join(privateDir, CONFIG_NAME), 'utf8');
    assert.match(text, /^start =$/m);
  });
});
