#!/usr/bin/env node
// Runs test/integration/suite/ inside VS Code with @vscode/test-electron's runTests.
// VS Code is the executable in $VSCODE_EXECUTABLE when set (a desktop `code`, for example);
// otherwise the code-server test host (scripts/code-server-test-host.js), because no desktop
// VS Code can be downloaded offline. Exits 0 when every test passed.
//
// Needs `node esbuild.mjs` (the extension and the webview bundle) and, for the default
// host, `bash scripts/setup-test-host.sh`.
import * as esbuild from 'esbuild';
import { runTests } from '@vscode/test-electron';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const suiteDir = path.join(root, 'test', 'integration', 'suite');
const outDir = path.join(root, 'out', 'integration');

for (const built of ['dist/extension.js', 'media/webview.js']) {
  if (!existsSync(path.join(root, built))) {
    console.error(`run-integration: ${built} is missing; run: node esbuild.mjs`);
    process.exit(1);
  }
}

// One bundle per file, so mocha finds the *.test.js files beside index.js.
rmSync(outDir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: readdirSync(suiteDir)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(suiteDir, file)),
  outdir: outDir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});

const executable = process.env.VSCODE_EXECUTABLE || path.join(root, 'scripts', 'code-server-test-host.js');
const workspace = mkdtempSync(path.join(tmpdir(), 'xpra-it-ws-'));
try {
  await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(outDir, 'index.js'),
    launchArgs: [workspace, '--disable-extensions'],
  });
  console.log('run-integration: all integration tests passed');
} catch (error) {
  console.error(`run-integration: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
