/**
 * Certificates and CMS values as a company directory holds them, made with the openssl
 * command line (an implementation independent of Cachet's): a userSMIMECertificate is the
 * SignedData Outlook publishes, signed by its owner and carrying the owner's certificate
 * and the CA's; a cross-certificate pair is the X.509 CertificatePair structure.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openssl, type IssuedCertificate, type TestCa } from '../pki/helpers/openssl-pki';

/** A userSMIMECertificate value: a SignedData signed by `signer`, holding its certificate and `extra` ones. */
export function smimeCertificateValue(ca: TestCa, signer: IssuedCertificate, extra: readonly string[] = [ca.certPath]): Uint8Array {
  const content = path.join(ca.home, `${signer.name}-empty.txt`);
  const out = path.join(ca.home, `${signer.name}-smime.der`);
  writeFileSync(content, '');
  openssl(['cms', '-sign', '-binary', '-nodetach', '-in', content, '-signer', signer.certPath, '-inkey', signer.keyPath,
    ...extra.flatMap((file) => ['-certfile', file]), '-outform', 'DER', '-out', out]);
  return new Uint8Array(readFileSync(out));
}

/** A CMS EnvelopedData: CMS, but not the SignedData a userSMIMECertificate must be. */
export function envelopedDataValue(ca: TestCa, recipient: IssuedCertificate): Uint8Array {
  const content = path.join(ca.home, `${recipient.name}-secret.txt`);
  const out = path.join(ca.home, `${recipient.name}-enveloped.der`);
  writeFileSync(content, 'not a certificate');
  openssl(['cms', '-encrypt', '-binary', '-in', content, '-aes-128-cbc', '-outform', 'DER', '-out', out, recipient.certPath]);
  return new Uint8Array(readFileSync(out));
}

function length(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return [0x80 | bytes.length, ...bytes];
}

/** One DER element: `tag`, the length, then the contents. */
export function derElement(tag: number, ...contents: readonly Uint8Array[]): Uint8Array {
  const body = Buffer.concat(contents.map((c) => Buffer.from(c)));
  return new Uint8Array(Buffer.concat([Buffer.from([tag, ...length(body.length)]), body]));
}

/** An X.509 CertificatePair with the forward and reverse certificates as explicit [0] and [1]. */
export function certificatePair(forward: Uint8Array, reverse: Uint8Array): Uint8Array {
  return derElement(0x30, derElement(0xa0, forward), derElement(0xa1, reverse));
}

/**
 * A certificate whose structure slapd's syntax check accepts (it reads the outer
 * SEQUENCEs only) but whose validity is not a time: a digit of its notBefore is an X.
 */
export function certificateWithBrokenTime(der: Uint8Array): Uint8Array {
  const copy = new Uint8Array(der);
  const at = Buffer.from(copy).indexOf(Buffer.from([0x17, 0x0d]));
  if (at < 0) throw new Error('no UTCTime in the certificate');
  copy[at + 2] = 0x58;
  return copy;
}
