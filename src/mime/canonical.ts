/**
 * S/MIME canonical form (RFC 8551 §3.1): what is signed must be exactly what the
 * recipient will hash. That means CRLF line ends everywhere (§3.1.1) and, for content
 * that travels through mail relays, a 7-bit transfer encoding on every leaf so that no
 * relay converts it (§3.1.2, §3.1.3): text that is 8-bit, has long lines, trailing
 * whitespace or a "From "/"." line start becomes quoted-printable; other data base64.
 * The builder does that when asked `forSigning`; this module is the entry point and the
 * check that the octets really are canonical.
 */

import { CachetError } from '../errors';
import { MAX_LINE_LENGTH } from './analyze-body';
import { buildEntity } from './build-entity';
import { scanCanonical } from './canonical-scan';
import type { BuildOptions, MimeNode } from './build-types';
import { lfToCrlf } from './line-breaks';

export { lfToCrlf };

/**
 * Why `data` is not canonical 7-bit MIME (empty when it is), and where its lines that
 * start with "--" begin, as `scanCanonical` finds them in the same pass.
 */
export function canonicalCheck(data: Uint8Array): { problems: string[]; dashLines: readonly number[] | undefined } {
  const analysis = scanCanonical(data);
  const problems: string[] = [];
  if (analysis.hasBareLineBreak) problems.push('bare CR or LF (RFC 8551 §3.1.1 requires CRLF)');
  if (analysis.has8bit) problems.push('8-bit octets (RFC 8551 §3.1.3 requires a 7-bit encoding)');
  if (analysis.hasNul) problems.push('NUL octets');
  if (analysis.longestLine > MAX_LINE_LENGTH) problems.push(`a line longer than ${MAX_LINE_LENGTH} octets`);
  return { problems, dashLines: analysis.dashLines };
}

/** Why `data` is not canonical 7-bit MIME; empty when it is. */
export function canonicalProblems(data: Uint8Array): string[] {
  return canonicalCheck(data).problems;
}

function assertCanonical(data: Uint8Array): Uint8Array {
  const problems = canonicalProblems(data);
  if (problems.length > 0) throw new CachetError('input/invalid', `not canonical MIME: ${problems.join('; ')}`);
  return data;
}

/**
 * The exact octets to sign for `node`: the entity written with 7-bit-safe encodings and
 * CRLF line ends. These same octets become the first part of multipart/signed, or the
 * eContent of an opaque signature.
 */
export function buildCanonicalEntity(node: MimeNode, options: BuildOptions): Uint8Array {
  return assertCanonical(buildEntity(node, { ...options, forSigning: true }));
}

/**
 * The exact octets to sign for an entity built elsewhere (e.g. with LF line ends as a
 * file on disk): line ends become CRLF; 8-bit content is refused, since re-encoding it
 * needs the entity's structure (build it with `buildCanonicalEntity` instead).
 */
export function canonicalizeEntity(entity: Uint8Array): Uint8Array {
  return assertCanonical(lfToCrlf(entity));
}
