import { webcrypto } from 'node:crypto';

import { buildCanonicalEntity, buildMessage, encodeBase64, encodeQuotedPrintable, type MimeNode } from '../../src/mime';
import { medianTime } from './timing';

/**
 * Build speed for 25 MiB content: the builder's base64 next to Node's native encoder, the
 * quoted-printable encoder on text, and whole messages (plain and canonical for signing).
 */

const MiB = 1 << 20;
const RUNS = 5;
const random = (bytes: Uint8Array) => webcrypto.getRandomValues(bytes);

function median(run: () => void): number {
  return medianTime(run, RUNS);
}

export default function bench(): Promise<void> {
  const binary = new Uint8Array(25 * MiB);
  for (let i = 0; i < binary.length; i++) binary[i] = (i * 2654435761) >>> 24;
  const line = new TextEncoder().encode('Grüße aus Köln: 100% = sicher, mit Leerzeichen am Ende \r\n');
  const text = new Uint8Array(25 * MiB);
  for (let at = 0; at < text.length; at += line.length) text.set(line.subarray(0, Math.min(line.length, text.length - at)), at);

  const node: MimeNode = {
    kind: 'multipart',
    subtype: 'mixed',
    parts: [
      { kind: 'text', subtype: 'plain', text: 'Anbei die Datei.\n' },
      { kind: 'attachment', content: binary, filename: 'daten.bin' },
    ],
  };
  const rows: [string, number][] = [
    ['base64 25 MiB (ours)', median(() => encodeBase64(binary))],
    ['base64 25 MiB (Buffer, native)', median(() => Buffer.from(binary.buffer).toString('base64'))],
    ['quoted-printable 25 MiB text', median(() => encodeQuotedPrintable(text))],
    ['buildMessage, 25 MiB attachment', median(() => buildMessage(node, { from: { address: 'a@example.com' } }, { random }))],
    ['buildCanonicalEntity, 25 MiB attachment', median(() => buildCanonicalEntity(node, { random }))],
  ];
  for (const [name, ms] of rows) console.log(`${name.padEnd(42)} ${ms.toFixed(1).padStart(8)} ms`);
  return Promise.resolve();
}
