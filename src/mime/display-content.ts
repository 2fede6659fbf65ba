/**
 * What a reader shows of a MIME entity: the body text (plain and, where the sender gave
 * one, HTML) and the attachments. multipart/alternative offers the same content several
 * ways; multipart/mixed and related hold a body and attachments; a message/rfc822 part is
 * an attachment. Nothing here trusts the HTML: the page that shows it must sanitise it.
 */
import { allParts, contentDisposition, decodedText, fileName } from './part-access';
import type { MimePart } from './types';

export interface DisplayAttachment {
  readonly fileName: string;
  readonly mediaType: string;
  readonly part: MimePart;
}

export interface DisplayContent {
  readonly text: string | null;
  readonly html: string | null;
  readonly attachments: readonly DisplayAttachment[];
}

function isAttachment(part: MimePart): boolean {
  if (part.children.length > 0 && part.contentType.mediaType !== 'message/rfc822') return false;
  if (contentDisposition(part)?.type === 'attachment') return true;
  if (part.contentType.mediaType === 'message/rfc822') return true;
  return !part.contentType.mediaType.startsWith('text/') || fileName(part) !== undefined;
}

/** The text/plain and text/html bodies of a subtree, first of each, not inside attachments. */
function bodies(root: MimePart, attachmentParts: ReadonlySet<MimePart>): { text: MimePart | undefined; html: MimePart | undefined } {
  let text: MimePart | undefined;
  let html: MimePart | undefined;
  const stack: MimePart[] = [root];
  for (let part = stack.pop(); part; part = stack.pop()) {
    if (attachmentParts.has(part)) continue;
    if (part.children.length > 0) {
      for (let i = part.children.length - 1; i >= 0; i--) stack.push(part.children[i] as MimePart);
      continue;
    }
    if (part.contentType.mediaType === 'text/plain') text ??= part;
    else if (part.contentType.mediaType === 'text/html') html ??= part;
  }
  return { text, html };
}

export function displayContent(root: MimePart): DisplayContent {
  const leafType = root.contentType.mediaType;
  if (root.children.length === 0 && leafType !== 'text/plain' && leafType !== 'text/html') {
    // A message whose whole body is one file (a PDF sent alone, say).
    return { text: null, html: null, attachments: [{ fileName: fileName(root) ?? 'attachment', mediaType: leafType, part: root }] };
  }
  const attachmentParts = new Set<MimePart>();
  const attachments: DisplayAttachment[] = [];
  const stack: MimePart[] = [root];
  for (let part = stack.pop(); part; part = stack.pop()) {
    if (part !== root && isAttachment(part)) {
      // Everything inside an attached message belongs to the attachment.
      for (const inner of allParts(part)) attachmentParts.add(inner);
      attachments.push({
        fileName: fileName(part) ?? (part.contentType.mediaType === 'message/rfc822' ? 'message.eml' : 'attachment'),
        mediaType: part.contentType.mediaType,
        part,
      });
      continue;
    }
    if (part.contentType.mediaType === 'message/rfc822' && part === root) continue;
    for (let i = part.children.length - 1; i >= 0; i--) stack.push(part.children[i] as MimePart);
  }
  const { text, html } = bodies(root, attachmentParts);
  return {
    text: text ? decodedText(text) : null,
    html: html ? decodedText(html) : null,
    attachments,
  };
}
