import { bytesEqual } from './der';
import { namesEqual } from './distinguished-name';
import type { ParsedCertificate } from './parsed-certificate';
import type { TrustAnchor } from './validate-path';

/** Limits that keep path building finite on hostile pools (cross-certificate loops, huge pools). */
export interface BuildLimits {
  /** Most certificates between the anchor and the target, target included. */
  readonly maxDepth: number;
  /** Most complete candidate paths tried. */
  readonly maxPaths: number;
  /** Most issuer look-ups in one build. */
  readonly maxSteps: number;
}

export const DEFAULT_BUILD_LIMITS: BuildLimits = { maxDepth: 12, maxPaths: 32, maxSteps: 2_000 };

export interface CandidatePath {
  readonly anchor: TrustAnchor;
  /** Issued-by-anchor first, target last. */
  readonly path: readonly ParsedCertificate[];
}

/** Where extra issuers come from when the pool has none (AIA caIssuers, RFC 5280 §4.2.2.1). */
export type IssuerSource = (cert: ParsedCertificate) => Promise<readonly ParsedCertificate[]>;

function keyIdScore(child: ParsedCertificate, issuer: ParsedCertificate): number {
  if (!child.authorityKeyIdentifier || !issuer.subjectKeyIdentifier) return 1;
  return bytesEqual(child.authorityKeyIdentifier, issuer.subjectKeyIdentifier) ? 0 : 2;
}

/**
 * Enumerates candidate paths from `target` up to one of `anchors`, depth first, most
 * likely issuers first (matching key identifiers). Names are matched here; signatures and
 * every other rule are checked by path validation, which may reject a path and ask for the
 * next one.
 */
export async function* buildPaths(
  target: ParsedCertificate,
  pool: readonly ParsedCertificate[],
  anchors: readonly TrustAnchor[],
  limits: BuildLimits = DEFAULT_BUILD_LIMITS,
  fetchIssuers?: IssuerSource,
): AsyncGenerator<CandidatePath> {
  const anchorIds = new Set(anchors.flatMap((a) => (a.certificate ? [a.certificate.id] : [])));
  const known = new Map<string, ParsedCertificate>();
  for (const c of pool) if (!anchorIds.has(c.id)) known.set(c.id, c);
  const fetched = new Set<string>();
  let steps = 0;
  let yielded = 0;
  const chain: ParsedCertificate[] = [target];

  async function* extend(): AsyncGenerator<CandidatePath> {
    const top = chain[chain.length - 1] as ParsedCertificate;
    if (++steps > limits.maxSteps || yielded >= limits.maxPaths) return;
    for (const anchor of anchors) {
      if (namesEqual(anchor.subject, top.issuer)) {
        // A path never repeats the anchor's own key as an intermediate.
        yielded++;
        yield { anchor, path: [...chain].reverse() };
        if (yielded >= limits.maxPaths) return;
      }
    }
    if (chain.length >= limits.maxDepth) return;
    let issuers = [...known.values()].filter((c) => namesEqual(c.subject, top.issuer));
    if (issuers.length === 0 && fetchIssuers && !fetched.has(top.id)) {
      fetched.add(top.id);
      for (const c of await fetchIssuers(top)) if (!anchorIds.has(c.id) && !known.has(c.id)) known.set(c.id, c);
      issuers = [...known.values()].filter((c) => namesEqual(c.subject, top.issuer));
    }
    issuers.sort((a, b) => keyIdScore(top, a) - keyIdScore(top, b));
    for (const issuer of issuers) {
      // Loop detection: the same certificate, or the same name with the same key, never twice.
      if (chain.some((c) => c.id === issuer.id || (namesEqual(c.subject, issuer.subject) && bytesEqual(c.spki.der, issuer.spki.der)))) continue;
      chain.push(issuer);
      yield* extend();
      chain.pop();
      if (steps > limits.maxSteps || yielded >= limits.maxPaths) return;
    }
  }

  yield* extend();
}
