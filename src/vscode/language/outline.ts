/** The outline of a session file: connection keys, TLS options and other options. */
import * as vscode from 'vscode';
import { getOption, type Entry } from '../../session-file';
import { parseDocument, toVscodeRange } from './documents';

const SECRET_KEYS = new Set(['password', 'proxy_password', 'ssl-key-password']);
const MAX_DETAIL = 40;

function detailOf(entry: Entry): string {
  if (SECRET_KEYS.has(entry.key) && entry.value !== '') {
    return '••••••';
  }
  return entry.value.length > MAX_DETAIL ? `${entry.value.slice(0, MAX_DETAIL)}…` : entry.value;
}

function groupOf(entry: Entry): string {
  if (getOption(entry.key)?.sessionKey) {
    return 'Connection';
  }
  return entry.key.startsWith('ssl') ? 'TLS' : 'Options';
}

export class SessionFileOutline implements vscode.DocumentSymbolProvider {
  provideDocumentSymbols(document: vscode.TextDocument): vscode.DocumentSymbol[] {
    const groups = new Map<string, vscode.DocumentSymbol>();
    for (const entry of parseDocument(document).entries) {
      const range = toVscodeRange(entry.range);
      const symbol = new vscode.DocumentSymbol(
        entry.key,
        detailOf(entry),
        vscode.SymbolKind.Property,
        range,
        toVscodeRange(entry.keyRange),
      );
      const name = groupOf(entry);
      let group = groups.get(name);
      if (!group) {
        group = new vscode.DocumentSymbol(name, '', vscode.SymbolKind.Namespace, range, range);
        groups.set(name, group);
      }
      group.children.push(symbol);
      group.range = group.range.union(range);
    }
    return ['Connection', 'TLS', 'Options'].flatMap((name) =>
      groups.has(name) ? [groups.get(name)!] : [],
    );
  }
}
