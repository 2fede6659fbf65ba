/**
 * Which parts a signature covers, and which S/MIME parts were left unchecked (MIME
 * wrapping, Müller et al., "Johnny, You Are Fired", USENIX Security 2019). A signature
 * counts only as a layer of the message body (src/cms/read-message.ts), so it covers the
 * whole entity it signs and nothing beside it. A signed or encrypted part found anywhere
 * else (beside unsigned text in multipart/mixed, inside a forwarded message) is content:
 * it is neither verified nor decrypted, and earns the message no verdict. Readers say so,
 * since its text may be shown as the body.
 */
import { fileName } from '../mime/part-access';
import type { MimePart, SmimeKind } from '../mime/types';

export interface CoveredPart {
  /** The part number as IMAP gives it (RFC 3501 §6.4.5): 1, 2, 2.1, ... */
  readonly path: string;
  readonly mediaType: string;
  readonly fileName?: string;
}

export interface UncheckedPart {
  readonly path: string;
  readonly smimeKind: SmimeKind;
}

const CHECKED_ONLY_AS_LAYERS: ReadonlySet<SmimeKind> = new Set(['multipart-signed', 'signed-data', 'enveloped-data', 'auth-enveloped-data']);

/** More parts than any real message has; the listing stops there. */
const MAX_LISTED = 1000;

function numbered(entity: MimePart, visit: (part: MimePart, path: string) => boolean): void {
  const stack: [MimePart, string][] = entity.children.length > 0
    ? entity.children.map((child, i) => [child, String(i + 1)] as [MimePart, string]).reverse()
    : [[entity, '1']];
  let seen = 0;
  for (let next = stack.pop(); next && seen < MAX_LISTED; next = stack.pop(), seen++) {
    const [part, path] = next;
    if (!visit(part, path)) continue;
    for (let i = part.children.length - 1; i >= 0; i--) stack.push([part.children[i] as MimePart, `${path}.${i + 1}`]);
  }
}

/** The leaf parts of the entity a signature signs: all of them are covered, nothing else. */
export function coveredParts(signed: MimePart): CoveredPart[] {
  const parts: CoveredPart[] = [];
  numbered(signed, (part, path) => {
    if (part.children.length > 0) return true;
    const name = fileName(part);
    parts.push({ path, mediaType: part.contentType.mediaType, ...(name === undefined ? {} : { fileName: name }) });
    return false;
  });
  return parts;
}

/** Signed or encrypted parts inside the shown content, which no layer opened or checked. */
export function uncheckedSmimeParts(content: MimePart): UncheckedPart[] {
  const unchecked: UncheckedPart[] = [];
  if (content.children.length === 0) return unchecked;
  numbered(content, (part, path) => {
    // An attached message is a file the reader offers, not text it shows.
    if (part.contentType.mediaType === 'message/rfc822') return false;
    if (!CHECKED_ONLY_AS_LAYERS.has(part.smimeKind)) return true;
    unchecked.push({ path, smimeKind: part.smimeKind });
    return false;
  });
  return unchecked;
}

/** What a reader says of unchecked S/MIME parts, one line each. */
export function uncheckedNotices(content: MimePart): string[] {
  return uncheckedSmimeParts(content).map(({ path, smimeKind }) => (smimeKind === 'multipart-signed' || smimeKind === 'signed-data'
    ? `part ${path} is signed inside the message rather than being the message: that signature is not checked, and the part counts as unsigned`
    : `part ${path} is encrypted inside the message rather than being the message: it is not decrypted`));
}
