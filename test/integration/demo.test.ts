/**
 * Runs `npm run demo -- --screenshot FILE --reload` without its set-up step: the packaged
 * extension in code-server, the start command from the palette, xterm painted in its tab,
 * the tab restored and painted again after the editor window reloads, and a command typed
 * into the tab showing in xterm.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { PNG } from 'pngjs';

const root = path.resolve(__dirname, '..', '..');

test('demo screenshot survives a reload', { timeout: 600000 }, () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'xpra-demo-test-'));
  const file = path.join(folder, 'demo.png');
  let passed = false;
  try {
    const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'demo.mjs'), '--screenshot', file, '--reload'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 590000,
    });
    const output = `${result.stdout}\n${result.stderr}`;
    assert.equal(result.status, 0, `demo.mjs exited with ${result.status}:\n${output.slice(-4000)}`);
    assert.match(output, /restored and painted again/);
    assert.match(output, /typed into xterm from the editor tab/, 'text typed into the tab did not show in xterm');
    const png = PNG.sync.read(fs.readFileSync(file));
    assert.equal(png.width, 1400);
    assert.equal(png.height, 900);
    passed = true;
  } finally {
    // A failed run keeps demo.failed.png, which shows the editor and the Xpra log.
    if (passed) fs.rmSync(folder, { recursive: true, force: true });
  }
});
