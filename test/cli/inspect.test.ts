import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCachet } from '../support/run-cachet';
import { DEFAULT_MAX_PARTS } from '../../src/mime';

const corpora = fileURLToPath(new URL('../../../shared/corpora/', import.meta.url));

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? allFiles(full) : [full];
  }).sort();
}

const run = (argv: string[], stdin: Uint8Array = new Uint8Array()) => runCachet(argv, stdin);

interface RangeJson { start: number; end: number; size: number }
interface PartJson {
  contentType: string;
  params: Record<string, string>;
  transferEncoding: string;
  smimeKind: string;
  range: RangeJson;
  headerRange: RangeJson;
  bodyRange: RangeJson;
  warnings: string[];
  children: PartJson[];
}
interface Report { file: string; size: number; rawCms?: string; tree: PartJson }

function parts(part: PartJson): PartJson[] {
  return [part, ...part.children.flatMap(parts)];
}

/** Every range lies inside its parent and the header/body ranges inside the part's range. */
function checkRanges(part: PartJson, within: RangeJson): void {
  expect(part.range.start).toBeGreaterThanOrEqual(within.start);
  expect(part.range.end).toBeLessThanOrEqual(within.end);
  expect(part.headerRange.start).toBeGreaterThanOrEqual(part.range.start);
  expect(part.headerRange.end).toBeLessThanOrEqual(part.bodyRange.start);
  expect(part.bodyRange.end).toBe(part.range.end);
  for (const r of [part.range, part.headerRange, part.bodyRange]) expect(r.size).toBe(r.end - r.start);
  for (const child of part.children) checkRanges(child, part.bodyRange);
}

const files = allFiles(corpora);
const messages = files.filter((f) => /\.(eml|p7m|msg)$/.test(f));

describe('cachet inspect', () => {
  it('finds the corpus messages', () => {
    expect(messages.length).toBeGreaterThan(300);
  });

  it('prints a consistent tree for every .eml, .p7m and .msg in the corpora', async () => {
    const kinds = new Set<string>();
    for (const file of messages) {
      const { code, out, err } = await run(['inspect', file]);
      expect({ file, code, err }).toEqual({ file, code: 0, err: '' });
      const report = JSON.parse(out) as Report;
      expect(report.size).toBe(statSync(file).size);
      expect(report.tree.range).toEqual({ start: 0, end: report.size, size: report.size });
      checkRanges(report.tree, report.tree.range);
      for (const part of parts(report.tree)) kinds.add(part.smimeKind);
    }
    expect([...kinds].sort()).toEqual(['auth-enveloped-data', 'detached-signature', 'enveloped-data', 'multipart-signed', 'none', 'signed-data']);
  });

  it('reports the S/MIME layers of a clear-signed message', async () => {
    const file = path.join(corpora, 'thunderbird-smime/mailnews/test/data/smime/alice.dsig.SHA256.multipart.eml');
    const report = JSON.parse((await run(['inspect', file])).out) as Report;
    expect(report.tree.contentType).toBe('multipart/signed');
    expect(report.tree.smimeKind).toBe('multipart-signed');
    expect(report.tree.params['micalg']).toBe('sha-256');
    expect(report.tree.children.map((c) => [c.contentType, c.smimeKind, c.transferEncoding])).toEqual([
      ['text/plain', 'none', 'quoted-printable'],
      ['application/pkcs7-signature', 'detached-signature', 'base64'],
    ]);
  });

  it('copes with every other corpus file (certificates, CRLs, DER CMS) without failing', async () => {
    for (const file of files.filter((f) => !messages.includes(f))) {
      const { code, err } = await run(['inspect', file]);
      expect({ file, code, err }).toEqual({ file, code: 0, err: '' });
    }
  });

  it('recognises a DER CMS file given instead of a message', async () => {
    const file = path.join(corpora, 'thunderbird-smime/mailnews/test/data/smime/alice.dsig.SHA256.multipart.env');
    const report = JSON.parse((await run(['inspect', file])).out) as Report;
    expect(report.rawCms).toBe('enveloped-data');
  });

  it("reads standard input for '-'", async () => {
    const file = path.join(corpora, 'pkijs/TestSMIME.eml');
    const bytes = readFileSync(file);
    const fromStdin = JSON.parse((await run(['inspect', '-'], bytes)).out) as Report;
    const fromFile = JSON.parse((await run(['inspect', file])).out) as Report;
    expect(fromStdin.file).toBe('-');
    expect(fromStdin.tree).toEqual(fromFile.tree);
  });

  it('exits 2 for a missing file or wrong arguments', async () => {
    const missing = await run(['inspect', path.join(corpora, 'does-not-exist.eml')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot read');
    const noArgs = await run(['inspect']);
    expect(noArgs.code).toBe(2);
    expect(noArgs.err).toContain('usage: cachet inspect FILE');
  });

  it('exits 2 with the error code when the message is too large to parse', async () => {
    const parts = '--b\r\n\r\n'.repeat(DEFAULT_MAX_PARTS + 1);
    const message = `Content-Type: multipart/mixed; boundary=b\r\n\r\n${parts}--b--\r\n`;
    const result = await run(['inspect', '-'], Buffer.from(message));
    expect(result.code).toBe(2);
    expect(result.err).toContain('mime/too-large');
  });
});
