/** parseCertificate and what is read from a certificate afterwards, on mutated certificates. */
import { certificateSeeds } from '../corpus';
import { simpleTarget, tolerate } from '../target';
import { attributeTexts, formatName } from '../../../src/pki/distinguished-name';
import { OID } from '../../../src/pki/oids';
import { isCa, parseCertificate, pemOrDer, toPkijsCertificate } from '../../../src/pki/parsed-certificate';

export const certificateTarget = simpleTarget(
  'certificate',
  'parseCertificate (PEM or DER) and the names, extensions and PKI.js model read from it',
  certificateSeeds,
  (input) => {
    for (const der of pemOrDer(input)) {
      const cert = tolerate(() => parseCertificate(der));
      if (!cert) continue;
      formatName(cert.subject);
      formatName(cert.issuer);
      attributeTexts(cert.subject, OID.emailAddress);
      isCa(cert);
      tolerate(() => toPkijsCertificate(cert));
    }
  },
);
