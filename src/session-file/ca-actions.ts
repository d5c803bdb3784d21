/**
 * Conversions behind the `ssl-ca-data` code actions and the insert command: the form a target
 * version needs, and the text edits that write it.
 */
import { decodeCaData, encodeCaData, type CaDataForm } from '../transport';
import { replaceEntry } from './edits';
import type { Entry } from './parser';
import { compareVersions, type TargetVersion } from './schema';
import type { TextEdit } from './types';

export const CA_DATA_FORMS: Record<CaDataForm, string> = {
  'hex-pem': 'hex of PEM (xpra 3.1 to 6.0)',
  'base64-pem': 'base64 of PEM (xpra 3.1 to 6.0)',
  'hex-der': 'hex of DER (xpra 6.1 and later)',
  'base64-der': 'base64 of DER (xpra 6.1 and later)',
};

/**
 * The form to write for a target: hex of the PEM text, as xpra's SSL guide does, except for
 * 6.1 and later, which need DER.
 */
export function caDataFormFor(version: TargetVersion): CaDataForm {
  return version !== 'any' && compareVersions(version, '6.1') >= 0 ? 'hex-der' : 'hex-pem';
}

export interface CaDataConversion {
  form: CaDataForm;
  title: string;
  value: string;
}

/** Every other form of a valid value, for "convert to" code actions; none when it does not decode. */
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
      conversions.push({ form, title: `Convert ssl-ca-data to ${CA_DATA_FORMS[form]}`, value: converted });
    }
  }
  return conversions;
}

/** Replaces an `ssl-ca-certs=PATH` line with `ssl-ca-data` holding the file's certificates. */
export function inlineCaCertificates(entry: Entry, pem: string, version: TargetVersion): TextEdit {
  return replaceEntry(entry, 'ssl-ca-data', encodeCaData(pem, caDataFormFor(version)));
}
