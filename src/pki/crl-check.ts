import { appendRdn, namesEqual, type DistinguishedName } from './distinguished-name';
import { bytesEqual } from './der';
import type { DistributionPoint, DistributionPointName } from './extension-decoders';
import type { GeneralName } from './general-name';
import { OID } from './oids';
import { CrlReason, isDeltaCrl, type ParsedCrl, type RevokedEntry } from './parsed-crl';
import { isCa, type ParsedCertificate } from './parsed-certificate';
import type { WorkingPublicKey } from './signature-verify';

/** Reason flags of ReasonFlags (RFC 5280 §4.2.1.13): bits 1–8. */
const ALL_REASONS = [1, 2, 3, 4, 5, 6, 7, 8] as const;

export type RevocationStatus =
  | { readonly status: 'good' }
  | { readonly status: 'revoked'; readonly reason: number | undefined; readonly date: Date }
  | { readonly status: 'unknown'; readonly message: string };

/** Finds and validates the signer of a CRL (RFC 5280 §6.3.3 (f)–(g)); undefined when none is acceptable. */
export type CrlSignerResolver = (crl: ParsedCrl) => Promise<WorkingPublicKey | undefined>;

export interface CrlCheckInput {
  readonly cert: ParsedCertificate;
  readonly crls: readonly ParsedCrl[];
  readonly time: Date;
  readonly resolveSigner: CrlSignerResolver;
  /** Whether delta CRLs are consulted (§6.3.3 (h), use-deltas). */
  readonly useDeltas: boolean;
}

function dpNames(name: DistributionPointName, relativeTo: DistinguishedName | undefined): GeneralName[] {
  if (name.kind === 'full') return [...name.names];
  return relativeTo ? [{ kind: 'directory', name: appendRdn(relativeTo, name.rdn) }] : [];
}

function generalNamesIntersect(a: readonly GeneralName[], b: readonly GeneralName[]): boolean {
  return a.some((x) => b.some((y) => {
    if (x.kind === 'directory' && y.kind === 'directory') return namesEqual(x.name, y.name);
    if ((x.kind === 'uri' && y.kind === 'uri') || (x.kind === 'dns' && y.kind === 'dns') || (x.kind === 'rfc822' && y.kind === 'rfc822')) return x.value === y.value;
    if (x.kind === 'ip' && y.kind === 'ip') return bytesEqual(x.bytes, y.bytes);
    return false;
  }));
}

function directoryNames(names: readonly GeneralName[] | undefined): DistinguishedName[] {
  return (names ?? []).flatMap((n) => (n.kind === 'directory' ? [n.name] : []));
}

/** §6.3.3 (b): is `crl` the right issuer and scope for `cert` at distribution point `dp`? */
function inScope(cert: ParsedCertificate, dp: DistributionPoint, crl: ParsedCrl): boolean {
  const idp = crl.issuingDistributionPoint;
  if (dp.crlIssuer) {
    // (b)(1): an indirect CRL from the named CRL issuer.
    if (!idp?.indirectCRL) return false;
    if (!directoryNames(dp.crlIssuer).some((n) => namesEqual(n, crl.issuer))) return false;
  } else if (!namesEqual(crl.issuer, cert.issuer)) return false;
  if (idp) {
    if (idp.name) {
      const idpNames = dpNames(idp.name, crl.issuer);
      if (dp.name) {
        const relativeTo = directoryNames(dp.crlIssuer)[0] ?? cert.issuer;
        if (!generalNamesIntersect(idpNames, dpNames(dp.name, relativeTo))) return false;
      } else if (dp.crlIssuer) {
        if (!generalNamesIntersect(idpNames, dp.crlIssuer)) return false;
      } else return false;
    }
    if (idp.onlyContainsUserCerts && isCa(cert)) return false;
    if (idp.onlyContainsCACerts && !isCa(cert)) return false;
    if (idp.onlyContainsAttributeCerts) return false;
  }
  return true;
}

/** A CRL that can be relied on at `time`: current, and without critical extensions it does not understand. */
function usable(crl: ParsedCrl, time: Date): boolean {
  if (crl.unknownCriticalExtensions.length > 0 || crl.hasUnknownCriticalEntryExtension) return false;
  if (crl.thisUpdate > time) return false;
  return crl.nextUpdate === undefined || crl.nextUpdate >= time;
}

function findEntry(crl: ParsedCrl, cert: ParsedCertificate): RevokedEntry | undefined {
  return crl.entries.get(cert.serialHex)?.find((e) => namesEqual(e.certificateIssuer, cert.issuer));
}

function sameIdp(a: ParsedCrl, b: ParsedCrl): boolean {
  const x = a.extensions.get(OID.issuingDistributionPoint)?.value;
  const y = b.extensions.get(OID.issuingDistributionPoint)?.value;
  if (!x || !y) return x === y;
  return bytesEqual(x, y);
}

/**
 * Revocation status of one certificate from a set of CRLs, following RFC 5280 §6.3.3:
 * every distribution point, complete CRLs scoped by the issuing distribution point,
 * reason masks until all reasons are covered, and delta CRLs applied on top.
 */
export async function checkCrls(input: CrlCheckInput): Promise<RevocationStatus> {
  const { cert, crls, time } = input;
  const points: DistributionPoint[] = cert.crlDistributionPoints ? [...cert.crlDistributionPoints] : [{ name: undefined, reasons: undefined, crlIssuer: undefined }];
  const reasonsMask = new Set<number>();
  const complete = crls.filter((c) => !isDeltaCrl(c));
  const deltas = crls.filter(isDeltaCrl);
  let sawStaleDelta = false;

  for (const dp of points) {
    for (const crl of complete) {
      if (reasonsMask.size === ALL_REASONS.length) break;
      if (!inScope(cert, dp, crl)) continue;
      // (c)–(d): only CRLs that cover reasons not yet covered.
      const interim = ALL_REASONS.filter((r) => (dp.reasons?.has(r) ?? true) && (crl.issuingDistributionPoint?.onlySomeReasons?.has(r) ?? true));
      if (interim.every((r) => reasonsMask.has(r))) continue;
      if (!usable(crl, time)) continue;
      const signer = await input.resolveSigner(crl);
      if (!signer) continue;

      // (h)–(i): a delta CRL for the same issuer and scope, newer than this base.
      let deltaEntry: RevokedEntry | undefined;
      let deltaStale = false;
      if (input.useDeltas && crl.crlNumber !== undefined) {
        const candidates = deltas.filter((d) =>
          namesEqual(d.issuer, crl.issuer) && sameIdp(d, crl) && d.baseCrlNumber !== undefined &&
          d.baseCrlNumber <= (crl.crlNumber ?? 0n) && (d.crlNumber === undefined || d.crlNumber > (crl.crlNumber ?? 0n)) &&
          (!crl.authorityKeyIdentifier || !d.authorityKeyIdentifier || bytesEqual(crl.authorityKeyIdentifier, d.authorityKeyIdentifier)));
        let usedDelta = false;
        for (const delta of candidates) {
          if (!usable(delta, time)) {
            deltaStale = true;
            continue;
          }
          const deltaSigner = await input.resolveSigner(delta);
          if (!deltaSigner || !bytesEqual(deltaSigner.spki.der, signer.spki.der)) continue;
          usedDelta = true;
          deltaEntry = findEntry(delta, cert) ?? deltaEntry;
        }
        if (!usedDelta && deltaStale) {
          sawStaleDelta = true;
          continue;
        }
      }
      if (deltaEntry) {
        if (deltaEntry.reason !== CrlReason.removeFromCRL) return { status: 'revoked', reason: deltaEntry.reason, date: deltaEntry.revocationDate };
      } else {
        const entry = findEntry(crl, cert);
        if (entry && entry.reason !== CrlReason.removeFromCRL) return { status: 'revoked', reason: entry.reason, date: entry.revocationDate };
      }
      for (const r of interim) reasonsMask.add(r);
    }
  }
  if (reasonsMask.size === ALL_REASONS.length) return { status: 'good' };
  if (sawStaleDelta) return { status: 'unknown', message: 'the delta CRL is out of date' };
  return { status: 'unknown', message: reasonsMask.size === 0 ? 'no usable CRL' : 'the CRLs found do not cover all revocation reasons' };
}
