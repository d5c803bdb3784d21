import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  execToCommand, parseDesktopEntry, readDesktopApplications, readDesktopEntryGroup,
} from '../../../../src/vscode/local-servers/desktop-apps';

const entry = (lines: string[]): string => `${lines.join('\n')}\n`;

describe('desktop entry group', () => {
  it('reads only [Desktop Entry] keys', () => {
    const keys = readDesktopEntryGroup(entry([
      '# comment',
      '[Desktop Entry]',
      'Name=Editor',
      'Name[de]=Bearbeiter',
      'Exec=editor %F',
      '[Desktop Action new-window]',
      'Exec=editor --new-window',
    ]));
    assert.equal(keys.get('Name'), 'Editor');
    assert.equal(keys.get('Exec'), 'editor %F');
    assert.equal(keys.has('Name[de]'), false);
  });

  it('keeps the first of repeated keys', () => {
    const keys = readDesktopEntryGroup(entry(['[Desktop Entry]', 'Exec=first', 'Exec=second']));
    assert.equal(keys.get('Exec'), 'first');
  });
});

describe('execToCommand', () => {
  const cases: [string, string | undefined][] = [
    ['/usr/bin/chromium %U', '/usr/bin/chromium'],
    ['vim %F', 'vim'],
    ['display -nostdin %F', 'display -nostdin'],
    ['app --icon %i --name %c "%u"', 'app --icon --name'],
    ['printf 100%%', 'printf 100%'],
    ['xterm', 'xterm'],
    ['%U', undefined],
    ['   ', undefined],
  ];
  for (const [exec, expected] of cases) {
    it(`turns ${JSON.stringify(exec)} into ${JSON.stringify(expected)}`, () => {
      assert.equal(execToCommand(exec), expected);
    });
  }
});

describe('parseDesktopEntry', () => {
  it('returns name and command', () => {
    const application = parseDesktopEntry(entry(['[Desktop Entry]', 'Type=Application', 'Name=Chromium', 'Exec=/usr/bin/chromium %U']), 'c.desktop');
    assert.deepEqual(application, { name: 'Chromium', command: '/usr/bin/chromium', file: 'c.desktop' });
  });

  it('wraps terminal applications in xterm', () => {
    const application = parseDesktopEntry(entry(['[Desktop Entry]', 'Type=Application', 'Name=Vim', 'Exec=vim %F', 'Terminal=true']), 'v.desktop');
    assert.equal(application?.command, 'xterm -e vim');
  });

  it('skips hidden and NoDisplay entries', () => {
    for (const flag of ['NoDisplay=true', 'Hidden=true']) {
      const text = entry(['[Desktop Entry]', 'Type=Application', 'Name=Daemon', 'Exec=daemon', flag]);
      assert.equal(parseDesktopEntry(text, 'd.desktop'), undefined, flag);
    }
  });

  it('skips links, missing Exec and xpra itself', () => {
    assert.equal(parseDesktopEntry(entry(['[Desktop Entry]', 'Type=Link', 'Name=Site', 'URL=https://example.com/']), 'l'), undefined);
    assert.equal(parseDesktopEntry(entry(['[Desktop Entry]', 'Type=Application', 'Name=Nothing']), 'n'), undefined);
    assert.equal(parseDesktopEntry(entry(['[Desktop Entry]', 'Type=Application', 'Name=Xpra', 'Exec=xpra']), 'x'), undefined);
    assert.equal(parseDesktopEntry(entry(['[Desktop Entry]', 'Type=Application', 'Name=L', 'Exec=/usr/bin/xpra_launcher %f']), 'x'), undefined);
  });

  it('rejects binary garbage', () => {
    assert.equal(parseDesktopEntry('\u0000\u0001[Desktop Entry\n=\n==Exec', 'g'), undefined);
  });
});

describe('readDesktopApplications', () => {
  it('sorts, deduplicates and skips bad files', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'xpra-desktop-test-'));
    try {
      const write = (name: string, lines: string[]): Promise<void> => fs.writeFile(path.join(dir, name), entry(lines));
      await write('zeta.desktop', ['[Desktop Entry]', 'Type=Application', 'Name=Zeta', 'Exec=zeta']);
      await write('alpha.desktop', ['[Desktop Entry]', 'Type=Application', 'Name=Alpha', 'Exec=alpha %u']);
      await write('alpha-copy.desktop', ['[Desktop Entry]', 'Type=Application', 'Name=Alpha Again', 'Exec=alpha']);
      await write('notes.txt', ['[Desktop Entry]', 'Type=Application', 'Name=Notes', 'Exec=notes']);
      await fs.writeFile(path.join(dir, 'huge.desktop'), `[Desktop Entry]\nType=Application\nName=Huge\nExec=huge\n${'#'.repeat(70_000)}`);
      await fs.mkdir(path.join(dir, 'folder.desktop'));

      const applications = await readDesktopApplications([dir, path.join(dir, 'missing')]);
      // alpha-copy.desktop sorts before alpha.desktop, so its entry is the one kept for `alpha`.
      assert.deepEqual(applications.map((each) => each.name), ['Alpha Again', 'Zeta']);
      assert.equal(applications[0].command, 'alpha');
      assert.equal(applications[0].file, path.join(dir, 'alpha-copy.desktop'));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
