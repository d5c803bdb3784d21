/**
 * Runs the extension's integration suite inside a real VS Code (scripts/run-integration.mjs)
 * so that node's test runner reports it with the other suites.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '..', '..');

test('integration suite passes inside VS Code', { timeout: 600000 }, () => {
  const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'run-integration.mjs')], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 590000,
  });
  const output = `${result.stdout}\n${result.stderr}`;
  // Shown by the runner on failure, and kept short enough to read.
  const tail = output.split('\n').slice(-80).join('\n');
  assert.equal(result.error, undefined, `run-integration.mjs could not run: ${result.error?.message}`);
  assert.equal(result.status, 0, `run-integration.mjs exited with ${result.status}:\n${tail}`);
  assert.match(output, /passing/, `mocha reported no passing tests:\n${tail}`);
  assert.doesNotMatch(output, /\d+ failing/, `mocha reported failures:\n${tail}`);
});
