/** Completion of keys (with their documentation) and of values: enums, booleans and paths. */
import path from 'node:path';
import * as vscode from 'vscode';
import {
  OPTIONS,
  allowedValuesIn,
  formatVersions,
  getOption,
  isKeyAvailable,
  VERSIONS,
  type OptionSchema,
  type TargetVersion,
} from '../../session-file';
import { targetVersion } from './documents';
import { optionDocumentation } from './option-docs';

/** Options whose value names a file or directory. */
const PATH_OPTIONS = new Set([
  'ssl-ca-certs',
  'ssl-cert',
  'ssl-key',
  'password-file',
  'encryption-keyfile',
  'tcp-encryption-keyfile',
  'proxy_key',
  'download-path',
]);
const BOOLEAN_VALUES = ['yes', 'no'];
const MAX_PATH_ITEMS = 500;

export class SessionFileCompletionProvider implements vscode.CompletionItemProvider {
  async provideCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
  ): Promise<vscode.CompletionItem[] | undefined> {
    const line = document.lineAt(position.line).text;
    const before = line.slice(0, position.character);
    if (/^\s*[#!]/.test(before)) {
      return undefined;
    }
    const equals = before.indexOf('=');
    const version = targetVersion(document.uri);
    if (equals < 0) {
      const start = before.length - before.trimStart().length;
      const replace = new vscode.Range(
        position.line,
        start,
        position.line,
        keyEnd(line, position.character),
      );
      return keyItems(version, replace);
    }
    const option = getOption(before.slice(0, equals).trim());
    if (!option) {
      return undefined;
    }
    const typed = before.slice(equals + 1).trimStart();
    const valueStart = position.character - typed.length;
    if (PATH_OPTIONS.has(option.name)) {
      return pathItems(document, typed, position.line, valueStart, position.character);
    }
    const replace = new vscode.Range(position.line, valueStart, position.line, line.length);
    return valueItems(option, version, replace);
  }
}

function keyEnd(line: string, from: number): number {
  const equals = line.indexOf('=', from);
  return equals < 0 ? line.length : from + line.slice(from, equals).trimEnd().length;
}

function keyItems(version: TargetVersion, replace: vscode.Range): vscode.CompletionItem[] {
  const items: vscode.CompletionItem[] = [];
  for (const option of OPTIONS.values()) {
    if (option.notAllowedInFiles) {
      continue;
    }
    const item = new vscode.CompletionItem(option.name, vscode.CompletionItemKind.Property);
    item.detail = `${option.type}, ${option.scope}${option.sessionKey ? ', connection' : ''}`;
    item.documentation = optionDocumentation(option);
    item.insertText = `${option.name}=`;
    item.range = replace;
    item.command = { title: 'Suggest values', command: 'editor.action.triggerSuggest' };
    // Connection keys first, then client options, then server options that have no effect.
    let rank = 1;
    if (option.sessionKey) {
      rank = 0;
    } else if (option.scope === 'server') {
      rank = 2;
    }
    item.sortText = `${rank}${option.name}`;
    const ignoredBy = (version === 'any' ? VERSIONS : [version]).filter(
      (item) => !isKeyAvailable(option, item),
    );
    if (ignoredBy.length === (version === 'any' ? VERSIONS.length : 1)) {
      item.tags = [vscode.CompletionItemTag.Deprecated];
    }
    items.push(item);
  }
  return items;
}

function valueItems(
  option: OptionSchema,
  version: TargetVersion,
  replace: vscode.Range,
): vscode.CompletionItem[] {
  let values: string[] = [];
  if (option.type === 'bool') {
    values = BOOLEAN_VALUES;
  } else if (option.type === 'tristate') {
    values = [...BOOLEAN_VALUES, 'auto'];
  } else if (option.allowedValues) {
    values = version === 'any' ? option.allowedValues : allowedValuesIn(option, version);
  }
  const items = values.map((value, index) => {
    const item = new vscode.CompletionItem(
      value === '' ? "''" : value,
      vscode.CompletionItemKind.EnumMember,
    );
    item.insertText = value;
    item.range = replace;
    item.sortText = String(index).padStart(3, '0');
    const accepted = VERSIONS.filter((item) => allowedValuesIn(option, item).includes(value));
    if (option.valueVersions && accepted.length < VERSIONS.length) {
      item.detail = `xpra ${formatVersions(accepted)}`;
    }
    if (String(option.default) === value) {
      item.detail = item.detail ? `${item.detail}, default` : 'default';
    }
    return item;
  });
  if (option.name === 'ssl-ca-data') {
    const insert = new vscode.CompletionItem(
      'Insert CA Certificate…',
      vscode.CompletionItemKind.File,
    );
    insert.insertText = '';
    insert.command = { title: 'Insert CA Certificate…', command: 'xpra.insertCaCertificate' };
    items.push(insert);
  }
  return items;
}

async function pathItems(
  document: vscode.TextDocument,
  typed: string,
  line: number,
  valueStart: number,
  cursor: number,
): Promise<vscode.CompletionItem[]> {
  const directory = typed.includes('/') ? typed.slice(0, typed.lastIndexOf('/') + 1) : '';
  const base = directory === '' ? path.dirname(document.uri.fsPath) + '/' : directory;
  if (!path.isAbsolute(base) || document.uri.scheme !== 'file') {
    return [];
  }
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(vscode.Uri.file(base));
  } catch {
    return [];
  }
  const replace = new vscode.Range(line, valueStart, line, cursor);
  return entries.slice(0, MAX_PATH_ITEMS).map(([name, type]) => {
    const folder = (type & vscode.FileType.Directory) !== 0;
    const full = `${base}${name}${folder ? '/' : ''}`;
    const item = new vscode.CompletionItem(
      full,
      folder ? vscode.CompletionItemKind.Folder : vscode.CompletionItemKind.File,
    );
    item.range = replace;
    item.filterText = full;
    if (folder) {
      item.command = { title: 'Suggest files', command: 'editor.action.triggerSuggest' };
    }
    return item;
  });
}
