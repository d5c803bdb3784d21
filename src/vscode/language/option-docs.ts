/** Markdown documentation of an option, for hovers and completion items. */
import * as vscode from 'vscode';
import { formatVersions, isKeyAvailable, VERSIONS, type OptionSchema } from '../../session-file';

const SCOPES = {
  client: 'client',
  server: 'server only: no effect when connecting',
  both: 'client and server',
};

function formatDefault(value: unknown): string {
  if (value === null || value === undefined) {
    return 'unset';
  }
  if (Array.isArray(value)) {
    return value.length === 0 ? 'empty list' : `\`${value.join(', ')}\``;
  }
  return value === '' ? 'empty' : `\`${String(value)}\``;
}

export function optionDocumentation(option: OptionSchema): vscode.MarkdownString {
  const markdown = new vscode.MarkdownString();
  markdown.appendMarkdown(`**${option.name}** · ${option.type} · ${SCOPES[option.scope]}\n\n`);
  markdown.appendText(option.description);
  markdown.appendMarkdown('\n\n');
  const facts = [
    `Default: ${formatDefault(option.default)}${option.platformDefault ? ' (depends on the platform)' : ''}`,
  ];
  if (option.allowedValues && option.allowedValues.length > 0) {
    facts.push(
      `Values: ${option.allowedValues.map((value) => `\`${value === '' ? "''" : value}\``).join(', ')}`,
    );
  }
  facts.push(`Since xpra ${option.sinceText}`);
  if (option.removedIn) {
    facts.push(`Removed in ${option.removedIn}`);
  }
  if (option.typeInNewest) {
    facts.push(
      `Newer versions take a ${option.typeInNewest}${option.defaultInNewest !== undefined ? ` (default ${formatDefault(option.defaultInNewest)})` : ''}`,
    );
  }
  const ignoredBy = VERSIONS.filter((version) => !isKeyAvailable(option, version));
  if (ignoredBy.length > 0) {
    facts.push(`Ignored by xpra ${formatVersions(ignoredBy)}`);
  }
  markdown.appendMarkdown(facts.map((fact) => `- ${fact}`).join('\n'));
  return markdown;
}
