/**
 * Resource exhaustion in the MIME parser (issue 13): a header with ~124,000 parameters or
 * warnings once made `inspect`, `verify --json` and `open --json` die with "Maximum call
 * stack size exceeded", because each part's warnings were copied with push(...list) and
 * nothing bounded them. Each hostile form below must parse, through the library and
 * through the command-line process, to a bounded result or a typed error; none may crash,
 * hang, or make a signature good. No timing is asserted: each library parse must finish
 * inside vitest's own default timeout of 5 s (not the project's minute), which the
 * overflowing paths never did.
 */
import { readFileSync } from 'node:fs';
import { webcrypto } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { readMessage } from '../../src/cms/read-message';
import { isCachetError } from '../../src/errors';
import { MAX_PARAMETERS } from '../../src/mime/content-type';
import { displayContent } from '../../src/mime/display-content';
import { DEFAULT_MAX_HEADER_FIELDS_PER_PART, parseMessage } from '../../src/mime/parse';
import { allParts } from '../../src/mime/part-access';
import type { MimePart } from '../../src/mime/types';
import { MAX_WARNINGS_PER_PART } from '../../src/mime/warning-list';
import { expectHandled, runCachetProcess, writeInputs } from './support/cli-process';

/** As in the fuzzer's finding: about 124,000 items fill a 1 MB header. */
const FLOOD = 124_000;
const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));
const flood = (item: string): string => item.repeat(FLOOD);

const signedCorpus = readFileSync(
  new URL('../../../shared/corpora/thunderbird-smime/mailnews/test/data/smime/alice.dsig.SHA256.multipart.eml', import.meta.url),
  'latin1',
);
const innerType = 'Content-Type: text/plain; charset=utf-8; format=flowed';
const outerType = 'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary=';

const unsigned: Readonly<Record<string, Uint8Array>> = {
  'content-type parameters': bytes(`From: a@example.org\r\nContent-Type: text/plain${flood('; a=b')}\r\n\r\nbody\r\n`),
  'content-disposition parameters': bytes(`From: a@example.org\r\nContent-Disposition: attachment${flood('; a=b')}\r\n\r\nbody\r\n`),
  'parameters of a child part': bytes(
    `From: a@example.org\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain${flood('; a=b')}\r\n\r\nbody\r\n--XX--\r\n`,
  ),
  'continuation lines before the first field': bytes(`${flood(' x\r\n')}From: a@example.org\r\n\r\nbody\r\n`),
  'parameters without values': bytes(`From: a@example.org\r\nContent-Type: text/plain${flood('; a')}\r\n\r\nbody\r\n`),
};

const signed: Readonly<Record<string, Uint8Array>> = {
  // Inside the signed part: the content changed, so the signature must not be good.
  'parameters in the signed part': bytes(signedCorpus.replace(innerType, `${innerType}${flood('; a=b')}`)),
  // Before the boundary parameter: the boundary is past the limit and not read, so there is no signed part to call good.
  'parameters before the boundary': bytes(signedCorpus.replace(outerType, `Content-Type: multipart/signed${flood('; a=b')}; protocol="application/pkcs7-signature"; boundary=`)),
};

const subtle = webcrypto.subtle as SubtleCrypto;
/** Vitest's default test timeout. */
const PARSE_TIMEOUT = 5_000;
const cmsCrypto = { subtle, getRandomValues: <T extends Uint8Array<ArrayBuffer>>(array: T): T => webcrypto.getRandomValues(array) };

function expectBoundedWarnings(root: MimePart): void {
  for (const part of allParts(root)) expect(part.warnings.length).toBeLessThanOrEqual(MAX_WARNINGS_PER_PART + 1);
}

/** How many warnings a part had in all: those kept plus the count on the summary line. */
function warningTotal(part: MimePart): number {
  const last = part.warnings.at(-1) ?? '';
  const more = /^… and ([\d,]+) more warnings$/.exec(last);
  return more ? part.warnings.length - 1 + Number((more[1] ?? '0').replace(/,/g, '')) : part.warnings.length;
}

describe('parser limits through the library', () => {
  for (const [name, message] of Object.entries({ ...unsigned, ...signed })) {
    it(`parses a header flooded with ${name} to a bounded tree`, () => {
      const root = parseMessage(message);
      expectBoundedWarnings(root);
      displayContent(root);
    }, PARSE_TIMEOUT);
  }

  it('keeps the first warnings and counts the rest: 124,000 continuation lines', () => {
    const root = parseMessage(unsigned['continuation lines before the first field'] as Uint8Array);
    expect(root.warnings).toHaveLength(MAX_WARNINGS_PER_PART + 1);
    expect(root.warnings.at(-1)).toBe(`… and ${(FLOOD - MAX_WARNINGS_PER_PART).toLocaleString('en-US')} more warnings`);
    expect(warningTotal(root)).toBe(FLOOD);
    expect(root.headers.map((h) => h.name)).toEqual(['From']);
  }, PARSE_TIMEOUT);

  it(`reads the first ${MAX_PARAMETERS} parameters of a value and says the rest were ignored`, () => {
    const root = parseMessage(unsigned['content-type parameters'] as Uint8Array);
    expect(root.contentType).toEqual({ mediaType: 'text/plain', params: { a: 'b' } });
    expect(root.warnings).toContain(`Content-Type: more than ${MAX_PARAMETERS} parameters: the rest of the value is ignored`);
    // The limit, and one duplicate warning for each parameter read after the first.
    expect(warningTotal(root)).toBe(MAX_PARAMETERS);
    const disposition = parseMessage(unsigned['content-disposition parameters'] as Uint8Array);
    expect(disposition.warnings[0]).toBe(`Content-Disposition: more than ${MAX_PARAMETERS} parameters: the rest of the value is ignored`);
  }, PARSE_TIMEOUT);

  it('bounds the warnings of a child part on their own', () => {
    const root = parseMessage(unsigned['parameters of a child part'] as Uint8Array);
    expect(root.warnings).toEqual([]);
    expect(root.children).toHaveLength(1);
    expect(warningTotal(root.children[0] as MimePart)).toBe(MAX_PARAMETERS);
  }, PARSE_TIMEOUT);

  it(`refuses more than ${DEFAULT_MAX_HEADER_FIELDS_PER_PART} header fields in one part with mime/too-large`, () => {
    const many = bytes(`${'X-A: b\r\n'.repeat(DEFAULT_MAX_HEADER_FIELDS_PER_PART + 1)}\r\nbody\r\n`);
    let code = 'no error';
    try {
      parseMessage(many);
    } catch (error) {
      code = isCachetError(error) ? error.code : String(error);
    }
    expect(code).toBe('mime/too-large');
    const enough = bytes(`${'X-A: b\r\n'.repeat(DEFAULT_MAX_HEADER_FIELDS_PER_PART)}\r\nbody\r\n`);
    expect(parseMessage(enough).headers).toHaveLength(DEFAULT_MAX_HEADER_FIELDS_PER_PART);
  });

  it('reads every flooded message to the end, and a flooded signed message is never signed good', async () => {
    for (const [name, message] of Object.entries({ ...unsigned, ...signed })) {
      let result;
      try {
        result = await readMessage(message, { crypto: cmsCrypto, subtle, operators: [] });
      } catch (error) {
        expect(isCachetError(error), `${name}: ${String(error)}`).toBe(true);
        continue;
      }
      expectBoundedWarnings(result.root);
      for (const layer of result.layers) {
        if (layer.kind === 'signed') expect(layer.layer.signers.every((s) => s.status === 'good'), name).toBe(false);
      }
    }
  });
});

describe('parser limits through the command-line process', () => {
  const files = writeInputs({ ...unsigned, ...signed });
  afterAll(() => files.remove());

  for (const [name, file] of Object.entries(files.paths)) {
    it(`inspect, verify --json and open --json finish on ${name}`, () => {
      for (const command of [['inspect'], ['verify', '--json'], ['open', '--json']]) {
        const run = runCachetProcess([...command, file]);
        expectHandled(run, `${command.join(' ')} on ${name}`);
        // 0 from verify would mean every signature good.
        if (command[0] === 'verify' && name in signed) expect(run.status, name).not.toBe(0);
      }
    });
  }
});
