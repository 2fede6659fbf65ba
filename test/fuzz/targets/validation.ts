/**
 * RFC 5280 path validation on NIST PKITS paths that must validate, with one or more of
 * their certificates or CRLs mutated (the trust anchor stays as it is). A path that still
 * validates through a certificate whose signed part (TBSCertificate) changed is a false good.
 */
import { webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CORPORA } from '../corpus';
import { mutateBytes, mutateDer, type Seed } from '../mutate';
import { packPieces, sha256, tolerate, unpackPieces, type FuzzTarget } from '../target';
import { validateCertificate, type RevocationMode } from '../../../src/pki/certificate-validator';
import { parseCertificate, type ParsedCertificate } from '../../../src/pki/parsed-certificate';
import { parseCrl, type ParsedCrl } from '../../../src/pki/parsed-crl';
import { SignatureVerifier } from '../../../src/pki/signature-verify';
import { anchorFromCertificate } from '../../../src/pki/validate-path';

const ANCHOR = 1;
const INTERMEDIATE = 2;
const TARGET = 3;
const CRL = 4;
const MODE = 5;
const MODES: readonly RevocationMode[] = ['require', 'best-effort', 'off'];
/** The PKITS certificates are valid from 2010 to 2030. */
const TIME = new Date('2020-01-01T00:00:00Z');

interface PkitsCase {
  readonly certs: readonly string[];
  readonly crls: readonly string[];
  readonly should_validate: boolean;
  readonly settings: Readonly<Record<string, string>>;
}

type Piece = { readonly label: number; readonly bytes: Uint8Array };

export const validationTarget: FuzzTarget = {
  name: 'validation',
  summary: 'validateCertificate on PKITS paths that must validate, with certificates and CRLs mutated',
  prepare() {
    const pkits = path.join(CORPORA, 'pkits');
    const expected = JSON.parse(readFileSync(path.join(pkits, 'pkits-expected.json'), 'utf8')) as { cases: PkitsCase[] };
    const file = (folder: string, name: string, ext: string): Uint8Array => new Uint8Array(readFileSync(path.join(pkits, folder, `${name}.${ext}`)));
    const cases: Piece[][] = expected.cases
      .filter((c) => c.should_validate && Object.keys(c.settings).length === 0)
      .map((c) => [
        ...c.certs.map((name, i) => ({ label: i === 0 ? ANCHOR : i === c.certs.length - 1 ? TARGET : INTERMEDIATE, bytes: file('certs', name, 'crt') })),
        ...c.crls.map((name) => ({ label: CRL, bytes: file('crls', name, 'crl') })),
      ]);
    const signedParts = new Set<string>();
    for (const pieces of cases) {
      for (const piece of pieces) if (piece.label !== CRL) signedParts.add(sha256(parseCertificate(piece.bytes).tbs));
    }
    const verifier = new SignatureVerifier(webcrypto as unknown as Crypto, { allowSha1: true });
    const seeds: Seed[] = cases.map((pieces, i) => ({ name: `pkits valid case ${i}`, kind: 'der', bytes: packPieces(pieces) }));
    return Promise.resolve({
      seeds,
      generate(rng) {
        const pieces = [...rng.pick(cases)];
        const donors = rng.pick(cases);
        for (let n = 1 + rng.below(2); n > 0; n--) {
          const i = 1 + rng.below(pieces.length - 1);
          const piece = pieces[i] as Piece;
          const other = rng.pick(donors).bytes;
          pieces[i] = { label: piece.label, bytes: rng.chance(0.75) ? mutateDer(rng, piece.bytes, other) : mutateBytes(rng, piece.bytes, other) };
        }
        pieces.push({ label: MODE, bytes: Uint8Array.of(rng.below(MODES.length)) });
        return packPieces(pieces);
      },
      async run(input) {
        const pieces = unpackPieces(input);
        const certificates = (label: number): ParsedCertificate[] =>
          pieces.filter((p) => p.label === label).flatMap((p) => tolerate(() => parseCertificate(p.bytes)) ?? []);
        const crls: ParsedCrl[] = pieces.filter((p) => p.label === CRL).flatMap((p) => tolerate(() => parseCrl(p.bytes)) ?? []);
        const [anchor] = certificates(ANCHOR);
        const [target] = certificates(TARGET);
        if (!anchor || !target) return undefined;
        const revocation = MODES[pieces.find((p) => p.label === MODE)?.bytes[0] ?? 0] ?? 'require';
        const result = await validateCertificate(target, {
          verifier,
          anchors: [anchorFromCertificate(anchor)],
          intermediates: certificates(INTERMEDIATE),
          crls,
          time: TIME,
          revocation,
        });
        if (!result.valid) return undefined;
        const changed = [target, ...result.path].filter((cert) => !signedParts.has(sha256(cert.tbs)));
        return changed.length > 0 ? `valid path through ${changed.length} certificate(s) whose signed part changed` : undefined;
      },
    });
  },
};
