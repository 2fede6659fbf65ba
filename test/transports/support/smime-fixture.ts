/**
 * Messages as Cachet's composer builds them (signed, encrypted, signed again, with a real
 * attachment), a reader to open what a transport fetched, and `openssl cms` to check what
 * a server received: the recipient's key decrypts it and the test CA verifies it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reader } from '../../../background/reader/reader';
import { bytesToBase64 } from '../../../src/protocol/runtime-bytes';
import { composeRequest, composerWorld, issueLeaf, type IssuedLeaf } from '../../background/compose-fixtures';
import { opensslUnwrap, type LayerKind } from '../../cms/support/smime-layers';
import { makeTestPki, type TestPki } from '../../cms/support/openssl-pki';
import { readerTrusting } from '../../support/background-reader';

export interface SmimeFixture {
  readonly pki: TestPki;
  readonly recipient: IssuedLeaf;
  /** A signed and encrypted message from rsa@example.org to dave, with an attachment of `attachmentBytes`. */
  build(options: { attachmentBytes: number; subject?: string; inReplyTo?: string; bcc?: readonly string[] }): Promise<{ message: Uint8Array; attachment: Uint8Array }>;
  /** Cachet's reader with dave's key, trusting the test root. */
  reader(): Promise<Reader>;
  /** What `openssl cms -decrypt` and `-verify` make of it: the layers and the innermost entity. */
  openssl(message: Uint8Array): { layers: LayerKind[]; entity: Buffer };
  remove(): void;
}

export function smimeFixture(): SmimeFixture {
  const pki = makeTestPki();
  const caFile = join(pki.dir, 'ca-bundle.pem');
  writeFileSync(caFile, Buffer.concat([readFileSync(pki.intermediatePath), readFileSync(pki.rootPath)]));
  const recipient = issueLeaf(pki.dir, 'dave', 'rsa', ['keyUsage=critical,keyEncipherment', 'extendedKeyUsage=emailProtection']);
  return {
    pki,
    recipient,
    async build({ attachmentBytes, subject = 'Quarterly figures', inReplyTo, bcc = [] }) {
      const world = await composerWorld({ identities: [{ id: 'rsa', operator: pki.leaves.rsa.operator }], trustedRoots: [pki.intermediate] });
      await world.addressBook.importFile(new Uint8Array(readFileSync(recipient.certPath)));
      const attachment = new Uint8Array(randomBytes(attachmentBytes));
      const built = await world.composer.build(composeRequest({
        identity: 'rsa', from: 'Rsa Sender <rsa@example.org>', to: ['Dave <dave@example.org>'], bcc: [...bcc], subject,
        text: 'The figures are attached.\n', sign: true, encrypt: true,
        attachments: [{ fileName: 'figures.bin', mediaType: 'application/octet-stream', data: bytesToBase64(attachment) }],
        ...(inReplyTo !== undefined ? { inReplyTo, references: [inReplyTo] } : {}),
      }));
      return { message: built.message, attachment };
    },
    reader: () => readerTrusting(pki.rootPath, [recipient.operator]),
    openssl: (message) => opensslUnwrap(message, { dir: pki.dir, caFile, certPath: recipient.certPath, keyPath: recipient.keyPath }),
    remove: () => pki.remove(),
  };
}

/** The raw bytes of a MIME part's base64 body inside the innermost entity, for comparing an attachment. */
export function attachmentOf(entity: Buffer, fileName: string): Buffer {
  const text = entity.toString('latin1');
  const named = new RegExp(`filename="?${fileName.replace(/[.]/g, '\\.')}"?`).exec(text);
  if (named === null) throw new Error(`no part named ${fileName}`);
  const at = named.index;
  const start = text.indexOf('\r\n\r\n', at) + 4;
  const end = text.indexOf('\r\n--', start);
  return Buffer.from(text.slice(start, end).replace(/\s+/g, ''), 'base64');
}
