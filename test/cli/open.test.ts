/**
 * `cachet open` over Thunderbird's S/MIME corpus: every case of EXPECTED.json gives the
 * encryption and signature results Thunderbird's own tests require, through the command
 * line entry point, plus the ways a message cannot be read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCachet } from '../support/run-cachet';
import { VALIDATION_FLAGS, VALIDATION_VALUED_OPTIONS } from '../../native-host/pki/cli-validation';

const TB = '../shared/corpora/thunderbird-smime';
const SMIME = `${TB}/mailnews/test/data/smime`;
const CA = `${SMIME}/TestCA.pem`;

interface ExpectedCase {
  readonly filename: string;
  readonly path: string;
  readonly enc: boolean;
  readonly sig?: boolean;
  readonly sig_good?: boolean;
  readonly sig_good_if_sha1_allowed?: boolean;
  readonly dave?: number;
  readonly check_text?: string;
}

const CASES = (JSON.parse(readFileSync(`${TB}/EXPECTED.json`, 'utf8')) as { cases: ExpectedCase[] }).cases;

/** The texts Thunderbird's test names by variable (mailnews/mime/test/unit/test_smime_decrypt.js). */
const CHECK_TEXTS: Readonly<Record<string, string>> = {
  gTextAliceBob: 'This is a test message from Alice to Bob.',
  gTextFran: 'This is a test message to Fran.',
};

/** Every key of the corpus, as Thunderbird's test loads them all. */
const KEYS = readdirSync(SMIME).filter((f) => f.endsWith('.p12')).sort().flatMap((f) => ['--p12', `${SMIME}/${f}`]);
const READER = [...KEYS, '--pass', 'nss', '--trust', CA];

interface OpenJson {
  encrypted: boolean;
  signed: boolean;
  signatureGood: boolean;
  signers: { address: string | null; status: string; reason?: string }[];
  text: string;
  contentType: string;
  layers: { kind: string; shown?: boolean; status?: string; reason?: string }[];
}

const cachet = (argv: readonly string[], stdin: Uint8Array = new Uint8Array()) => runCachet(argv, stdin);

async function openJson(path: string, ...extra: string[]): Promise<OpenJson> {
  const run = await cachet(['open', ...READER, ...extra, '--json', path]);
  expect(run.err).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.out) as OpenJson;
}

describe('cachet open: Thunderbird corpus (EXPECTED.json)', () => {
  it('has the 68 cases and the keys', () => {
    expect(CASES).toHaveLength(68);
    expect(KEYS.length).toBeGreaterThanOrEqual(2 * 6);
  });

  for (const c of CASES) {
    it(`${c.filename}: ${c.enc ? 'encrypted' : 'not encrypted'}, signature ${c.sig_good ? 'good' : 'not good'}`, async () => {
      const report = await openJson(`${TB}/${c.path}`);
      expect(report.encrypted).toBe(c.enc);
      if (c.sig !== undefined) expect(report.signed).toBe(c.sig);
      expect(report.signatureGood).toBe(c.sig_good ?? false);
      // As Thunderbird's test: the signer reported first is Dave for the "dave" messages, else Alice.
      const first = report.signers[0]?.address;
      if (c.sig && first) expect(first.toLowerCase()).toBe(c.dave ? 'dave@example.com' : 'alice@example.com');
      if (c.check_text !== undefined) {
        const wanted = CHECK_TEXTS[c.check_text];
        expect(wanted).toBeDefined();
        expect(report.text).toContain(wanted);
      }
    });
  }
});

describe('cachet open --insecure-allow-sha1', () => {
  for (const c of CASES.filter((x) => x.sig_good_if_sha1_allowed !== undefined)) {
    it(`${c.filename} → ${c.sig_good_if_sha1_allowed ? 'good' : 'not good'}`, async () => {
      expect((await openJson(`${TB}/${c.path}`, '--insecure-allow-sha1')).signatureGood).toBe(c.sig_good_if_sha1_allowed);
    });
  }
});

describe('cachet open: what a reader is shown', () => {
  it('names why a signature is not good', async () => {
    const status = async (file: string): Promise<string | undefined> => (await openJson(`${SMIME}/${file}`)).signers[0]?.status;
    expect(await status('alice.dsig.SHA256.multipart.bad.eml')).toBe('digest-mismatch');
    expect(await status('alice.future.dsig.SHA256.multipart.eml')).toBe('signing-time-mismatch');
    expect(await status('alice.sig.SHA256.opaque.eml')).toBe('good');
    expect(await status('alice.sig.SHA1.opaque.eml')).toBe('weak');
    expect(await status('alice.dsig.SHA256.multipart.mismatch-econtent.eml')).toBe('content-conflict');
    // Alice's inner signature is good, but the message is from Dave.
    const nested = await openJson(`${SMIME}/alice.plain.sig.SHA256.opaque.dave.dsig.SHA256.multipart.eml`);
    expect(nested.signers.map((s) => [s.address, s.status])).toEqual([['Dave@example.com', 'good'], ['Alice@example.com', 'from-mismatch']]);
  });

  it('reports a transport signature around encryption without showing it, and the signed layer inside', async () => {
    const report = await openJson(`${TB}/mailnews/test/data/smime-manual/alice.dsig.SHA256.multipart.env.dsig.eml`);
    expect(report.layers.map((l) => [l.kind, l.shown])).toEqual([['multipart-signed', false], ['encrypted', undefined], ['multipart-signed', true]]);
    expect(report.signers).toEqual([{ address: 'Alice@example.com', status: 'good' }]);
  });

  it('does not open encryption inside a shown signature', async () => {
    const report = await openJson(`${SMIME}/alice.env.dsig.SHA256.multipart.dave.sig.SHA256.opaque.eml`);
    expect(report.layers.map((l) => l.kind)).toEqual(['signed-data', 'multipart-signed', 'not-opened']);
    expect(report.text).toBe('');
  });

  it('trusts no signer without --trust', async () => {
    const run = await cachet(['open', '--json', `${SMIME}/alice.sig.SHA256.opaque.eml`]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.out) as OpenJson;
    expect(report.signed).toBe(true);
    expect(report.signatureGood).toBe(false);
    expect(report.signers[0]?.status).toBe('untrusted');
  });

  it('plain output: the innermost content on stdout, one line per layer on stderr', async () => {
    const run = await cachet(['open', ...READER, `${SMIME}/alice.sig.SHA256.opaque.env.eml`]);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^Content-Type: text\/plain/);
    expect(run.out).toContain(CHECK_TEXTS['gTextAliceBob']);
    expect(run.out).not.toMatch(/pkcs7|^From:/im);
    expect(run.err).toContain('encrypted (aes-128-cbc) for Bob@example.com');
    expect(run.err).toContain('signer Alice@example.com: good');
    // A message without S/MIME is its own innermost content.
    const plain = 'From: a@example.com\r\nSubject: hi\r\n\r\nno layers here\r\n';
    const unsigned = await cachet(['open', '-'], Buffer.from(plain));
    expect(unsigned.code).toBe(0);
    expect(unsigned.out).toBe(plain);
    expect(unsigned.err).toContain('not encrypted, not signed');
  });

  it("'-' reads standard input", async () => {
    const run = await cachet(['open', ...READER, '--json', '-'], readFileSync(`${SMIME}/alice.dsig.SHA256.multipart.env.eml`));
    expect(run.code).toBe(0);
    const report = JSON.parse(run.out) as OpenJson;
    expect([report.encrypted, report.signatureGood]).toEqual([true, true]);
    expect(report.text).toContain(CHECK_TEXTS['gTextAliceBob']);
  });

  it('unlocks keys only for encrypted messages', async () => {
    const signedOnly = await cachet(['open', '--p12', `${SMIME}/Alice.p12`, '--pass', 'wrong', `${SMIME}/alice.sig.SHA256.opaque.eml`]);
    expect(signedOnly.code).toBe(0);
  });

  it('the usage documents every option (cachet help open)', async () => {
    const help = await cachet(['help', 'open']);
    const options = ['--p12', '--pass', '--cert', '--key', '--trust', '--json', '--insecure-allow-sha1', ...VALIDATION_VALUED_OPTIONS, ...VALIDATION_FLAGS];
    for (const option of options) expect(help.out).toContain(`${option} `);
  });
});

describe('cachet open: messages that cannot be read exit 2', () => {
  const env = `${SMIME}/alice.env.eml`;

  it('no key given, no key that fits, a wrong password', async () => {
    const none = await cachet(['open', env]);
    expect([none.code, none.out]).toEqual([2, '']);
    expect(none.err).toContain('key/unavailable: the message is encrypted');
    const eve = await cachet(['open', '--p12', `${SMIME}/Eve.p12`, '--pass', 'nss', env]);
    expect(eve.code).toBe(2);
    expect(eve.err).toContain('cms/no-recipient');
    const wrongPass = await cachet(['open', '--p12', `${SMIME}/Bob.p12`, '--pass', 'wrong', env]);
    expect(wrongPass.code).toBe(2);
    expect(wrongPass.err).toContain(`key/unavailable: ${SMIME}/Bob.p12`);
  });

  it('garbage, empty, truncated or broken S/MIME input', async () => {
    const noise = Uint8Array.from({ length: 2048 }, (_, i) => (i * 73 + 41) % 251);
    const whole = readFileSync(env);
    const truncated = whole.subarray(0, Math.floor(whole.length * 0.8));
    const badEnvelope = 'From: a@example.com\r\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data\r\nContent-Transfer-Encoding: base64\r\n\r\nMIIBAAAA\r\n';
    const badOpaque = 'From: a@example.com\r\nContent-Type: application/pkcs7-mime; smime-type=signed-data\r\nContent-Transfer-Encoding: base64\r\n\r\nnot a signature\r\n';
    for (const input of [noise, new Uint8Array(), truncated, Buffer.from(badEnvelope), Buffer.from(badOpaque)]) {
      const run = await cachet(['open', ...READER, '-'], input);
      expect(run.code).toBe(2);
      expect(run.out).toBe('');
      expect(run.err).toMatch(/^cachet open: [a-z0-9]+\/[a-z-]+: /);
    }
  });

  it('a missing file and wrong options', async () => {
    const missing = await cachet(['open', `${SMIME}/no-such-message.eml`]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('input/invalid: cannot read');
    expect((await cachet(['open'])).code).toBe(2);
    expect((await cachet(['open', '--cert', CA, env])).code).toBe(2);
    expect((await cachet(['open', '--frobnicate', env])).err).toContain('unknown option --frobnicate');
  });
});
