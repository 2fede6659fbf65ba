/**
 * The composer (B5–B8, B12–B18) with the real address book, policy store and validation,
 * and software keys behind a scripted native host. Every message it creates is read by
 * `openssl cms` with the keys of the people it is for, and by Cachet.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MissingCertificatesError } from '../../background/compose/missing-certificates';
import { messageFileName } from '../../background/compose/message-file-name';
import { ENCRYPTION_ALGORITHM_OIDS } from '../../src/cms/content-cipher-choice';
import { HASH_OIDS, OID_RSAES_OAEP } from '../../src/cms/oids';
import { isCachetError } from '../../src/errors';
import { decodedText, fileName, headerValue } from '../../src/mime/part-access';
import { parseMessage } from '../../src/mime/parse';
import type { ComposeRequest } from '../../src/protocol/runtime';
import { bytesToBase64 } from '../../src/protocol/runtime-bytes';
import { crypto as cmsCrypto } from '../cms/envelope-helpers';
import { cachetUnwrap, opensslUnwrap, type LayerKind } from '../cms/support/smime-layers';
import { makeTestPki, type TestPki } from '../cms/support/openssl-pki';
import { composeRequest, composerWorld, issueLeaf, type ComposerWorld, type HostIdentity, type IssuedLeaf, type WorldOptions } from './compose-fixtures';
import { makeTestCertificates, type TestCertificates } from './test-certificates';

let pki: TestPki;
let selfSigned: TestCertificates;
let caBundle: string;
/** Recipients: RSA key transport (dave, carol) and ECDH (erin), all certified for e-mail encryption. */
let dave: IssuedLeaf;
let erin: IssuedLeaf;
let carol: IssuedLeaf;
/** Own keys besides the test PKI's rsa@example.org: a smart card, and a signing-only certificate. */
let card: IssuedLeaf;
let signer: IssuedLeaf;
let ids: { rsa: HostIdentity; card: HostIdentity; signOnly: HostIdentity };

const encryption = ['keyUsage=critical,keyEncipherment', 'extendedKeyUsage=emailProtection'];

beforeAll(() => {
  pki = makeTestPki();
  // The host lists leaf certificates only, so signatures carry no intermediate: readers need it locally.
  caBundle = join(pki.dir, 'ca-bundle.pem');
  writeFileSync(caBundle, Buffer.concat([readFileSync(pki.intermediatePath), readFileSync(pki.rootPath)]));
  selfSigned = makeTestCertificates();
  dave = issueLeaf(pki.dir, 'dave', 'rsa', encryption);
  erin = issueLeaf(pki.dir, 'erin', 'ec', ['keyUsage=critical,keyAgreement', 'extendedKeyUsage=emailProtection']);
  carol = issueLeaf(pki.dir, 'carol', 'rsa', encryption);
  card = issueLeaf(pki.dir, 'card', 'ec', ['keyUsage=critical,digitalSignature,keyAgreement', 'extendedKeyUsage=emailProtection']);
  signer = issueLeaf(pki.dir, 'signer', 'rsa', ['keyUsage=critical,digitalSignature', 'extendedKeyUsage=emailProtection']);
  ids = {
    rsa: { id: 'rsa', operator: pki.leaves.rsa.operator },
    card: { id: 'card', operator: card.operator, hardware: true, usages: ['sign', 'derive'] },
    signOnly: { id: 'sign-only', operator: signer.operator, usages: ['sign'] },
  };
});
afterAll(() => {
  pki.remove();
  selfSigned.cleanup();
});

const pem = (path: string): Uint8Array => new Uint8Array(readFileSync(path));

/**
 * A composer whose address book knows dave, erin and carol. Their intermediate is a trust
 * anchor: the address book holds people's certificates, not CA certificates, and these
 * certificates name no AIA URL to fetch it from.
 */
async function world(options: Partial<WorldOptions> = {}): Promise<ComposerWorld> {
  const made = await composerWorld({ identities: [ids.rsa, ids.card], trustedRoots: [pki.intermediate], ...options });
  for (const leaf of [dave, erin, carol]) await made.addressBook.importFile(pem(leaf.certPath));
  return made;
}

async function failure(run: () => Promise<unknown>): Promise<{ code: string; message: string; error: unknown }> {
  try {
    await run();
  } catch (error) {
    if (isCachetError(error)) return { code: error.code, message: error.message, error };
    throw error;
  }
  return { code: 'no error', message: '', error: undefined };
}

const reader = (certPath: string, keyPath: string) => ({ dir: pki.dir, caFile: caBundle, certPath, keyPath });
const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');
const headOf = (bytes: Uint8Array): string => latin1(bytes).slice(0, latin1(bytes).indexOf('\r\n\r\n'));

const fullRequest = (overrides: Partial<ComposeRequest> = {}): ComposeRequest => composeRequest({
  identity: 'rsa',
  from: 'Rsa Sender <rsa@example.org>',
  to: ['"Doe, Dave" <dave@example.org>'],
  cc: ['erin@example.org'],
  bcc: ['carol@example.org'],
  subject: 'Quartalsbericht für Q3 – vertraulich',
  text: 'Hallo,\n\nanbei der Bericht. Grüße\n',
  html: '<p>Hallo,</p><p>anbei der Bericht. Grüße</p>',
  attachments: [{ fileName: 'Bericht-Ü.pdf', mediaType: 'application/pdf', data: bytesToBase64(new Uint8Array([37, 80, 68, 70, 0, 255, 1])) }],
  sign: true,
  encrypt: true,
  ...overrides,
});

describe('recipients (B6 step 1, B1–B3, B8)', () => {
  it('finds a valid certificate in the address book and says where', async () => {
    const { composer } = await world();
    const [view] = await composer.recipients(['"Dave D" <dave@EXAMPLE.org>']);
    expect(view).toMatchObject({ address: '"Dave D" <dave@EXAMPLE.org>', state: 'ok', source: 'address-book' });
    expect(view?.certificate?.addresses).toEqual(['dave@example.org']);
  });

  it('none: an unknown address, and text that is not an address', async () => {
    const { composer } = await world();
    const [unknown, notAnAddress] = await composer.recipients(['nobody@example.org', 'Bob']);
    expect(unknown).toMatchObject({ state: 'none', detail: 'not in your address book' });
    expect(notAnAddress?.state).toBe('none');
    expect(notAnAddress?.detail).toMatch(/invalid or unsupported e-mail address/);
  });

  it('invalid: a certificate that chains to no trusted root, with the reason', async () => {
    const { composer, addressBook } = await world();
    await addressBook.importFile(selfSigned.bob.pem);
    const [view] = await composer.recipients(['bob@example.org']);
    expect(view).toMatchObject({ state: 'invalid', source: 'address-book' });
    expect(view?.detail).toMatch(/trust/i);
  });

  it('invalid: a certificate the user marked untrusted (B11)', async () => {
    const fingerprint = Buffer.from(await crypto.subtle.digest('SHA-256', dave.certificate as Uint8Array<ArrayBuffer>)).toString('hex');
    const { composer } = await world({ user: { untrustedCertificates: [fingerprint] } });
    const [view] = await composer.recipients(['dave@example.org']);
    expect(view?.state).toBe('invalid');
  });

  it('invalid: expired (B3, B9), and a key not meant for encryption (B2)', async () => {
    const later = await world({ now: new Date(Date.now() + 20 * 365 * 86_400_000) });
    const [expired] = await later.composer.recipients(['dave@example.org']);
    expect(expired).toMatchObject({ state: 'invalid' });
    expect(expired?.detail).toMatch(/expired on \d{4}-\d\d-\d\d/);
    const now = await world();
    await now.addressBook.importFile(pem(signer.certPath));
    const [signing] = await now.composer.recipients(['signer@example.org']);
    expect(signing).toMatchObject({ state: 'invalid', detail: expect.stringMatching(/not meant for encrypting/) as unknown });
  });

  it('algorithm: announced capabilities without an allowed algorithm count as missing (B8)', async () => {
    const { composer, addressBook } = await world();
    await addressBook.harvest({ certificate: erin.certificate, capabilities: [ENCRYPTION_ALGORITHM_OIDS['aes128-cbc']], signedAt: new Date() });
    const [view] = await composer.recipients(['erin@example.org']);
    expect(view).toMatchObject({ state: 'algorithm', source: 'address-book' });
    expect(view?.detail).toMatch(/announced aes128-cbc; your policy allows aes256-gcm, aes256-cbc/);
    const wider = await world({ user: { encryptionAlgorithms: ['aes256-gcm', 'aes128-cbc'] } });
    await wider.addressBook.harvest({ certificate: erin.certificate, capabilities: [ENCRYPTION_ALGORITHM_OIDS['aes128-cbc']], signedAt: new Date() });
    expect((await wider.composer.recipients(['erin@example.org']))[0]?.state).toBe('ok');
  });

  it('a validation that throws disqualifies the certificate and says so, nothing more', async () => {
    const { composer } = await world({ validation: { validate: () => Promise.reject(new Error('the network fell over')) } });
    const [view] = await composer.recipients(['dave@example.org']);
    expect(view).toMatchObject({ state: 'invalid', detail: 'the certificate could not be validated' });
  });

  it('answers every entry in order, each address looked up once', async () => {
    const { composer } = await world();
    const views = await composer.recipients(['dave@example.org', 'x@example.org', 'dave@example.org']);
    expect(views.map((v) => v.state)).toEqual(['ok', 'none', 'ok']);
  });
});

describe('build: the message everyone it is for can read', () => {
  it('signed, encrypted and signed again by default, to To, Cc, Bcc and the sender (B14, B16)', async () => {
    const made = await world();
    const { message, fileName: name } = await made.composer.build(fullRequest());
    expect(name).toBe('Quartalsbericht für Q3 – vertraulich.eml');
    expect(made.signatures()).toBe(2);
    const head = headOf(message);
    expect(head).toMatch(/^From: Rsa Sender <rsa@example\.org>$/m);
    expect(head).toMatch(/^To: "Doe, Dave" <dave@example\.org>$/m);
    expect(head).toMatch(/^Cc: erin@example\.org$/m);
    expect(head).toMatch(/^Subject: Quartalsbericht =\?UTF-8\?/m);
    expect(head).toMatch(/^Message-ID: <[0-9a-f]{32}@example\.org>$/m);
    expect(latin1(message)).not.toMatch(/^Bcc:/im);
    expect(latin1(message)).not.toContain('carol');

    const people = [dave, erin, carol, pki.leaves.rsa];
    for (const who of people) {
      const opened = opensslUnwrap(message, reader(who.certPath, who.keyPath));
      expect(opened.layers).toEqual(['signed', 'enveloped', 'signed']);
      expect(opened.entity.toString('latin1')).toMatch(/multipart\/mixed/);
    }
    const byCachet = await cachetUnwrap(message, cmsCrypto, [dave.operator]);
    expect(byCachet.allGood).toBe(true);
    expect(byCachet.signers.map((s) => s.emailAddresses)).toEqual([['rsa@example.org'], ['rsa@example.org']]);
    const [alternative, attachment] = byCachet.entity.children;
    const [text, html] = alternative?.children ?? [];
    expect(decodedText(text!)).toBe('Hallo,\r\n\r\nanbei der Bericht. Grüße\r\n');
    expect(html?.contentType.mediaType).toBe('text/html');
    expect(fileName(attachment!)).toBe('Bericht-Ü.pdf');
    expect(attachment?.contentType.mediaType).toBe('application/pdf');
  });

  const layouts: { clearSign: boolean; tripleWrap: boolean; layers: LayerKind[] }[] = [
    { clearSign: true, tripleWrap: true, layers: ['signed', 'enveloped', 'signed'] },
    { clearSign: false, tripleWrap: true, layers: ['signed', 'enveloped', 'signed'] },
    { clearSign: true, tripleWrap: false, layers: ['enveloped', 'signed'] },
    { clearSign: false, tripleWrap: false, layers: ['enveloped', 'signed'] },
  ];
  for (const { clearSign, tripleWrap, layers } of layouts) {
    it(`clearSign ${clearSign}, tripleWrap ${tripleWrap}, signingAlgorithms sha384 (B12, B16)`, async () => {
      const made = await world({ user: { clearSign, tripleWrap, signingAlgorithms: ['sha384'] } });
      const { message } = await made.composer.build(fullRequest({ cc: [], bcc: [] }));
      const outer = /^Content-Type: ([a-z0-9/-]+)/m.exec(latin1(message))?.[1];
      expect(outer).toBe(tripleWrap ? (clearSign ? 'multipart/signed' : 'application/pkcs7-mime') : 'application/pkcs7-mime');
      expect(opensslUnwrap(message, reader(dave.certPath, dave.keyPath)).layers).toEqual(layers);
      const byCachet = await cachetUnwrap(message, cmsCrypto, [dave.operator]);
      expect(byCachet.allGood).toBe(true);
      for (const signer of byCachet.signers) expect(signer.digestAlgorithm).toBe(HASH_OIDS['SHA-384']);
    });
  }

  it('sign only and encrypt only', async () => {
    const made = await world();
    const signed = await made.composer.build(fullRequest({ encrypt: false }));
    expect(opensslUnwrap(signed.message, reader(dave.certPath, dave.keyPath)).layers).toEqual(['signed']);
    const { identity: _unused, ...withoutIdentity } = fullRequest({ sign: false });
    const encrypted = await made.composer.build(withoutIdentity);
    expect(opensslUnwrap(encrypted.message, reader(carol.certPath, carol.keyPath)).layers).toEqual(['enveloped']);
  });

  it('neither: a plain message with the same headers', async () => {
    const made = await world();
    const { message } = await made.composer.build(fullRequest({ sign: false, encrypt: false }));
    const root = parseMessage(message);
    expect(root.smimeKind).toBe('none');
    expect(headerValue(root, 'to')).toBe('"Doe, Dave" <dave@example.org>');
    expect(headerValue(root, 'bcc')).toBeUndefined();
    expect(made.signatures()).toBe(0);
  });

  it('AES-GCM only when every recipient announced it (B8, DESIGN Choices)', async () => {
    const made = await world();
    const gcm = [ENCRYPTION_ALGORITHM_OIDS['aes256-gcm'], ENCRYPTION_ALGORITHM_OIDS['aes256-cbc']];
    await made.addressBook.harvest({ certificate: dave.certificate, capabilities: gcm, signedAt: new Date() });
    const oneKnown = await made.composer.build(fullRequest({ bcc: [], sign: false }));
    expect(latin1(oneKnown.message)).toContain('smime-type=enveloped-data');
    await made.addressBook.harvest({ certificate: erin.certificate, capabilities: gcm, signedAt: new Date() });
    const bothKnown = await made.composer.build(fullRequest({ bcc: [], sign: false }));
    expect(latin1(bothKnown.message)).toContain('smime-type=authEnveloped-data');
    expect(opensslUnwrap(bothKnown.message, reader(erin.certPath, erin.keyPath)).layers).toEqual(['enveloped']);
  });
  it('RSAES-OAEP to a recipient who announced it, PKCS #1 v1.5 to the others (DESIGN Choices)', async () => {
    const made = await world();
    await made.addressBook.harvest({ certificate: dave.certificate, capabilities: [ENCRYPTION_ALGORITHM_OIDS['aes256-cbc'], OID_RSAES_OAEP], signedAt: new Date() });
    const { message } = await made.composer.build(fullRequest({ bcc: [], sign: false }));
    const file = join(pki.dir, 'oaep.eml');
    writeFileSync(file, message);
    const printed = execFileSync('openssl', ['cms', '-cmsout', '-print', '-in', file]).toString();
    // Only Dave's RecipientInfo uses OAEP; Erin's key agreement and the sender's are as before.
    expect(printed.match(/algorithm: rsaesOaep/g)).toHaveLength(1);
    expect(opensslUnwrap(message, reader(dave.certPath, dave.keyPath)).layers).toEqual(['enveloped']);
    expect(opensslUnwrap(message, reader(erin.certPath, erin.keyPath)).layers).toEqual(['enveloped']);
  });
});

describe('B7: recipients without a usable certificate', () => {
  const withStranger = (overrides: Partial<ComposeRequest> = {}) => fullRequest({ cc: ['stranger@example.org'], bcc: [], ...overrides });

  it('refuses and names them, unless the sender chose to encrypt anyway', async () => {
    const made = await world();
    const refused = await failure(() => made.composer.build(withStranger()));
    expect(refused.code).toBe('cms/no-recipient');
    expect(refused.error).toBeInstanceOf(MissingCertificatesError);
    expect((refused.error as MissingCertificatesError).addresses).toEqual(['stranger@example.org']);
    expect(refused.message).toMatch(/could not read the encrypted message: stranger@example\.org\. Send it encrypted anyway, or turn encryption off/);

    const anyway = await made.composer.build(withStranger({ encryptDespiteMissing: true }));
    expect(opensslUnwrap(anyway.message, reader(dave.certPath, dave.keyPath)).layers).toEqual(['signed', 'enveloped', 'signed']);
    expect(headOf(anyway.message)).toMatch(/^Cc: stranger@example\.org$/m);

    const unencrypted = await made.composer.build(withStranger({ encrypt: false }));
    expect(opensslUnwrap(unencrypted.message, reader(dave.certPath, dave.keyPath)).layers).toEqual(['signed']);
  });

  it('a recipient who cannot read the cipher the others share counts as missing (B8)', async () => {
    const made = await world({ user: { encryptionAlgorithms: ['aes256-gcm', 'aes128-cbc'] } });
    await made.addressBook.harvest({ certificate: dave.certificate, capabilities: [ENCRYPTION_ALGORITHM_OIDS['aes256-gcm']], signedAt: new Date() });
    await made.addressBook.harvest({ certificate: erin.certificate, capabilities: [ENCRYPTION_ALGORITHM_OIDS['aes256-gcm']], signedAt: new Date() });
    await made.addressBook.harvest({ certificate: carol.certificate, capabilities: [ENCRYPTION_ALGORITHM_OIDS['aes128-cbc']], signedAt: new Date() });
    const refused = await failure(() => made.composer.build(fullRequest()));
    expect((refused.error as MissingCertificatesError).addresses).toEqual(['carol@example.org']);
  });

  it('with alwaysEncrypt the message cannot be created for them at all', async () => {
    const made = await world({ managed: { alwaysEncrypt: true } });
    for (const request of [withStranger(), withStranger({ encryptDespiteMissing: true })]) {
      const refused = await failure(() => made.composer.build(request));
      expect(refused.code).toBe('cms/no-recipient');
      expect(refused.message).toMatch(/^Your organisation requires encryption.*: stranger@example\.org$/);
    }
    expect((await failure(() => made.composer.build(withStranger({ encrypt: false })))).code).toBe('policy/locked');
    expect((await failure(() => made.composer.build(fullRequest({ encrypt: false })))).code).toBe('policy/locked');
    const fine = await made.composer.build(fullRequest());
    expect(opensslUnwrap(fine.message, reader(carol.certPath, carol.keyPath)).layers).toEqual(['signed', 'enveloped', 'signed']);
  });
});

describe('B5: the sender\'s own keys', () => {
  it('signing needs an identity that can sign mail from this address', async () => {
    const made = await world({ identities: [ids.rsa, ids.card, ids.signOnly] });
    const noIdentity = composeRequest({ to: ['dave@example.org'], sign: true });
    expect(await failure(() => made.composer.build(noIdentity))).toMatchObject({ code: 'key/unavailable', message: expect.stringMatching(/choose one of your certificates/) as unknown });
    expect((await failure(() => made.composer.build(fullRequest({ identity: 'gone' })))).code).toBe('key/unavailable');
    const wrongFrom = await failure(() => made.composer.build(fullRequest({ identity: 'card' })));
    expect(wrongFrom).toMatchObject({ code: 'key/unavailable', message: expect.stringMatching(/does not carry rsa@example\.org \(it has card@example\.org\)/) as unknown });
  });

  it('smartCardOnly refuses a software key and takes the card (B4)', async () => {
    const made = await world({ managed: { smartCardOnly: true } });
    const software = await failure(() => made.composer.build(fullRequest({ encrypt: false })));
    expect(software.message).toMatch(/only certificates on a smart card/);
    const { message } = await made.composer.build(fullRequest({ identity: 'card', from: 'card@example.org', cc: [], bcc: [] }));
    const byCachet = await cachetUnwrap(message, cmsCrypto, [dave.operator]);
    expect(byCachet.signers[0]?.emailAddresses).toEqual(['card@example.org']);
    // B14: with smartCardOnly the sender's copy goes to the card's certificate too.
    expect(opensslUnwrap(message, reader(card.certPath, card.keyPath)).layers).toEqual(['signed', 'enveloped', 'signed']);
  });

  it('encrypting needs an own certificate that can decrypt (B14); signing alone does not', async () => {
    const made = await world({ identities: [ids.signOnly] });
    const request = fullRequest({ identity: 'sign-only', from: 'signer@example.org', cc: [], bcc: [] });
    expect((await failure(() => made.composer.build(request))).message).toMatch(/could not read this message in your Sent folder/);
    const { message } = await made.composer.build({ ...request, encrypt: false });
    expect(opensslUnwrap(message, reader(dave.certPath, dave.keyPath)).layers).toEqual(['signed']);
  });
});

describe('hostile and odd input', () => {
  it('refuses bad addresses and an empty recipient list with typed errors', async () => {
    const made = await world();
    expect((await failure(() => made.composer.build(fullRequest({ to: ['not an address'] })))).code).toBe('input/invalid');
    expect((await failure(() => made.composer.build(fullRequest({ to: [], cc: [], bcc: [] })))).message).toBe('add at least one recipient');
    expect((await failure(() => made.composer.build(fullRequest({ from: 'x\r\nBcc: eve@example.org' })))).code).toBe('input/invalid');
    const injected = await failure(() => made.composer.build(fullRequest({ to: ['Eve\r\nBcc: eve@example.org <dave@example.org>'] })));
    expect(injected.code).toBe('input/invalid');
  });

  it('a subject cannot add header fields, and attachment names lose their paths', async () => {
    const made = await world();
    const { message, fileName: name } = await made.composer.build(fullRequest({
      sign: false, encrypt: false, subject: 'Hi\r\nBcc: eve@example.org',
      attachments: [{ fileName: '../../etc/pass\u0000wd', mediaType: 'text/plain', data: bytesToBase64(new TextEncoder().encode('x')) }],
    }));
    expect(latin1(message)).not.toMatch(/^Bcc:/im);
    expect(name).toBe('Hi Bcc eve@example.org.eml');
    expect(fileName(parseMessage(message).children[1]!)).toBe('passwd');
  });

  it('file names from subjects are safe everywhere', () => {
    expect(messageFileName('Re: Q3/Q4 <report>?')).toBe('Re Q3 Q4 report.eml');
    expect(messageFileName('...')).toBe('message.eml');
    expect(messageFileName('')).toBe('message.eml');
    expect(messageFileName('x'.repeat(300))).toBe(`${'x'.repeat(80)}.eml`);
  });
});
