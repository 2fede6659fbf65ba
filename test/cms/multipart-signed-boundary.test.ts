/**
 * The boundary of multipart/signed (RFC 2046 §5.1.1): never the start of a line of the
 * signed entity. With the entity's "--" lines known from the canonical check, only those
 * lines are compared; without them, the entity is searched octet by octet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBoundary, signedEntityPieces, type SmimeSignOptions } from '../../src/cms/smime-sign';
import { canonicalCheck } from '../../src/mime/canonical';
import { makeTestPki, type TestPki } from './support/openssl-pki';
import { ascii, subtle } from './support/env';

let pki: TestPki;
beforeAll(() => {
  pki = makeTestPki();
});
afterAll(() => pki.remove());

/** Random bytes that come out as `first` for the first boundary, then as 0x11 octets. */
function scripted(first: number): SmimeSignOptions['randomBytes'] {
  let calls = 0;
  return (length) => new Uint8Array(length).fill(calls++ === 0 ? first : 0x11);
}

const firstBoundary = randomBoundary(scripted(0xab));
const secondBoundary = randomBoundary((length) => new Uint8Array(length).fill(0x11));

async function boundaryFor(entityText: string, useDashLines: boolean): Promise<string> {
  const entity = ascii(entityText);
  const { problems, dashLines } = canonicalCheck(entity);
  expect(problems).toEqual([]);
  const options: SmimeSignOptions = {
    subtle, signer: pki.leaves['ec-p256'].operator, randomBytes: scripted(0xab), ...(useDashLines && dashLines ? { dashLines } : {}),
  };
  const [head] = await signedEntityPieces(entity, options, 'known-canonical');
  return /boundary="([^"]+)"/.exec(Buffer.from(head as Uint8Array).toString('latin1'))?.[1] ?? '';
}

describe('multipart/signed boundary', () => {
  it('is not one that begins a line of the entity, whether its "--" lines are known or searched for', async () => {
    const entity = `Content-Type: text/plain\r\n\r\nbefore\r\n--${firstBoundary}\r\nafter\r\n`;
    expect(await boundaryFor(entity, true)).toBe(secondBoundary);
    expect(await boundaryFor(entity, false)).toBe(secondBoundary);
  });

  it('is the first one drawn when the entity holds it nowhere', async () => {
    const entity = 'Content-Type: text/plain\r\n\r\n-- \r\nSigned, with a signature separator.\r\n';
    expect(await boundaryFor(entity, true)).toBe(firstBoundary);
    expect(await boundaryFor(entity, false)).toBe(firstBoundary);
  });

  it('may occur inside a line when the "--" lines are known, which RFC 2046 allows', async () => {
    const entity = `Content-Type: text/plain\r\n\r\nquoted: --${firstBoundary}\r\n`;
    expect(await boundaryFor(entity, true)).toBe(firstBoundary);
    expect(await boundaryFor(entity, false)).toBe(secondBoundary);
  });
});
