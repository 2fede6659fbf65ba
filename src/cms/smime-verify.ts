/**
 * Verifies the signed layers of an S/MIME message (B13, B17): multipart/signed, whose
 * first part is hashed exactly as received (DESIGN.md invariant 4), and opaque
 * signed-data, whose content is parsed as the next MIME entity. Layers nest (a message
 * signed twice); each is reported with its signers. Encrypted layers are left to the
 * decryption pipeline: the walk stops at them and returns them as the inner part.
 */
import { isCachetError, type ErrorCode } from '../errors';
import { lfToCrlf } from '../mime/line-breaks';
import { decodedBody, headerValue, partBytes } from '../mime/part-access';
import { parseMessage } from '../mime/parse';
import type { MimePart } from '../mime/types';
import {
  verifySignedData,
  type SignedDataVerification,
  type SignerVerification,
  type VerifySignedDataOptions,
} from './signed-data-verify';

export interface SmimeVerifyOptions extends Omit<VerifySignedDataOptions, 'detachedContent'> {
  /**
   * How far a signer's signingTime may be from the message's Date header before the
   * signature is not good; Thunderbird allows one hour, so a signature cannot be replayed
   * under a new date. Default one hour.
   */
  readonly signingTimeToleranceMs?: number;
  /**
   * The Date of the message as received, when `root` is an inner entity (inside an
   * encrypted layer) that has no Date of its own.
   */
  readonly messageDate?: string;
}

const DEFAULT_SIGNING_TIME_TOLERANCE_MS = 60 * 60 * 1000;

/**
 * `good`: every signer good. `signer-not-good`: at least one signer is not.
 * `no-signers`: SignedData without SignerInfos is not a signature. `content-conflict`:
 * detached content and encapsulated content both present. `malformed`: unreadable.
 */
export type LayerStatus = 'good' | 'signer-not-good' | 'no-signers' | 'content-conflict' | 'malformed';

export interface SignedLayer {
  readonly kind: 'multipart-signed' | 'signed-data';
  readonly status: LayerStatus;
  readonly error?: { readonly code: ErrorCode; readonly message: string };
  readonly signers: readonly SignerVerification[];
  readonly verification?: SignedDataVerification;
  /** The signed entity, parsed: what a reader displays for this layer. */
  readonly content?: MimePart;
}

export interface SmimeVerification {
  readonly layers: readonly SignedLayer[];
  /** The innermost part reached: the displayed content, or an encrypted part to decrypt. */
  readonly inner: MimePart;
  /** At least one signed layer and every layer good. */
  readonly allGood: boolean;
  /**
   * The message's From field as received (encoded words left as they are): the PKI layer
   * matches it against each signer's `emailAddresses` (B1), as mail clients do.
   */
  readonly from?: string;
}

/** Nesting deeper than this is not mail any agent writes; it only costs time. */
const MAX_LAYERS = 8;

function statusOf(verification: SignedDataVerification): LayerStatus {
  if (verification.signers.length === 0) return 'no-signers';
  return verification.allGood ? 'good' : 'signer-not-good';
}

function failedLayer(kind: SignedLayer['kind'], error: unknown): SignedLayer {
  if (!isCachetError(error)) throw error;
  const status: LayerStatus = error.code === 'cms/bad-signature' ? 'content-conflict' : 'malformed';
  return { kind, status, error: { code: error.code, message: error.message }, signers: [] };
}

/** Verifies one signed part (multipart/signed or opaque signed-data); never throws for bad input. */
export async function verifySignedPart(part: MimePart, options: SmimeVerifyOptions): Promise<SignedLayer> {
  if (part.smimeKind === 'multipart-signed') {
    const [signed, signature] = part.children;
    if (!signed || !signature || part.children.length !== 2) {
      return { kind: 'multipart-signed', status: 'malformed', error: { code: 'mime/malformed', message: 'multipart/signed needs exactly two parts' }, signers: [] };
    }
    try {
      // RFC 8551 §3.5.3: the signature covers the first part exactly as it was received.
      const received = partBytes(signed);
      const signatureDer = decodedBody(signature);
      let verification = await verifySignedData(signatureDer, { ...options, detachedContent: received });
      if (verification.signers.some((s) => s.status === 'digest-mismatch') && hasBareLf(received)) {
        // Signed content is in canonical form with CRLF line ends (RFC 8551 §3.1.1). Mail
        // that was stored or encrypted with local LF line ends (as NSS does inside an
        // envelope) is checked in that canonical form too, as every mail client does;
        // only line ends are changed, and only when the bytes as received do not match.
        const canonical = await verifySignedData(signatureDer, { ...options, detachedContent: lfToCrlf(received) });
        if (!canonical.signers.some((s) => s.status === 'digest-mismatch')) verification = canonical;
      }
      return { kind: 'multipart-signed', status: statusOf(verification), signers: verification.signers, verification, content: signed };
    } catch (error) {
      return { ...failedLayer('multipart-signed', error), content: signed };
    }
  }
  if (part.smimeKind === 'signed-data') {
    try {
      const verification = await verifySignedData(decodedBody(part), options);
      return {
        kind: 'signed-data',
        status: statusOf(verification),
        signers: verification.signers,
        verification,
        content: parseMessage(verification.content),
      };
    } catch (error) {
      return failedLayer('signed-data', error);
    }
  }
  return {
    kind: 'signed-data',
    status: 'malformed',
    error: { code: 'input/invalid', message: `not a signed part (${part.contentType.mediaType})` },
    signers: [],
  };
}

function hasBareLf(bytes: Uint8Array): boolean {
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) if (i === 0 || bytes[i - 1] !== 0x0d) return true;
  return false;
}

function isSigned(part: MimePart): boolean {
  return part.smimeKind === 'multipart-signed' || part.smimeKind === 'signed-data';
}

/** A good signer whose signingTime is too far from the message date is not good. */
export function checkSigningTime(layer: SignedLayer, date: string | undefined, toleranceMs = DEFAULT_SIGNING_TIME_TOLERANCE_MS): SignedLayer {
  if (date === undefined || layer.status !== 'good') return layer;
  const sent = Date.parse(date);
  let changed = false;
  const signers = layer.signers.map((signer) => {
    if (signer.status !== 'good' || !signer.signingTime) return signer;
    if (!Number.isNaN(sent) && Math.abs(signer.signingTime.getTime() - sent) <= toleranceMs) return signer;
    changed = true;
    return { ...signer, status: 'signing-time-mismatch' as const, reason: `signed at ${signer.signingTime.toISOString()}, but the message is dated ${date}` };
  });
  return changed ? { ...layer, status: 'signer-not-good', signers } : layer;
}

/** Unwraps and verifies every signed layer from `root` inwards. */
export async function verifySmime(root: MimePart, options: SmimeVerifyOptions): Promise<SmimeVerification> {
  const layers: SignedLayer[] = [];
  const date = options.messageDate ?? headerValue(root, 'date');
  const tolerance = options.signingTimeToleranceMs ?? DEFAULT_SIGNING_TIME_TOLERANCE_MS;
  let current = root;
  while (isSigned(current) && layers.length < MAX_LAYERS) {
    const layer = checkSigningTime(await verifySignedPart(current, options), date, tolerance);
    layers.push(layer);
    if (!layer.content) break;
    current = layer.content;
  }
  const from = headerValue(root, 'from');
  return {
    layers,
    inner: current,
    allGood: layers.length > 0 && layers.every((l) => l.status === 'good'),
    ...(from === undefined ? {} : { from }),
  };
}
