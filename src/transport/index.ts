/**
 * Connections to xpra servers: server URIs, TLS options and sockets, certificate
 * summaries and verification errors, and the `ssl-ca-data` codec.
 */
export {
  CaDataError,
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
