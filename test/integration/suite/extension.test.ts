/**
 * The extension inside a real VS Code (code-server's, with headless Chromium as the
 * renderer), attached to a real xpra server that runs xterm on loopback.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { PNG } from 'pngjs';
import * as vscode from 'vscode';
import { startLocalServer, stopLocalServer } from '../../../src/server';
import type { ConnectionSummary } from '../../../src/vscode/controller';
import type { XpraExtensionApi } from '../../../src/vscode/extension';
import type { StartedLocalServer } from '../../../src/vscode/local-server';

const EXTENSION_ID = 'xpra-sessions.xpra-sessions';

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 30000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function xpraTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('xpra.window'));
}

/**
 * Asks the test-host shim for a screenshot of the visible editor webview and returns the
 * decoded PNG. The request travels as a line on stdout, which the shim reads.
 */
async function screenshotWebview(): Promise<PNG> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xpra-shot-')), 'webview.png');
  process.stdout.write(`xpra-test-host: screenshot webview ${file}\n`);
  await waitFor('the webview screenshot', () => fs.existsSync(file) || fs.existsSync(`${file}.error`), 30000);
  if (fs.existsSync(`${file}.error`)) {
    throw new Error(`the screenshot failed: ${fs.readFileSync(`${file}.error`, 'utf8')}`);
  }
  const png = PNG.sync.read(fs.readFileSync(file));
  const keep = process.env.XPRA_INTEGRATION_SCREENSHOT;
  if (keep) fs.copyFileSync(file, keep);
  return png;
}

/**
 * Measures an xterm (white background, black text) in a screenshot: the box of near-white
 * pixels, and how many dark pixels (glyphs) lie inside that box.
 */
function measureTerminal(png: PNG): { white: number; box?: { x0: number; y0: number; x1: number; y1: number }; darkInBox: number } {
  const luminance = (x: number, y: number): number => {
    const i = (y * png.width + x) * 4;
    return 0.299 * png.data[i] + 0.587 * png.data[i + 1] + 0.114 * png.data[i + 2];
  };
  let white = 0;
  let box: { x0: number; y0: number; x1: number; y1: number } | undefined;
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      if (luminance(x, y) < 240) continue;
      white++;
      if (!box) box = { x0: x, y0: y, x1: x, y1: y };
      box.x0 = Math.min(box.x0, x);
      box.y0 = Math.min(box.y0, y);
      box.x1 = Math.max(box.x1, x);
      box.y1 = Math.max(box.y1, y);
    }
  }
  let darkInBox = 0;
  if (box) {
    for (let y = box.y0; y <= box.y1; y++) {
      for (let x = box.x0; x <= box.x1; x++) if (luminance(x, y) < 80) darkInBox++;
    }
  }
  return { white, box, darkInBox };
}

suite('Xpra extension in VS Code', () => {
  let api: XpraExtensionApi;
  let started: StartedLocalServer | undefined;
  /** The title of the tab that shows xterm. */
  let terminalTitle = '';

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<XpraExtensionApi>(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} is not installed`);
    api = await extension.activate();
    // On a dark theme an unpainted tab is dark, so the white of xterm can only come from xpra.
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', 'Default Dark Modern', vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    api?.disconnectAll();
    if (started) await vscode.commands.executeCommand('xpra.stopLocalServer', started.server.id);
  });

  test('commands are registered', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const command of ['xpra.attach', 'xpra.disconnect', 'xpra.startLocalServer', 'xpra.stopLocalServer', 'xpra.showLog']) {
      assert.ok(commands.includes(command), `${command} is not registered`);
    }
  });

  test('extension host runs on Node', () => {
    assert.equal(typeof process.versions.node, 'string');
    assert.equal(typeof tls.connect, 'function');
  });

  test('local server opens a painted xterm tab', async () => {
    started = await vscode.commands.executeCommand<StartedLocalServer | undefined>('xpra.startLocalServer');
    assert.ok(started, 'the local server did not start (see the Xpra log)');
    assert.equal(started.attached, true, 'the local server started but the attach failed');

    const connection = await waitFor('a connected session', () =>
      api.connections().find((each) => each.uri === started?.server.uri && each.state === 'connected'),
    );
    assert.equal(connection.insecure, false);
    const isTerminal = (each: { title: string; hasTab: boolean }): boolean => each.hasTab && /xterm|@/.test(each.title);
    const terminal = await waitFor('an xterm tab', () => current(api, connection.id)?.windows.find(isTerminal));
    // A tab that is not the active one is not painted, so bring xterm's to the front.
    await showTab(terminal.title);
    const window = await waitFor(
      'a painted xterm window',
      () => current(api, connection.id)?.windows.find((each) => isTerminal(each) && each.painted > 0),
      45000,
    );
    assert.equal(window.failed, 0, `the webview failed to decode ${window.failed} draws`);

    const tabs = await waitFor('an xpra tab', () => (xpraTabs().length > 0 ? xpraTabs() : undefined));
    const topLevel = current(api, connection.id)?.windows.filter((each) => each.hasTab) ?? [];
    const windows = JSON.stringify(topLevel);
    // Besides xterm, Debian's xpra.conf starts `/etc/X11/Xsession true`, which may show an xmessage.
    assert.equal(tabs.length, topLevel.length, `tabs ${tabs.map((tab) => tab.label).join(', ')} for windows ${windows}`);
    const labels = tabs.map((tab) => tab.label).sort();
    assert.deepEqual(labels, topLevel.map((each) => each.title || `Window ${each.wid}`).sort());
    terminalTitle = window.title;
    assert.ok(api.statusText().includes('local server'), `status bar reads "${api.statusText()}"`);
    assert.ok(!api.statusText().includes('insecure'), `status bar reads "${api.statusText()}"`);
  });

  test('xterm pixels are visible in the tab', async () => {
    await showTab(terminalTitle);
    // Give the xterm time to draw its prompt after the first paint.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const png = await screenshotWebview();
    const terminal = measureTerminal(png);
    const share = terminal.white / (png.width * png.height);
    // xterm fills the tab, apart from the cells' rounding at the right and bottom edges.
    assert.ok(share > 0.5, `only ${(share * 100).toFixed(2)}% of the webview is xterm-white`);
    assert.ok(terminal.box, 'no xterm-white area in the webview');
    assert.ok(terminal.darkInBox > 30, `only ${terminal.darkInBox} dark (text) pixels inside the xterm area`);
  });

  test('tab follows the panel size', async () => {
    const id = api.connections().find((each) => each.state === 'connected')?.id;
    assert.ok(id !== undefined);
    // xterm starts at 80x24 cells; a tab much larger than that grows it to the tab's size.
    const window = await waitFor('the window to grow to its tab', () =>
      current(api, id)?.windows.find((each) => each.hasTab && each.width > 600 && each.height > 400),
    );
    assert.ok(window.width <= 2560);
  });

  test('status bar shows the latency', async () => {
    // The client pings every few seconds; the first echo sets the latency.
    await waitFor('a latency in the status bar', () => /\d+ ms/.test(api.statusText()) || undefined, 20000);
  });

  test('hidden tab suspends and reveal refreshes', async () => {
    const connection = api.connections().find((each) => each.state === 'connected');
    assert.ok(connection);
    const paintedBefore = connection.windows.find((each) => each.title === terminalTitle)?.painted ?? 0;
    // A text editor in the same group hides the xterm tab.
    const document = await vscode.workspace.openTextDocument({ content: 'hides the xterm tab' });
    await vscode.window.showTextDocument(document, { preview: false });
    await waitFor('the session to be suspended', () => current(api, connection.id)?.suspended || undefined, 15000);
    await showTab(terminalTitle);
    await waitFor('the session to resume', () => current(api, connection.id)?.suspended === false || undefined, 15000);
    // The page of a revealed tab is new, so the server has to paint the whole window again.
    await waitFor('a refresh paint', () => {
      const painted = current(api, connection.id)?.windows.find((each) => each.title === terminalTitle)?.painted ?? 0;
      return painted > paintedBefore || undefined;
    }, 15000);
    const textTab = vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .find((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === document.uri.toString());
    if (textTab) await vscode.window.tabGroups.close(textTab);
    await showTab(terminalTitle);
  });

  test('attach without the CA is rejected', async () => {
    assert.ok(started);
    const tabsBefore = xpraTabs().length;
    // With the client certificate but without the CA, only the server check can fail.
    const ok = await vscode.commands.executeCommand<boolean>('xpra.attach', {
      uri: started.server.uri,
      tls: { verifyMode: 'required', certFile: started.server.clientCertFile, keyFile: started.server.clientKeyFile },
    });
    assert.equal(ok, false);
    const failed = api.connections().filter((each) => each.state === 'disconnected' && each.reason);
    assert.ok(failed.length > 0, 'the failed attach left no reason');
    assert.match(failed[failed.length - 1].reason ?? '', /issuer|self-signed|certificate/i);
    assert.equal(xpraTabs().length, tabsBefore, 'the failed attach changed the tabs');
  });

  test('certificate check reports the result', async () => {
    assert.ok(started);
    const clientCertificate = { certFile: started.server.clientCertFile, keyFile: started.server.clientKeyFile };
    const good = await vscode.commands.executeCommand<{ verified: boolean }>('xpra.checkServerCertificate', {
      uri: started.server.uri,
      tls: { verifyMode: 'required', caCertFile: started.server.caCertFile, ...clientCertificate },
    });
    assert.equal(good?.verified, true);
    const bad = await vscode.commands.executeCommand<{ verified: boolean; failure?: { check: string } }>(
      'xpra.checkServerCertificate',
      { uri: started.server.uri, tls: { verifyMode: 'required', ...clientCertificate } },
    );
    assert.equal(bad?.verified, false);
    assert.match(bad?.failure?.check ?? '', /issuer|self-signed/);
    // The reports opened as untitled text editors; close them so the xterm tab is in front again.
    const reports = vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .filter((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.scheme === 'untitled');
    assert.equal(reports.length, 2);
    await vscode.window.tabGroups.close(reports);
    await showTab(terminalTitle);
  });

  test('reattach takes over the tab', async () => {
    assert.ok(started);
    const first = api.connections().find((each) => each.state === 'connected');
    assert.ok(first);
    const tabsBefore = xpraTabs().length;
    const ok = await vscode.commands.executeCommand<boolean>('xpra.attach', {
      uri: started.server.uri,
      tls: {
        verifyMode: 'required',
        caCertFile: started.server.caCertFile,
        certFile: started.server.clientCertFile,
        keyFile: started.server.clientKeyFile,
      },
    });
    assert.equal(ok, true);
    // The server serves one client at a time, so the new session takes over from the first.
    // Its window then adopts the tab that the first session left.
    const second = await waitFor('the new session to paint', () =>
      api.connections().find((each) => each.id !== first.id && each.windows.some((window) => window.painted > 0)),
    );
    assert.equal(second.state, 'connected');
    await waitFor('the first session to end', () => current(api, first.id)?.state !== 'connected' || undefined);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(xpraTabs().length, tabsBefore);
  });

  test('session file attaches', async () => {
    assert.ok(started);
    const before = new Set(api.connections().map((each) => each.id));
    const ok = await vscode.commands.executeCommand<boolean>('xpra.attachSessionFile', vscode.Uri.file(started.server.sessionFile));
    assert.equal(ok, true);
    const connection = await waitFor('the session-file session to paint', () =>
      api.connections().find((each) => !before.has(each.id) && each.windows.some((window) => window.painted > 0)),
    );
    assert.equal(connection.state, 'connected');
    assert.equal(connection.insecure, false);
    await waitFor('the older sessions to end', () =>
      api.connections().every((each) => each.id === connection.id || each.state === 'disconnected') || undefined,
    );
  });

  test('closing the tab closes the remote window', async () => {
    const connection = api.connections().find((each) => each.state === 'connected');
    assert.ok(connection);
    // A tab left by a session that the last attach took over closes once no window adopts it.
    await waitFor('one xterm tab', () => xpraTabs().filter((each) => each.label === terminalTitle).length === 1 || undefined, 15000);
    const tab = xpraTabs().find((each) => each.label === terminalTitle);
    assert.ok(tab, `no tab titled "${terminalTitle}"`);
    await vscode.window.tabGroups.close(tab);
    // xterm exits when its window is closed, so the server reports the window as lost.
    await waitFor('the xterm window to be lost', () =>
      current(api, connection.id)?.windows.every((each) => each.title !== terminalTitle) || undefined,
      15000,
    );
    assert.equal(xpraTabs().filter((each) => each.label === terminalTitle).length, 0);
  });

  test('disconnect command closes the tab', async () => {
    assert.equal(api.connections().filter((each) => each.state !== 'disconnected').length, 1);
    await vscode.commands.executeCommand('xpra.disconnect');
    await waitFor('every xpra tab to close', () => xpraTabs().length === 0, 15000);
    assert.equal(api.connections().filter((each) => each.state !== 'disconnected').length, 0);
    assert.ok(api.statusText().includes('disconnected'), `status bar reads "${api.statusText()}"`);
  });

  test('session file password reaches the server', async () => {
    // A tcp-mode local server requires the password in its session file's password-file.
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xpra-it-'));
    const server = await startLocalServer({ stateDir, mode: 'tcp', start: 'xterm' });
    try {
      assert.ok(server.passwordFile, 'a tcp-mode server has a password file');
      const before = new Set(api.connections().map((each) => each.id));
      const ok = await vscode.commands.executeCommand<boolean>('xpra.attachSessionFile', vscode.Uri.file(server.sessionFile));
      assert.equal(ok, true, `attach failed: ${api.connections().at(-1)?.reason}`);
      const connection = await waitFor('the password session to paint', () =>
        api.connections().find((each) => !before.has(each.id) && each.windows.some((window) => window.painted > 0)),
      45000);
      assert.equal(connection.state, 'connected');
    } finally {
      api.disconnectAll();
      await stopLocalServer(server, { stateDir });
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });

  test('stop local server stops it', async () => {
    assert.ok(started);
    const pid = started.server.pid;
    const stopped = await vscode.commands.executeCommand<boolean>('xpra.stopLocalServer', started.server.id);
    assert.equal(stopped, true);
    started = undefined;
    await waitFor('the xpra process to exit', () => !processExists(pid), 15000);
  });
});

/** Makes the xpra tab titled `title` the active editor, so its webview is the visible one. */
async function showTab(title: string): Promise<void> {
  const labels = (): string => vscode.window.tabGroups.all.flatMap((group) => group.tabs.map((tab) => tab.label)).join(', ');
  const found = await waitFor(`a tab titled "${title}"`, () => {
    for (const group of vscode.window.tabGroups.all) {
      const index = group.tabs.findIndex((tab) => tab.label === title);
      if (index >= 0) return { group, index };
    }
    return undefined;
  }).catch((error: Error) => {
    throw new Error(`${error.message}; the tabs are: ${labels()}`);
  });
  await vscode.commands.executeCommand('workbench.action.focusFirstEditorGroup');
  await vscode.commands.executeCommand('workbench.action.openEditorAtIndex', found.index);
  await waitFor(`tab "${title}" to be active`, () => found.group.activeTab?.label === title);
}

function current(api: XpraExtensionApi, id: number): ConnectionSummary | undefined {
  return api.connections().find((each) => each.id === id);
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
