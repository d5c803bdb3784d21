/**
 * The .xpra language inside a real VS Code: diagnostics of a broken file, the ssl-ca-data
 * hover, the code action that inlines a CA file as hex, completion and the outline.
 * A mocha (tdd) suite for the extension host, run by scripts/run-integration.mjs.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'xpra-sessions.xpra-sessions';

async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false,
  timeoutMs = 20000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n');
}

suite('Xpra session files in VS Code', () => {
  let folder: string;
  let caFile: string;
  let caPem: string;

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} is not installed`);
    await extension.activate();
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'xpra-language-it-'));
    caFile = path.join(folder, 'ca.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '30',
        '-subj',
        '/CN=Integration Test CA',
        '-keyout',
        path.join(folder, 'ca.key'),
        '-out',
        caFile,
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      { stdio: 'ignore' },
    );
    caPem = fs.readFileSync(caFile, 'utf8');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(folder, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  async function open(name: string, text: string): Promise<vscode.TextDocument> {
    const file = path.join(folder, name);
    fs.writeFileSync(file, text);
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(document);
    return document;
  }

  test('broken file shows the expected diagnostics', async () => {
    const document = await open(
      'broken.xpra',
      'mode=ssl\nhost=localhost\nport=70000\nssh-port=22\nautoconnect=yes\nautoconnect=no\n',
    );
    assert.equal(document.languageId, 'xpra');
    const diagnostics = await waitFor('diagnostics', () => {
      const found = vscode.languages.getDiagnostics(document.uri);
      return found.length >= 3 ? found : undefined;
    });
    const summary = diagnostics
      .map(
        (item) =>
          `${vscode.DiagnosticSeverity[item.severity]} ${String(item.code)} ${item.range.start.line}:${item.range.start.character}`,
      )
      .sort();
    assert.deepEqual(summary, [
      'Error duplicate-key 5:0',
      'Error misspelled-key 3:0',
      'Error port-out-of-range 2:5',
    ]);
    assert.ok(diagnostics.every((item) => item.source === 'xpra'));
  });

  test('diagnostics follow edits', async () => {
    const document = await open('edited.xpra', 'mode=ssl\nhost=localhost\nport=10000\n');
    const editor = await vscode.window.showTextDocument(document);
    await editor.edit((builder) => builder.insert(new vscode.Position(3, 0), 'Host=x\n'));
    const diagnostics = await waitFor('the diagnostic of the new line', () => {
      const found = vscode.languages.getDiagnostics(document.uri);
      return found.some((item) => item.code === 'misspelled-key') ? found : undefined;
    });
    assert.equal(diagnostics.find((item) => item.code === 'misspelled-key')?.range.start.line, 3);
  });

  test('hover shows the certificate subject', async () => {
    const hex = Buffer.from(caPem).toString('hex');
    const document = await open(
      'hover.xpra',
      `mode=ssl\nhost=localhost\nport=10000\nssl-ca-data=${hex}\n`,
    );
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      document.uri,
      new vscode.Position(3, 20),
    );
    const text = hoverText(hovers);
    assert.match(text, /CN=Integration Test CA/);
    assert.match(text, /hex of PEM/);
    assert.match(text, /SHA-256/);
  });

  test('hover documents a key', async () => {
    const document = await open('key-hover.xpra', 'mode=ssl\nhost=localhost\nport=10000\n');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      document.uri,
      new vscode.Position(0, 1),
    );
    assert.match(hoverText(hovers), /\*\*mode\*\*/);
  });

  test('code action inlines the CA file as hex', async () => {
    const document = await open(
      'inline.xpra',
      `mode=ssl\nhost=localhost\nport=10000\nssl-ca-certs=${caFile}\n`,
    );
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      new vscode.Range(3, 0, 3, 0),
    );
    const inline = actions.find((action) => action.title === 'Inline the CA file as ssl-ca-data');
    assert.ok(
      inline?.command,
      `no inline action among: ${actions.map((action) => action.title).join(', ')}`,
    );
    await vscode.commands.executeCommand(
      inline.command.command,
      ...(inline.command.arguments ?? []),
    );
    const expected = `ssl-ca-data=${Buffer.from(caPem).toString('hex')}`;
    await waitFor('the inserted hex', () => document.getText().includes(expected));
    assert.equal(document.lineAt(3).text, expected);
  });

  test('quick fix renames a misspelled key', async () => {
    const document = await open('fix.xpra', 'mode=ssl\nhost=localhost\nport=10000\nssh-port=22\n');
    await waitFor('the diagnostic', () => vscode.languages.getDiagnostics(document.uri).length > 0);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      new vscode.Range(3, 0, 3, 0),
    );
    const fix = actions.find((action) => action.title === "Change to 'ssh_port'");
    assert.ok(fix?.edit);
    await vscode.workspace.applyEdit(fix.edit);
    assert.equal(document.lineAt(3).text, 'ssh_port=22');
  });

  test('completion offers keys and values', async () => {
    const document = await open(
      'complete.xpra',
      'mode=ssl\nhost=localhost\nport=10000\nssl-server-verify-mode=\nssl-ca\n',
    );
    const values = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      document.uri,
      new vscode.Position(3, 23),
    );
    const labels = values.items.map((item) =>
      typeof item.label === 'string' ? item.label : item.label.label,
    );
    assert.ok(labels.includes('required'), labels.join(', '));
    const keys = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      document.uri,
      new vscode.Position(4, 6),
    );
    const keyLabels = keys.items.map((item) =>
      typeof item.label === 'string' ? item.label : item.label.label,
    );
    assert.ok(keyLabels.includes('ssl-ca-data'));
  });

  test('outline groups the keys', async () => {
    const document = await open(
      'outline.xpra',
      'mode=ssl\nhost=localhost\nport=10000\nssl-ca-certs=/etc/ca.pem\nquality=50\n',
    );
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>(
      'vscode.executeDocumentSymbolProvider',
      document.uri,
    );
    assert.deepEqual(
      symbols.map((symbol) => symbol.name),
      ['Connection', 'TLS', 'Options'],
    );
    assert.deepEqual(
      symbols[0].children.map((symbol) => symbol.name),
      ['mode', 'host', 'port'],
    );
  });
});
