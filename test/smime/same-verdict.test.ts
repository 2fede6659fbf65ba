/**
 * One verdict everywhere: over every signed or encrypted message of the corpora, the three
 * surfaces that judge signers say the same thing of each one — `cachet verify`, `cachet
 * open` (both through the command line) and the background reader as the banner shows it
 * (the reader's signer and validation views, judged by the banner's `bannerVerdict`).
 * Each surface is given the same trust anchor and key, and none fetches anything.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSoftwareKeyOperators } from '../../native-host/keys/load-software-key-operators';
import type { KeyOperator } from '../../src/cms/key-operator';
import { bannerVerdict } from '../../src/ui/pages/reader/signer-banner';
import { readerTrusting } from '../support/background-reader';
import { runCachet } from '../support/run-cachet';

const corpora = '../shared/corpora';

interface KeyFile {
  readonly args: readonly string[];
  readonly operators: () => KeyOperator[];
}

interface CorpusSet {
  readonly name: string;
  readonly dir: string;
  readonly files: readonly string[];
  readonly anchor: string;
  readonly key?: KeyFile;
}

const emlIn = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
const p12 = (file: string): KeyFile => ({
  args: ['--p12', file, '--pass', 'nss'],
  operators: () => loadSoftwareKeyOperators({ p12: new Uint8Array(readFileSync(file)), password: 'nss' }),
});
const pemKey = (file: string): KeyFile => ({
  args: ['--key', file],
  operators: () => loadSoftwareKeyOperators({ keyPem: new Uint8Array(readFileSync(file)) }),
});

const thunderbird = `${corpora}/thunderbird-smime/mailnews/test/data/smime`;
const thunderbirdManual = `${corpora}/thunderbird-smime/mailnews/test/data/smime-manual`;
const thunderbirdBrowser = `${corpora}/thunderbird-smime/mail/test/browser/smime/data`;
const generated = `${corpora}/openssl-generated`;

const sets: CorpusSet[] = [
  { name: 'thunderbird', dir: thunderbird, files: emlIn(thunderbird), anchor: `${thunderbird}/TestCA.pem`, key: p12(`${thunderbird}/Bob.p12`) },
  { name: 'thunderbird-manual', dir: thunderbirdManual, files: emlIn(thunderbirdManual), anchor: `${thunderbird}/TestCA.pem`, key: p12(`${thunderbird}/Bob.p12`) },
  { name: 'thunderbird-browser', dir: thunderbirdBrowser, files: emlIn(thunderbirdBrowser), anchor: `${thunderbirdBrowser}/TestCA.pem`, key: p12(`${thunderbirdBrowser}/Bob.p12`) },
  { name: 'pkits', dir: `${corpora}/pkits/nist-smime`, files: emlIn(`${corpora}/pkits/nist-smime`), anchor: `${corpora}/pkits/certs/TrustAnchorRootCertificate.crt` },
  { name: 'openssl-generated signed', dir: generated, files: emlIn(generated), anchor: `${corpora}/openssl/smime-certs/smroot.pem` },
  {
    name: 'openssl-generated RSA', dir: generated, anchor: `${corpora}/openssl/smime-certs/smroot.pem`, key: pemKey(`${corpora}/openssl/smime-certs/smrsa1.pem`),
    files: readdirSync(generated).filter((f) => f.endsWith('.p7m') && !f.includes('ecdh')),
  },
  {
    name: 'openssl-generated EC', dir: generated, anchor: `${corpora}/openssl/smime-certs/smroot.pem`, key: pemKey(`${corpora}/openssl/smime-certs/smec1.pem`),
    files: readdirSync(generated).filter((f) => f.endsWith('.p7m') && f.includes('ecdh')),
  },
  { name: 'openssl smime-eml', dir: `${corpora}/openssl/smime-eml`, files: emlIn(`${corpora}/openssl/smime-eml`), anchor: `${corpora}/openssl/smime-eml/pkitsta.pem` },
  { name: 'pkijs', dir: `${corpora}/pkijs`, files: ['TestSMIME.eml'], anchor: `${corpora}/pkijs/TestIssuerCert.cer` },
];

/** Each shown signed layer's signer statuses, outermost first; null when the message cannot be read. */
type Verdicts = string[][] | null;

interface OpenJson {
  layers: { kind: string; shown?: boolean; status?: string; signers?: { status: string }[] }[];
}

const commonArgs = (set: CorpusSet): string[] => ['--json', '--offline', '--trust', set.anchor];

function layerStatuses(layers: OpenJson['layers']): string[][] {
  return layers
    .filter((l) => l.kind !== 'encrypted' && l.kind !== 'not-opened' && l.shown !== false)
    // A layer that cannot be checked at all has no signer: it shows as one bad banner of its status.
    .map((l) => (l.signers && l.signers.length > 0 ? l.signers.map((s) => s.status) : [l.status ?? 'malformed']));
}

async function viaOpen(set: CorpusSet, file: string): Promise<{ verdicts: Verdicts; encrypted: boolean }> {
  const run = await runCachet(['open', ...commonArgs(set), ...(set.key?.args ?? []), path.join(set.dir, file)]);
  if (run.code !== 0) return { verdicts: null, encrypted: false };
  const json = JSON.parse(run.out) as OpenJson;
  return { verdicts: layerStatuses(json.layers), encrypted: json.layers.some((l) => l.kind === 'encrypted') };
}

async function viaVerify(set: CorpusSet, file: string): Promise<string[][]> {
  const run = await runCachet(['verify', ...commonArgs(set), path.join(set.dir, file)]);
  if (run.code === 2) return [];
  return layerStatuses((JSON.parse(run.out) as OpenJson).layers);
}

async function viaReader(set: CorpusSet, file: string): Promise<Verdicts> {
  const reader = await readerTrusting(set.anchor, set.key?.operators() ?? []);
  let view;
  try {
    view = await reader.open(new Uint8Array(readFileSync(path.join(set.dir, file))), 'extension');
  } catch {
    return null;
  }
  const validations = await reader.validation(view.sessionId, 'extension');
  const layers: string[][] = [];
  view.signers.forEach((signer, i) => {
    (layers[signer.layer] ??= []).push(bannerVerdict(signer, validations[i]).status);
  });
  return layers;
}

let compared = 0;

describe('the same signer verdict from verify, open and the reader', () => {
  for (const set of sets) {
    describe(set.name, () => {
      it('has messages', () => {
        expect(set.files.length).toBeGreaterThan(0);
      });
      for (const file of set.files) {
        it(file, async () => {
          const open = await viaOpen(set, file);
          const reader = await viaReader(set, file);
          expect({ file, verdicts: reader }).toEqual({ file, verdicts: open.verdicts });
          if (open.verdicts !== null && !open.encrypted) {
            // verify reads on into layers the reader does not open (an opaque signature inside
            // an opaque one); the layers both show must agree.
            const verify = await viaVerify(set, file);
            expect({ file, verdicts: verify.slice(0, open.verdicts.length) }).toEqual({ file, verdicts: open.verdicts });
          }
          compared++;
        });
      }
    });
  }

  it('compared every message', () => {
    const total = sets.reduce((n, s) => n + s.files.length, 0);
    console.log(`same verdict on ${compared} of ${total} corpus messages`);
    expect(compared).toBe(total);
  });
});
