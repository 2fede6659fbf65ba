/** The message every CMS benchmark protects and reads. */
import { randomBytes, webcrypto } from 'node:crypto';
import { buildMessage } from '../../src/mime';

export /** A multipart/mixed message of about `bytes` octets: a short text and a base64 attachment. */
function benchMessage(bytes: number): Uint8Array {
  // base64 spends 78 octets (76 characters and CRLF) on 57 input octets; ~900 octets of headers.
  const attachment = new Uint8Array(randomBytes(Math.max(1, Math.floor(((bytes - 900) * 57) / 78))));
  return buildMessage(
    {
      kind: 'multipart',
      subtype: 'mixed',
      parts: [
        { kind: 'text', subtype: 'plain', text: 'Hello,\nthe quarterly report is attached.\n' },
        { kind: 'attachment', content: attachment, filename: 'report.pdf' },
      ],
    },
    { from: { name: 'RSA Signer', address: 'rsa@example.org' }, to: [{ address: 'rsa@example.org' }], subject: 'Quarterly report' },
    { random: (array) => webcrypto.getRandomValues(array) },
  );
}
