/** Hovers: documentation for every key, and the certificates inside `ssl-ca-data`. */
import * as vscode from 'vscode';
import {
  analyzeCaData,
  describeCertificate,
  formatVersions,
  getOption,
  rangeContains,
  VERSIONS,
  type Entry,
} from '../../session-file';
import { fromVscodePosition, parseDocument, toVscodeRange } from './documents';
import { optionDocumentation } from './option-docs';

export class SessionFileHoverProvider implements vscode.HoverProvider {
  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const point = fromVscodePosition(position);
    const entry = parseDocument(document).entries.find((item) => rangeContains(item.range, point));
    if (!entry) {
      return undefined;
    }
    if (
      entry.key === 'ssl-ca-data' &&
      rangeContains(entry.valueRange, point) &&
      entry.value !== ''
    ) {
      return new vscode.Hover(caDataHover(entry), toVscodeRange(entry.valueRange));
    }
    const option = getOption(entry.key);
    if (!option || !rangeContains(entry.keyRange, point)) {
      return undefined;
    }
    return new vscode.Hover(optionDocumentation(option), toVscodeRange(entry.keyRange));
  }
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/[*_`[\]<>]/g, (character) => `\\${character}`);
}

export function caDataHover(entry: Entry): vscode.MarkdownString {
  const analysis = analyzeCaData(entry.value);
  const markdown = new vscode.MarkdownString();
  markdown.supportThemeIcons = true;
  const count = analysis.certificates.length;
  let title = '**ssl-ca-data**';
  if (analysis.form) {
    title += `: ${analysis.form}`;
  }
  if (count > 0) {
    title += `, ${count} certificate${count === 1 ? '' : 's'}`;
  }
  markdown.appendMarkdown(`${title}\n\n`);

  for (const problem of analysis.problems) {
    markdown.appendMarkdown('$(error) ');
    markdown.appendText(problem.message);
    markdown.appendMarkdown('\n\n');
  }

  const accepted = VERSIONS.filter((version) => analysis.verdicts.get(version)?.accepted);
  const rejected = VERSIONS.filter((version) => !accepted.includes(version));
  let versions = `Accepted by xpra ${accepted.length > 0 ? formatVersions(accepted) : 'no version'}`;
  if (rejected.length > 0) {
    versions += `, rejected by ${formatVersions(rejected)}`;
  }
  markdown.appendMarkdown(`${versions}.\n\n`);

  analysis.certificates.forEach((certificate, index) => {
    if (count > 1) {
      markdown.appendMarkdown(`**Certificate ${index + 1}**\n\n`);
    }
    markdown.appendMarkdown('| | |\n|---|---|\n');
    for (const fact of describeCertificate(certificate)) {
      markdown.appendMarkdown(`| ${fact.label} | ${escapeCell(fact.value)} |\n`);
    }
    markdown.appendMarkdown('\n');
  });
  return markdown;
}
