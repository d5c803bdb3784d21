/** Rules about the connection: mode, host, ports, proxies, passwords and encryption. */
import {
  AES_MODES,
  NETWORK_MODES,
  SSH_MODES,
  parseBoolean,
  parseInteger,
  type ValidationContext,
} from '../context';
import { isLoopbackHost } from '../../transport/uri';
import { deleteEntryLines } from '../edits';
import type { Entry } from '../parser';
import { allowedValuesIn, formatVersions, getOption } from '../schema';
import { suggest } from '../suggest';
import type { Range } from '../types';

const FILE_START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** Returns where to show a problem about a missing key: the host line, else the first entry. */
function anchor(context: ValidationContext): Range {
  const entry = context.last('host') ?? context.parsed.entries[0];
  return entry ? entry.keyRange : FILE_START;
}

export function checkConnection(context: ValidationContext): void {
  checkMode(context);
  checkHost(context);
  checkPorts(context);
  checkProxyKeys(context);
  checkPasswords(context);
  checkDisplay(context);
  checkEncryption(context);
}

function checkMode(context: ValidationContext): void {
  const entries = context.entries('mode');
  if (entries.length === 0) {
    const host = context.scalar('host');
    const remote = host !== undefined && host !== '' && !isLoopbackHost(host);
    context.add(
      anchor(context),
      'warning',
      'mode-missing',
      `'mode' is not set, so xpra connects with plain tcp${remote ? ` to ${host}` : ''}: the traffic is not encrypted. Add mode=ssl.`,
      {
        fixes: [{ title: 'Add mode=ssl', edits: [{ range: FILE_START, newText: 'mode=ssl\n' }] }],
      },
    );
    return;
  }
  const option = getOption('mode')!;
  for (const entry of entries) {
    const mode = entry.value;
    const rejecting = context.versions.filter(
      (version) => !allowedValuesIn(option, version).includes(mode),
    );
    if (rejecting.length === context.versions.length) {
      const everywhere = option.allowedValues ?? [];
      const suggestion = suggest(mode, everywhere);
      const hint = suggestion ? ` Did you mean '${suggestion.value}'?` : '';
      const valid =
        context.version === 'any' ? everywhere : allowedValuesIn(option, context.version);
      context.add(
        entry.valueRange,
        'error',
        'invalid-mode',
        `'${mode}' is not a mode xpra${context.version === 'any' ? '' : ` ${context.version}`} accepts (exact spelling, case-sensitive): it falls back to plain tcp. Use one of: ${valid.join(', ')}.${hint}`,
        {
          fixes: suggestion
            ? [
                {
                  title: `Change to '${suggestion.value}'`,
                  preferred: true,
                  edits: [{ range: entry.valueRange, newText: suggestion.value }],
                },
              ]
            : [],
        },
      );
    } else if (rejecting.length > 0) {
      context.add(
        entry.valueRange,
        context.version === 'any' ? 'warning' : 'error',
        'mode-version',
        `mode '${mode}' is rejected by xpra ${formatVersions(rejecting)}, which falls back to plain tcp.`,
      );
    }
  }
  const mode = context.scalar('mode');
  if ((mode === 'tcp' || mode === 'ws') && entries.length === 1) {
    const host = context.scalar('host');
    if (host && !isLoopbackHost(host)) {
      context.add(
        entries[0].valueRange,
        'warning',
        'unencrypted',
        `mode=${mode} sends everything to ${host} unencrypted, including the password. Use mode=${mode === 'ws' ? 'wss' : 'ssl'}.`,
      );
    }
  }
}

function checkHost(context: ValidationContext): void {
  const host = context.scalar('host');
  const hostEntry = context.last('host');
  if (host === undefined || host === '') {
    if (context.entries('host').length < 2) {
      context.add(
        hostEntry ? hostEntry.valueRange : anchor(context),
        'error',
        'host-missing',
        "'host' is missing or empty, so xpra has no server to connect to.",
      );
    }
    return;
  }
  if (!hostEntry || !NETWORK_MODES.has(context.mode)) {
    return;
  }
  let problem: string | undefined;
  if (host.includes('://')) {
    problem = 'contains a URI scheme';
  } else if (host.includes('@')) {
    problem = "contains 'user@', which these modes do not split off; use username=";
  } else if (host.includes('[') || host.includes(']')) {
    problem = 'has brackets, which xpra keeps; write the IPv6 address without them';
  } else if (/^[^:]+:\d+$/.test(host)) {
    problem = 'contains a port; use port=';
  }
  if (problem) {
    context.add(
      hostEntry.valueRange,
      'error',
      'host-format',
      `host '${host}' ${problem}. In ${context.mode} mode xpra uses the host exactly as written.`,
    );
  }
}

function checkPort(context: ValidationContext, entry: Entry, expected: string): number | undefined {
  const port = parseInteger(entry.value);
  if (port === undefined) {
    context.add(
      entry.valueRange,
      'error',
      'invalid-port',
      `'${entry.key}' needs a ${expected} from 1 to 65535, not '${entry.value}'.`,
    );
    return undefined;
  }
  if (port < 1 || port > 65535) {
    context.add(
      entry.valueRange,
      'error',
      'port-out-of-range',
      `'${entry.key}' is ${port}, outside 1 to 65535.`,
    );
  }
  return port;
}

function checkPorts(context: ValidationContext): void {
  const portEntries = context.entries('port');
  if (SSH_MODES.has(context.mode)) {
    for (const entry of portEntries) {
      const display = parseInteger(entry.value);
      if (display === undefined) {
        context.add(
          entry.valueRange,
          'error',
          'invalid-port',
          `In ${context.mode} mode 'port' is the remote display number, and '${entry.value}' is not a number.`,
        );
      } else {
        context.add(
          entry.keyRange,
          'info',
          'port-is-display',
          `In ${context.mode} mode 'port' is the remote display number (:${display}), not the SSH port. The SSH port is 'ssh_port'.`,
        );
      }
    }
  } else if (NETWORK_MODES.has(context.mode)) {
    if (portEntries.length === 0) {
      context.add(
        anchor(context),
        'error',
        'port-missing',
        `'port' is missing: in ${context.mode} mode xpra has no default port and fails to connect.`,
      );
    }
    for (const entry of portEntries) {
      checkPort(context, entry, 'TCP port');
    }
  }
  for (const key of ['ssh_port', 'proxy_port']) {
    for (const entry of context.entries(key)) {
      checkPort(context, entry, 'port');
    }
  }
}

function checkProxyKeys(context: ValidationContext): void {
  if (context.mode === 'ssh -> ssh') {
    return;
  }
  for (const entry of context.parsed.entries) {
    if (entry.key.startsWith('proxy_')) {
      context.add(
        entry.keyRange,
        'warning',
        'proxy-ignored',
        `'${entry.key}' is only used with mode=ssh -> ssh; xpra ignores it in ${context.mode} mode.`,
      );
    }
  }
}

function checkPasswords(context: ValidationContext): void {
  for (const key of ['password', 'proxy_password']) {
    for (const entry of context.entries(key)) {
      if (entry.value === '') {
        continue;
      }
      const fixes =
        key === 'password'
          ? [
              {
                title: 'Move the password to VS Code secret storage',
                preferred: true,
                edits: [deleteEntryLines(context.parsed, entry)],
                action: { kind: 'move-password-to-secrets' as const, key, value: entry.value },
              },
            ]
          : [];
      context.add(
        entry.valueRange,
        'warning',
        'clear-text-password',
        `'${key}' stores a password in clear text in this file. Use password-file, a prompt, or VS Code's secret storage.`,
        { fixes },
      );
    }
  }
  const passwordFile = context.last('password-file');
  if (passwordFile && context.scalar('password')) {
    context.add(
      passwordFile.keyRange,
      'info',
      'password-and-password-file',
      "Both 'password' and 'password-file' are set; xpra uses 'password'.",
    );
  }
}

function checkDisplay(context: ValidationContext): void {
  for (const entry of context.entries('display')) {
    if (entry.value !== '' && !/^:?\d+(\.\d+)?$/.test(entry.value)) {
      context.add(
        entry.valueRange,
        'warning',
        'display-format',
        `'display' is usually ':N' (such as :10), not '${entry.value}'. xpra sends it to the server as written.`,
      );
    }
  }
}

function checkEncryption(context: ValidationContext): void {
  const encryption = context.scalar('encryption') ?? context.scalar('tcp-encryption');
  const aes = AES_MODES.has(context.mode) || (encryption !== undefined && encryption !== '');
  if (!aes) {
    return;
  }
  const keyFile = context.scalar('encryption-keyfile') ?? context.scalar('tcp-encryption-keyfile');
  if (!keyFile && !context.scalar('password') && context.entries('password-file').length === 0) {
    const entry =
      context.last('mode') ?? context.last('encryption') ?? context.last('tcp-encryption');
    context.add(
      entry ? entry.range : anchor(context),
      'error',
      'encryption-without-key',
      "AES encryption needs a key: set 'encryption-keyfile' or a password. Without one the client exits with 'no encryption key' (unless XPRA_ENCRYPTION_KEY is set).",
    );
  }
}

/** Escalates errors when autoconnect=true, because autoconnect hides every warning xpra prints. */
export function checkAutoconnect(context: ValidationContext): void {
  const entry = context.last('autoconnect');
  const value = context.scalar('autoconnect');
  if (!entry || value === undefined || parseBoolean(value) !== true) {
    return;
  }
  const errors = context.diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length;
  if (errors > 0) {
    context.add(
      entry.range,
      'error',
      'autoconnect-with-errors',
      `autoconnect=true connects without showing the form, so xpra's warnings about the ${errors} error${errors === 1 ? '' : 's'} in this file stay hidden. Fix them first.`,
    );
  }
}
