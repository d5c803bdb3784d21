/**
 * The mocha entry point that VS Code's extension host loads (`extensionTestsPath`).
 * scripts/run-integration.mjs bundles this folder to out/integration/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

export function run(): Promise<void> {
  // In code-server's remote extension host console.log reaches only the browser console,
  // while process.stdout reaches the test-host shim, which prints it.
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  base.consoleLog = (...args: unknown[]) => {
    process.stdout.write(`${format(...args)}\n`);
  };
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 120000 });
  for (const file of fs.readdirSync(__dirname).sort()) {
    if (file.endsWith('.test.js')) mocha.addFile(path.join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration tests failed`)) : resolve()));
  });
}
