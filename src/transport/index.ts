/**
 * Connections to xpra servers: server URIs, TLS options and sockets, certificate
 * summaries and verification errors, and the `ssl-ca-data` codec.
 */
export {
  CaDataError,
  MAX_CA_DATA_LENGTH,
  decodeCaData,
  encodeCaData,
  inspectCaData,
  parsePemCertificates,
  type CaDataEncoding,
  type CaDataErrorCode,
  type CaDataForm,
  type CaDataPrefix,
  type DecodedCaData,
} from './ca-data';
export { formatDate, parseSubjectAltNames, summarizeCertificate, toX509Certificate, type CertificateSummary } from './certificate';
export { ServerUriError, formatServerUri, isLoopbackHost, parseServerUri, type ServerMode, type ServerUri } from './uri';
export {
  TlsSettingsError,
  buildTlsOptions,
  type BuiltTlsOptions,
  type TlsSettings,
  type TlsTarget,
  type VerifyMode,
} from './tls-options';
export {
  ConnectionError,
  OFFERED_VERSIONS,
  TlsVerificationError,
  describeCertificate,
  handshakeError,
  verificationError,
  type ConnectionErrorCode,
  type TlsCheck,
  type TlsFailureContext,
} from './errors';
export {
  DEFAULT_TIMEOUT_MS,
  checkTls,
  connectTls,
  type ConnectOptions,
  type TlsCheckResult,
  type TlsConnection,
  type TransportLogger,
} from './connect';
export { applyPin, normalizeFingerprint, type PinResult } from './pin';
export { formatTlsCheck, strictVerifierProblems } from './report';
