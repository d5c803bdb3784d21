/** Certificate facts as `label: value` lines, shared by the hover and `hex-ca inspect`. */
import { formatDate, type CertificateSummary } from '../transport';

export interface CertificateFact {
  label: string;
  value: string;
}

export function describeCertificate(
  certificate: CertificateSummary,
  now = new Date(),
): CertificateFact[] {
  let validity = `${formatDate(certificate.validFrom)} to ${formatDate(certificate.validTo)}`;
  if (certificate.validTo.getTime() < now.getTime()) {
    validity += ' (expired)';
  } else if (certificate.validFrom.getTime() > now.getTime()) {
    validity += ' (not yet valid)';
  }
  let ca = certificate.isCa ? 'yes' : 'no';
  if (certificate.isCa) {
    ca += certificate.basicConstraintsCritical
      ? ' (basicConstraints critical)'
      : ' (basicConstraints not critical)';
  }
  return [
    { label: 'Subject', value: certificate.subject },
    { label: 'Issuer', value: certificate.issuer },
    { label: 'Valid', value: validity },
    { label: 'SHA-256', value: certificate.fingerprint256 },
    { label: 'CA', value: ca },
    {
      label: 'Key usage',
      value: certificate.keyUsage.length > 0 ? certificate.keyUsage.join(', ') : 'none',
    },
    {
      label: 'Subject alternative names',
      value:
        certificate.subjectAltNames.length > 0 ? certificate.subjectAltNames.join(', ') : 'none',
    },
    { label: 'Public key', value: certificate.publicKey },
  ];
}
