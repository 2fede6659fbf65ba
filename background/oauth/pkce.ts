/**
 * Proof Key for Code Exchange (RFC 7636) and the other random values of an authorization
 * request. Cachet is a public client: PKCE is what keeps an intercepted authorization
 * code useless to whoever intercepted it.
 */
import { bytesToBase64 } from '../../src/protocol/runtime-bytes';

export type RandomBytes = (count: number) => Uint8Array;

/** RFC 7636 Appendix A: base64url without padding. */
export function base64Url(bytes: Uint8Array): string {
  return bytesToBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export interface PkcePair {
  /** 43 characters of the unreserved alphabet (§4.1: 32 random octets, base64url). */
  readonly verifier: string;
  /** BASE64URL(SHA256(ASCII(verifier))), sent with code_challenge_method=S256 (§4.2). */
  readonly challenge: string;
}

export async function pkcePair(subtle: SubtleCrypto, random: RandomBytes): Promise<PkcePair> {
  const verifier = base64Url(random(32));
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { verifier, challenge: base64Url(new Uint8Array(digest)) };
}

/** The `state` of RFC 6749 §10.12, binding the redirect to the request Cachet made. */
export function randomState(random: RandomBytes): string {
  return base64Url(random(24));
}
