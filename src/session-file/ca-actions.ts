/**
 * Conversions behind the `ssl-ca-data` code actions and the insert command: the form a target
 * version needs, and the text edits that write it.
 */
import { decodeCaData, encodeCaData, type CaDataForm } from '../transport';
import { replaceEntry } from './edits';
import type { Entry, ParsedSessionFile } from './parser';
import { compareVersions, type TargetVersion } from './schema';
import type { TextEdit } from './types';

export const CA_DATA_FORMS: Record<CaDataForm, string> = {
  'hex-pem': 'hex of PEM (xpra 3.1 to 6.0)',
  'base64-pem': 'base64 of PEM (xpra 3.1 to 6.0)',
  'hex-der': 'hex of DER (xpra 6.1 and later)',
  'base64-der': 'base64 of DER (xpra 6.1 and later)',
};

/**
 * Picks the form to write for a target: hex of the PEM text, as xpra's SSL guide does with
 * hexlify of the CA file, except for 6.1 and later, which need DER.
 */
export function caDataFormFor(version: TargetVersion): CaDataForm {
  return version !== 'any' && compareVersions(version, '6.1') >= 0 ? 'hex-der' : 'hex-pem';
}

export interface CaDataConversion {
  form: CaDataForm;
  title: string;
  value: string;
}

/** Lists the other forms of a valid value for "convert to" code actions, or none when it does not decode. */
export function caDataConversions(value: string): CaDataConversion[] {
  let pem: string;
  try {
    pem = decodeCaData(value);
  } catch {
    return [];
  }
  const conversions: CaDataConversion[] = [];
  for (const form of Object.keys(CA_DATA_FORMS) as CaDataForm[]) {
    const converted = encodeCaData(pem, form);
    if (converted !== value) {
      conversions.push({
        form,
        title: `Convert ssl-ca-data to ${CA_DATA_FORMS[form]}`,
        value: converted,
      });
    }
  }
  return conversions;
}

/** Replaces an `ssl-ca-certs=PATH` line with `ssl-ca-data` holding the file's certificates. */
export function inlineCaCertificates(entry: Entry, pem: string, version: TargetVersion): TextEdit {
  return replaceEntry(entry, 'ssl-ca-data', encodeCaData(pem, caDataFormFor(version)));
}

/**
 * Writes `ssl-ca-data` for the certificates in `pem`: replaces the last `ssl-ca-data` line,
 * or adds a line after the last `ssl-*` line, or at the end of the file.
 */
export function insertCaData(
  parsed: ParsedSessionFile,
  pem: string,
  version: TargetVersion,
): TextEdit {
  const value = encodeCaData(pem, caDataFormFor(version));
  const existing = parsed.entriesByKey.get('ssl-ca-data');
  if (existing && existing.length > 0) {
    return replaceEntry(existing[existing.length - 1], 'ssl-ca-data', value);
  }
  const anchor = [...parsed.entries]
    .reverse()
    .find((entry) => entry.key.startsWith('ssl-') || entry.key === 'mode' || entry.key === 'port');
  if (anchor) {
    const end = anchor.range.end;
    return { range: { start: end, end }, newText: `\nssl-ca-data=${value}` };
  }
  const lastLine = parsed.lines.length - 1;
  const lastText = parsed.lines[lastLine];
  const position = { line: lastLine, character: lastText.length };
  return {
    range: { start: position, end: position },
    newText: `${lastText === '' ? '' : '\n'}ssl-ca-data=${value}\n`,
  };
}
