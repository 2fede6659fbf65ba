/**
 * Encrypted messages made by other implementations decrypt: OpenSSL-generated files,
 * Thunderbird's NSS corpus (Alice/Bob, keys in .p12 files), its smime-interop folder
 * (OAEP with labels, ECDH P-384), and PKI.js's ECC example.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { decryptEnvelope } from '../../src/cms/decrypt';
import { decryptMessage, decryptPart, isEncryptedPart } from '../../src/cms/smime-envelope';
import type { KeyOperator } from '../../src/cms/key-operator';
import { parseMessage } from '../../src/mime/parse';
import { decodedBody, decodedText } from '../../src/mime/part-access';
import type { MimePart } from '../../src/mime/types';
import { childrenOf, octetsOf, parseBer, sequenceOf } from '../../src/cms/der-reader';
import { loadPrivateKey } from '../../native-host/keys/load-private-key';
import { loadSoftwareKeyOperators } from '../../native-host/keys/load-software-key-operators';
import { SoftwareKeyOperator } from '../../native-host/keys/software-key-operator';
import { readPemCertificates } from '../../native-host/keys/pem';
import { CORPORA, crypto, identityFromPem, SMIME_CERTS, text, THUNDERBIRD } from './envelope-helpers';

interface ExpectedCase {
  readonly filename: string;
  readonly path: string;
  readonly enc: boolean;
  readonly check_text?: string;
}

const EXPECTED = JSON.parse(readFileSync(`${THUNDERBIRD}/EXPECTED.json`, 'utf8')) as { cases: ExpectedCase[] };

/** The texts Thunderbird's test names by variable (mailnews/test/data/smime*). */
const CHECK_TEXTS: Record<string, string> = {
  gTextAliceBob: 'This is a test message from Alice to Bob.',
  gTextFran: 'This is a test message to Fran.',
};

function p12Operators(...paths: string[]): KeyOperator[] {
  return paths.flatMap((path) => loadSoftwareKeyOperators({ p12: readFileSync(path), password: 'nss' }));
}

describe('openssl-generated corpus', () => {
  const dir = `${CORPORA}/openssl-generated`;
  const expected = readFileSync(`${dir}/msg.txt`);
  const operators = [identityFromPem('rsa', `${SMIME_CERTS}/smrsa1.pem`).operator, identityFromPem('ec', `${SMIME_CERTS}/smec1.pem`).operator];
  const files = readdirSync(dir).filter((f) => f.endsWith('.p7m'));
  it('has the five encrypted files', () => expect(files).toHaveLength(5));
  for (const file of files) {
    it(`${file} decrypts to msg.txt`, async () => {
      const part = parseMessage(readFileSync(`${dir}/${file}`));
      expect(isEncryptedPart(part)).toBe(true);
      const result = await decryptPart(crypto, part, operators);
      expect(Buffer.from(result.content).equals(expected)).toBe(true);
      expect(result.authenticated).toBe(file.startsWith('authenv'));
      // Only the right key opens it.
      const rightOnly = file.includes('ecdh') ? operators[1]! : operators[0]!;
      expect(Buffer.from((await decryptPart(crypto, part, [rightOnly])).content).equals(expected)).toBe(true);
    });
  }
});

/**
 * Opens every layer far enough to reach the encrypted one: multipart/signed first parts
 * and the eContent of opaque SignedData are followed without verifying (verification is
 * tested elsewhere); encrypted parts are decrypted. Returns the decrypt results and the
 * texts of the innermost text parts.
 */
async function openLayers(bytes: Uint8Array, operators: readonly KeyOperator[], depth = 0): Promise<{ decrypted: number; texts: string[] }> {
  if (depth > 8) throw new Error('too deep');
  const result = { decrypted: 0, texts: [] as string[] };
  const visit = async (part: MimePart): Promise<void> => {
    let inner: Uint8Array | undefined;
    if (isEncryptedPart(part)) {
      inner = (await decryptPart(crypto, part, operators)).content;
      result.decrypted++;
    } else if (part.smimeKind === 'signed-data') {
      inner = signedContent(decodedBody(part));
    } else if (part.children.length > 0) {
      for (const child of part.children) if (child.smimeKind !== 'detached-signature') await visit(child);
      return;
    } else if (part.contentType.mediaType.startsWith('text/')) {
      result.texts.push(decodedText(part));
      return;
    }
    if (inner) {
      const nested = await openLayers(inner, operators, depth + 1);
      result.decrypted += nested.decrypted;
      result.texts.push(...nested.texts);
    }
  };
  await visit(parseMessage(bytes));
  return result;
}

/** eContent of a SignedData ContentInfo (RFC 5652 §5.2), unverified. */
function signedContent(der: Uint8Array): Uint8Array {
  const [, content] = sequenceOf(parseBer(der, 'ContentInfo'), 'ContentInfo');
  const signedData = sequenceOf(childrenOf(content, 'content')[0], 'SignedData');
  const [, eContent] = sequenceOf(signedData[2], 'EncapsulatedContentInfo');
  return octetsOf(childrenOf(eContent, 'eContent')[0], 'eContent');
}

describe('Thunderbird corpus: every case with an encrypted layer', () => {
  const smime = `${THUNDERBIRD}/mailnews/test/data/smime`;
  const operators = p12Operators(`${smime}/Alice.p12`, `${smime}/Bob.p12`);
  const cases = EXPECTED.cases.filter((c) => c.enc && !c.path.includes('smime-interop'));
  it('has the 20 encrypted NSS cases', () => expect(cases).toHaveLength(20));
  for (const c of cases) {
    it(c.filename, async () => {
      const opened = await openLayers(readFileSync(`${THUNDERBIRD}/${c.path}`), operators);
      expect(opened.decrypted).toBe(1);
      if (c.check_text) expect(opened.texts.join('\n')).toContain(CHECK_TEXTS[c.check_text]);
    });
  }
  it('the outer-encrypted ones decrypt to a complete message with the outer fields', async () => {
    const { message, decrypted } = await decryptMessage(crypto, readFileSync(`${smime}/alice.env.eml`), operators);
    expect(decrypted.cipher).toBe('aes-128-cbc');
    expect(text(message)).toMatch(/^Date: .*\r\nFrom: Alice@example.com\r\nTo: Bob@example.com\r\nSubject: enveloped \r\nMIME-Version: 1.0\r\nContent-Type: text\/plain/);
  });
  it('Eve cannot open Bob\'s mail, and is told so', async () => {
    const eve = p12Operators(`${smime}/Eve.p12`);
    await expect(decryptMessage(crypto, readFileSync(`${smime}/alice.env.eml`), eve)).rejects.toMatchObject({ code: 'cms/no-recipient' });
  });
});

describe('Thunderbird smime-interop (OpenSSL-made, OAEP with labels and hashes, ECDH P-384)', () => {
  const dir = `${THUNDERBIRD}/mailnews/test/data/smime-interop`;
  const operators = p12Operators(`${dir}/Fran.p12`, `${dir}/Fran-ec.p12`);
  const files = readdirSync(dir).filter((f) => f.endsWith('.env'));
  it('has six files', () => expect(files).toHaveLength(6));
  for (const file of files) {
    it(file, async () => {
      const { message } = await decryptMessage(crypto, readFileSync(`${dir}/${file}`), operators);
      expect(decodedText(parseMessage(message))).toContain(CHECK_TEXTS['gTextFran']);
    });
  }
});

describe('PKI.js ECC enveloped example', () => {
  it('extracted-ecc-enveloped.der decrypts with its key', async () => {
    const dir = `${CORPORA}/pkijs`;
    const key = loadPrivateKey(readFileSync(`${dir}/extracted-ecc-recipient-private-key.pem`));
    const cert = readPemCertificates(readFileSync(`${dir}/extracted-ecc-recipient-cert.pem`))[0]!;
    const result = await decryptEnvelope(crypto, readFileSync(`${dir}/extracted-ecc-enveloped.der`), [new SoftwareKeyOperator(key, cert)]);
    expect(text(result.content)).toBe('Hi. My name is Alice.');
  });
});
