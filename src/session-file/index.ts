/**
 * The `.xpra` session-file language: the parser with positions, the option schema, the
 * validator with its fixes, `ssl-ca-data` analysis and the settings for attaching.
 */
export {
  parseSessionFile,
  readerValues,
  valueSubrange,
  type Entry,
  type ParsedSessionFile,
  type ReaderValue,
} from './parser';
export {
  OPTIONS,
  VERSIONS,
  allowedValuesIn,
  compareVersions,
  formatVersions,
  getOption,
  isKeyAvailable,
  isKnownTarget,
  type OptionSchema,
  type OptionType,
  type TargetVersion,
} from './schema';
export { validateSessionFile, validateSessionFileBytes, type ValidateOptions } from './validator';
export type { FileSystemAccess } from './context';
export { analyzeCaData, type CaDataAnalysis } from './ca-data-check';
export {
  toAttachSettings,
  readPasswordFile,
  resolveAttachSettings,
  SessionFileError,
  type SessionAttachSettings,
  type SessionTlsSettings,
} from './attach-settings';
export { suggest } from './suggest';
export { nodeFileSystem } from './node-file-system';
export { describeCertificate, type CertificateFact } from './certificate-text';
export {
  CA_DATA_FORMS,
  caDataConversions,
  caDataFormFor,
  inlineCaCertificates,
  insertCaData,
  type CaDataConversion,
} from './ca-actions';
export * from './types';
