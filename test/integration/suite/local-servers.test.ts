/**
 * The "Local Servers" view inside a real VS Code, with real xpra servers on loopback:
 * started through the API and commands, listed by the view, stopped, and cleaned up when
 * their process is gone.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LocalServer } from '../../../src/server';
import type { XpraExtensionApi } from '../../../src/vscode/extension';
import type { StartedLocalServer } from '../../../src/vscode/local-server';
import { LocalServersProvider, OwnServerItem, type LocalServerItem } from '../../../src/vscode/local-servers/view';

const EXTENSION_ID = 'xpra-sessions.xpra-sessions';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Returns the view item of `server`. The items come from the extension's bundle, whose
 * classes differ from this bundle's, so they are matched by their fields, not `instanceof`.
 */
function findOwnItem(items: LocalServerItem[], server: LocalServer): OwnServerItem | undefined {
  return items.find((item): item is OwnServerItem =>
    Boolean(item.contextValue?.startsWith('xpra.ours.')) && (item as OwnServerItem).server.id === server.id);
}

/** Returns the state folder of the extension, which contains `servers/<id>/session.xpra`. */
function stateDirOf(server: LocalServer): string {
  return path.dirname(path.dirname(path.dirname(server.sessionFile)));
}

suite('Local Servers view', () => {
  let api: XpraExtensionApi;
  const started: LocalServer[] = [];

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<XpraExtensionApi>(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} is not installed`);
    api = await extension.activate();
  });

  suiteTeardown(async () => {
    api?.disconnectAll();
    for (const server of started) await vscode.commands.executeCommand('xpra.stopLocalServer', server.id);
  });

  test('view commands are registered', async () => {
    const commands = await vscode.commands.getCommands(true);
    const expected = [
      'xpra.startLocalServerWithOptions', 'xpra.localServers.refresh', 'xpra.localServers.attach',
      'xpra.localServers.showLog', 'xpra.localServers.copyUri', 'xpra.localServers.copyHttpsUrl',
      'xpra.localServers.exportClientCertificate', 'xpra.openSessionFile', 'xpra.copySessionFile',
      'xpra.saveSessionFileAs',
    ];
    for (const command of expected) assert.ok(commands.includes(command), `${command} is not registered`);
  });

  test('tcp server attaches with its password file', async () => {
    const result = await vscode.commands.executeCommand<StartedLocalServer | undefined>(
      'xpra.startLocalServer', { mode: 'tcp', start: 'xterm' },
    );
    assert.ok(result, 'the tcp server did not start (see the Xpra log)');
    started.push(result.server);
    assert.equal(result.server.mode, 'tcp');
    assert.ok(result.server.passwordFile, 'a tcp server has a password file');
    assert.equal(result.attached, true, 'attaching with the password file failed');
    await waitFor('a window of the tcp server', () =>
      api.connections().find((each) => each.uri === result.server.uri && each.state === 'connected' && each.windows.length > 0),
    );
  });

  test('view lists the attached server', async () => {
    const server = started[0];
    const item = await waitFor('the tcp server in the view', async () => findOwnItem(await api.localServerItems(), server));
    assert.equal(item.contextValue, 'xpra.ours.tcp');
    assert.match(String(item.description), new RegExp(`tcp 127\\.0\\.0\\.1:${server.port}`));
    assert.match(String(item.description), /attached/);
  });

  test('copy URI returns the server URI', async () => {
    const server = started[0];
    const item = findOwnItem(await api.localServerItems(), server);
    assert.ok(item);
    const uri = await vscode.commands.executeCommand<string>('xpra.localServers.copyUri', item);
    assert.equal(uri, server.uri);
    assert.equal(await vscode.env.clipboard.readText(), server.uri);
  });

  test('open session file shows it', async () => {
    const server = started[0];
    await vscode.commands.executeCommand('xpra.openSessionFile', server.id);
    const editor = await waitFor('the session file editor', () =>
      vscode.window.activeTextEditor?.document.uri.fsPath === server.sessionFile && vscode.window.activeTextEditor,
    );
    assert.equal(editor.document.languageId, 'xpra');
    assert.match(editor.document.getText(), new RegExp(`^port=${server.port}$`, 'm'));
    assert.match(editor.document.getText(), /^password-file=/m);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('www server offers its HTTPS URL', async () => {
    const result = await api.startLocalServer({ mode: 'www', start: 'xterm' });
    assert.ok(result, 'the www server did not start (see the Xpra log)');
    started.push(result.server);
    const item = await waitFor('the www server in the view', async () => findOwnItem(await api.localServerItems(), result.server));
    assert.equal(item.contextValue, 'xpra.ours.www');
    const url = await vscode.commands.executeCommand<string>('xpra.localServers.copyHttpsUrl', item);
    assert.equal(url, `https://127.0.0.1:${result.server.port}/`);

    const page = await fetchWithClientCertificate(url, result.server);
    assert.equal(page.status, 200);
    assert.match(page.body, /<html/i, 'the www server did not serve the HTML5 client');
    await assert.rejects(fetchWithClientCertificate(url, { ...result.server, clientCertFile: '', clientKeyFile: '' }),
      'the www server served a client without the client certificate');
  });

  test('picked choices are remembered', async () => {
    // Answers the four quick picks as a person would: the start command and free port and
    // display stay on their first item, and the socket kind moves two items down to www.
    const starting = vscode.commands.executeCommand<StartedLocalServer | undefined>('xpra.startLocalServerWithOptions');
    const steps: number[] = [0, 2, 0, 0];
    for (const moves of steps) {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      for (let move = 0; move < moves; move++) await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    const result = await starting;
    assert.ok(result, 'no server started after the quick picks (see the Xpra log)');
    started.push(result.server);
    // The command starts with the choices it saved, so www proves that they were stored.
    assert.equal(result.server.mode, 'www');
    assert.equal(result.server.start, 'xterm');
  });

  test('new provider lists servers from state files', async () => {
    // A reloaded window lists the servers with a new provider, from the state files alone.
    // A second XpraLog would share the extension's output channel and close it on dispose.
    const ignore = (): void => undefined;
    const log = { trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore };
    const provider = new LocalServersProvider(stateDirOf(started[0]), () => false, log);
    try {
      const items = await provider.getChildren();
      for (const server of started) {
        const item = findOwnItem(items, server);
        assert.ok(item, `server ${server.id} is missing after a fresh listing`);
        assert.doesNotMatch(String(item.description), /attached/);
      }
    } finally {
      provider.dispose();
    }
  });

  test('stop removes the server from the view', async () => {
    const server = started[0];
    const item = findOwnItem(await api.localServerItems(), server);
    assert.ok(item);
    const stopped = await vscode.commands.executeCommand<boolean>('xpra.stopLocalServer', item);
    assert.equal(stopped, true);
    started.shift();
    assert.equal(findOwnItem(await api.localServerItems(), server), undefined);
    assert.equal(fs.existsSync(path.dirname(server.sessionFile)), false, 'the server folder was not removed');
    assert.equal(api.connections().some((each) => each.uri === server.uri && each.state === 'connected'), false);
  });

  test('exited server is cleaned up', async () => {
    const server = started[0];
    api.disconnectAll();
    process.kill(server.pid, 'SIGTERM');
    await waitFor('the xpra process to exit', () => !fs.existsSync(`/proc/${server.pid}`) || isZombie(server.pid), 20000);
    await waitFor('the stale entry to leave the view', async () => !findOwnItem(await api.localServerItems(), server));
    started.shift();
    assert.equal(fs.existsSync(path.dirname(server.sessionFile)), false, 'the stale server folder was not removed');
  });
});

/** Fetches `url` over HTTPS, verified against the server's CA, with its client certificate unless the paths are empty. */
function fetchWithClientCertificate(url: string, server: LocalServer): Promise<{ status: number; body: string }> {
  const options: https.RequestOptions = { ca: fs.readFileSync(server.caCertFile), timeout: 10000 };
  if (server.clientCertFile) {
    options.cert = fs.readFileSync(server.clientCertFile);
    options.key = fs.readFileSync(server.clientKeyFile);
  }
  return new Promise((resolve, reject) => {
    const request = https.get(url, options, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`timed out fetching ${url}`)));
    request.on('error', reject);
  });
}

function isZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return true;
  }
}
