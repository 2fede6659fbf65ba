import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodedBody, parseMessage, partBytes, type MimePart } from '../../src/mime';
import { median, medianTime } from './timing';

/**
 * Parse speed on 25 MiB messages (issue 2: "a 25 MiB message parses in well under a
 * second"), next to OpenSSL doing comparable work on the same bytes in the same run.
 */

const MiB = 1 << 20;
const RUNS = 7;
const signer = fileURLToPath(new URL('../../../shared/corpora/openssl/smime-certs/smrsa1.pem', import.meta.url));

function time(run: () => void): number {
  return medianTime(run, RUNS);
}

function line(label: string, bytes: number, ms: number, note = ''): void {
  const rate = bytes / MiB / (ms / 1000);
  console.log(`${label.padEnd(58)} ${(bytes / MiB).toFixed(1).padStart(5)} MiB  ${ms.toFixed(1).padStart(8)} ms  ${rate.toFixed(0).padStart(6)} MiB/s${note}`);
}

/** base64 with 76-character lines and CRLF, as mail agents write it (RFC 2045 §6.8). */
function base64Lines(data: Buffer): string {
  const flat = data.toString('base64');
  const rows: string[] = [];
  for (let i = 0; i < flat.length; i += 76) rows.push(flat.slice(i, i + 76));
  return rows.join('\r\n');
}

/** A multipart/mixed entity of about `size` bytes: a text part and one base64 attachment. */
function mixedEntity(size: number): { entity: Buffer; attachmentBase64: string } {
  const attachmentBase64 = base64Lines(randomBytes(Math.floor(((size - 4096) * 57) / 78)));
  const entity = Buffer.from([
    'Content-Type: multipart/mixed; boundary="----=_Part_0_bench"',
    '',
    'This is a multi-part message in MIME format.',
    '------=_Part_0_bench',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Hello,=0D=0Athe report is attached.',
    '------=_Part_0_bench',
    'Content-Type: application/pdf; name="report.pdf"',
    'Content-Disposition: attachment; filename="report.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    attachmentBase64,
    '------=_Part_0_bench--',
    '',
  ].join('\r\n'), 'latin1');
  return { entity, attachmentBase64 };
}

function find(part: MimePart, test: (p: MimePart) => boolean): MimePart | undefined {
  if (test(part)) return part;
  for (const child of part.children) {
    const found = find(child, test);
    if (found) return found;
  }
  return undefined;
}

function openssl(args: string[]): { ok: boolean; ms: number; stderr: string } {
  const samples: number[] = [];
  let last = spawnSync('openssl', args, { maxBuffer: 256 * MiB });
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    last = spawnSync('openssl', args, { maxBuffer: 256 * MiB });
    samples.push(performance.now() - start);
  }
  return { ok: last.status === 0, ms: median(samples), stderr: String(last.stderr ?? last.error ?? '') };
}

export default function bench(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cachet-bench-'));
  try {
    const { entity, attachmentBase64 } = mixedEntity(25 * MiB);
    const mixed = Buffer.concat([Buffer.from('From: a@example.com\r\nTo: b@example.com\r\nSubject: bench\r\nMIME-Version: 1.0\r\n', 'latin1'), entity]);

    const parseMixed = time(() => parseMessage(mixed));
    line('parseMessage multipart/mixed, base64 attachment', mixed.length, parseMixed);

    const root = parseMessage(mixed);
    const attachment = find(root, (p) => p.contentType.mediaType === 'application/pdf');
    if (!attachment) throw new Error('bench message lost its attachment');
    const decodeMs = time(() => decodedBody(attachment));
    const attachmentBytes = attachment.bodyRange.end - attachment.bodyRange.start;
    line('decodedBody of the base64 attachment', attachmentBytes, decodeMs);

    const b64File = path.join(dir, 'attachment.b64');
    writeFileSync(b64File, attachmentBase64.replace(/\r\n/g, '\n') + '\n');
    const sslDecode = openssl(['base64', '-d', '-in', b64File, '-out', path.join(dir, 'attachment.bin')]);
    if (sslDecode.ok && readFileSync(path.join(dir, 'attachment.bin')).equals(decodedBody(attachment))) {
      line('  openssl base64 -d, same attachment (incl. process start)', attachmentBytes, sslDecode.ms);
    } else {
      console.log(`  openssl base64 -d: not comparable (${sslDecode.ok ? 'output differs' : sslDecode.stderr.trim()})`);
    }

    // Worst case for the delimiter search: every line looks like a delimiter of some
    // level, nested to the depth limit, so each level has to reject every line.
    const depth = 64;
    const opening = Array.from({ length: depth }, (_, i) => `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`);
    const closing = Array.from({ length: depth }, (_, i) => `\r\n--b${depth - 1 - i}--`);
    const hostile = Buffer.from(`${opening.join('')}\r\n${'--b1x\n'.repeat(Math.floor((25 * MiB) / 6))}${closing.join('')}`, 'latin1');
    line('parseMessage hostile: 64 levels, every line "--b…"', hostile.length, time(() => parseMessage(hostile)));

    // A real multipart/signed: OpenSSL signs the 25 MiB entity, we parse it and hash the
    // first part's raw range (what a verifier does before checking the signature).
    const contentFile = path.join(dir, 'content.eml');
    const signedFile = path.join(dir, 'signed.eml');
    writeFileSync(contentFile, entity);
    const sign = spawnSync('openssl', ['cms', '-sign', '-binary', '-md', 'sha256', '-signer', signer, '-in', contentFile, '-out', signedFile]);
    if (sign.status !== 0) {
      console.log(`multipart/signed: openssl cms -sign failed, skipped (${String(sign.stderr).trim()})`);
      return Promise.resolve();
    }
    const signed = readFileSync(signedFile);
    const parseSigned = time(() => parseMessage(signed));
    line('parseMessage multipart/signed (openssl-made)', signed.length, parseSigned);

    const signedRoot = parseMessage(signed);
    const first = signedRoot.children[0];
    if (signedRoot.smimeKind !== 'multipart-signed' || !first) throw new Error('openssl output did not parse as multipart/signed');
    const ourDigest = createHash('sha256').update(partBytes(first)).digest('hex');
    const expectedDigest = createHash('sha256').update(entity).digest('hex');
    const parseAndHash = time(() => {
      const tree = parseMessage(signed);
      const content = tree.children[0];
      if (content) createHash('sha256').update(partBytes(content)).digest();
    });
    line('parseMessage + SHA-256 of the signed part', signed.length, parseAndHash,
      ourDigest === expectedDigest ? '  (range = signed bytes: yes)' : '  (range = signed bytes: NO)');
    const verify = openssl(['cms', '-verify', '-binary', '-noverify', '-in', signedFile, '-out', path.join(dir, 'verified.eml')]);
    if (verify.ok) line('  openssl cms -verify -binary -noverify (parse, hash, RSA)', signed.length, verify.ms);
    else console.log(`  openssl cms -verify failed: ${verify.stderr.trim()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return Promise.resolve();
}
