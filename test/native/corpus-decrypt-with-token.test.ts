/**
 * Every Thunderbird corpus message encrypted to Alice, Bob or Fran decrypts with the keys
 * on a SoftHSM2 token, reached through the native host as a child process: the CMS
 * pipeline gets KeyOperators from the host client and never sees a private key. Fran's
 * files (OpenSSL-made) add RSA-OAEP with SHA-256 and labels, and ECDH P-384.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childrenOf, octetsOf, parseBer, sequenceOf } from '../../src/cms/der-reader';
import type { KeyOperator } from '../../src/cms/key-operator';
import { decryptPart, isEncryptedPart } from '../../src/cms/smime-envelope';
import { parseMessage } from '../../src/mime/parse';
import { decodedBody, decodedText } from '../../src/mime/part-access';
import type { MimePart } from '../../src/mime/types';
import { nodeCmsCrypto } from '../../native-host/cli/commands/node-cms-crypto';
import { HostClient } from '../../native-host/host-client/host-client';
import { nativeKeyOperators } from '../../src/protocol/native-key-operator';
import { ROOT } from './helpers/host-process';
import { corpusKey, createToken, SOFTHSM_MODULE, USER_PIN, writeHostConfig } from './helpers/token-fixtures';

const THUNDERBIRD = path.resolve(ROOT, '../shared/corpora/thunderbird-smime');
const INTEROP = path.join(THUNDERBIRD, 'mailnews/test/data/smime-interop');
const CHECK_TEXTS: Record<string, string> = {
  gTextAliceBob: 'This is a test message from Alice to Bob.',
  gTextFran: 'This is a test message to Fran.',
};

interface ExpectedCase { readonly path: string; readonly enc: boolean; readonly check_text?: string }
const cases = (JSON.parse(readFileSync(path.join(THUNDERBIRD, 'EXPECTED.json'), 'utf8')) as { cases: ExpectedCase[] }).cases.filter((c) => c.enc);

let dir: string;
let client: HostClient;
let operators: KeyOperator[];

/** eContent of a SignedData ContentInfo, unverified: only the encrypted layer matters here. */
function signedContent(der: Uint8Array): Uint8Array {
  const [, content] = sequenceOf(parseBer(der, 'ContentInfo'), 'ContentInfo');
  const signedData = sequenceOf(childrenOf(content, 'content')[0], 'SignedData');
  const [, eContent] = sequenceOf(signedData[2], 'EncapsulatedContentInfo');
  return octetsOf(childrenOf(eContent, 'eContent')[0], 'eContent');
}

/** Decrypts every encrypted layer and collects the texts inside. */
async function open(bytes: Uint8Array, depth = 0): Promise<{ decrypted: number; texts: string[] }> {
  if (depth > 8) throw new Error('too deep');
  const result = { decrypted: 0, texts: [] as string[] };
  const visit = async (part: MimePart): Promise<void> => {
    let inner: Uint8Array | undefined;
    if (isEncryptedPart(part)) {
      inner = (await decryptPart(nodeCmsCrypto, part, operators)).content;
      result.decrypted++;
    } else if (part.smimeKind === 'signed-data') {
      inner = signedContent(decodedBody(part));
    } else if (part.children.length > 0) {
      for (const child of part.children) if (child.smimeKind !== 'detached-signature') await visit(child);
    } else if (part.contentType.mediaType.startsWith('text/')) {
      result.texts.push(decodedText(part));
    }
    if (inner) {
      const nested = await open(inner, depth + 1);
      result.decrypted += nested.decrypted;
      result.texts.push(...nested.texts);
    }
  };
  await visit(parseMessage(bytes));
  return result;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cachet-corpus-token-'));
  // Fran's keys live in the smime-interop folder.
  const keys = [corpusKey('Alice', dir), corpusKey('Bob', dir), ...['Fran', 'Fran-ec'].map((name) => corpusKey(name, dir, path.join(INTEROP, `${name}.p12`)))];
  const token = createToken(dir, 'corpus', keys, { 'Fran-ec': ['--usage-derive'] });
  const config = writeHostConfig(dir, { modules: [SOFTHSM_MODULE], pinCacheSeconds: 600 });
  client = await HostClient.start({
    command: path.join(ROOT, 'node_modules/.bin/tsx'), args: [path.join(ROOT, 'native-host/host/main.ts')],
    env: { ...token.env, CACHET_HOST_CONFIG: config, HOME: dir }, pin: USER_PIN,
  });
  operators = await nativeKeyOperators((type, req) => client.request(type, req));

});

afterAll(async () => {
  await client.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Thunderbird corpus decrypted with keys on a token through the native host', () => {
  it('sees the four identities on the token, all hardware', () => {
    expect(operators).toHaveLength(4);
  });

  it('covers the 26 encrypted cases', () => expect(cases).toHaveLength(26));

  for (const c of cases) {
    it(path.basename(c.path), async () => {
      const opened = await open(readFileSync(path.join(THUNDERBIRD, c.path)));
      expect(opened.decrypted).toBe(1);
      // Cases without check_text are those whose signature layer is broken on purpose.
      if (c.check_text) expect(opened.texts.join('\n')).toContain(CHECK_TEXTS[c.check_text]);
    });
  }
});
