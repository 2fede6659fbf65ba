/** The MIME parser and what a reader shows of its tree: parseMessage, displayContent, the part accessors. */
import { messageSeeds } from '../corpus';
import { simpleTarget, tolerate } from '../target';
import { wrapBareContentInfo } from '../../../src/cms/bare-content-info';
import { canonicalCheck } from '../../../src/mime/canonical';
import { displayContent } from '../../../src/mime/display-content';
import { decodeEncodedWords } from '../../../src/mime/encoded-words';
import { parseMailbox, splitAddressList } from '../../../src/mime/mailbox-list';
import { parseMessage } from '../../../src/mime/parse';
import { allParts, contentDisposition, decodedText, fileName, headerValue } from '../../../src/mime/part-access';

export const mimeTarget = simpleTarget('mime', 'parseMessage, displayContent and the part accessors on mutated messages', messageSeeds, (input) => {
  canonicalCheck(input);
  const root = parseMessage(wrapBareContentInfo(input).message);
  const shown = displayContent(root);
  for (const attachment of shown.attachments) decodedText(attachment.part);
  for (const part of allParts(root)) {
    decodedText(part);
    fileName(part);
    contentDisposition(part);
  }
  for (const name of ['from', 'subject', 'to']) {
    const value = headerValue(root, name);
    if (value === undefined) continue;
    decodeEncodedWords(value);
    for (const address of tolerate(() => splitAddressList(value)) ?? []) tolerate(() => parseMailbox(address));
  }
});
