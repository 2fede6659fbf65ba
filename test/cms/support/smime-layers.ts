/**
 * Peels every S/MIME layer off a message, twice over: with `openssl cms` (the independent
 * reader: -verify against a CA file, -decrypt with a recipient's key) and with Cachet's
 * own verify and decrypt. Both report the layers they met, outermost first, and the
 * innermost entity, so a test can say "signed, enveloped, signed" and compare contents.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CmsCrypto } from '../../../src/cms/cms-crypto';
import type { KeyOperator } from '../../../src/cms/key-operator';
import type { SignerVerification } from '../../../src/cms/signed-data-verify';
import { decryptPart, isEncryptedPart } from '../../../src/cms/smime-envelope';
import { verifySmime } from '../../../src/cms/smime-verify';
import { parseMessage } from '../../../src/mime/parse';
import type { MimePart } from '../../../src/mime/types';
import { openssl } from './openssl-pki';

export type LayerKind = 'signed' | 'enveloped';

/** More layers than any agent writes: a loop that gets here is a bug. */
const MAX_LAYERS = 8;

/** The unfolded Content-Type of an entity's header block, lower-cased. */
function contentType(entity: Uint8Array): string {
  const text = Buffer.from(entity).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const head = (end === -1 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  return /^content-type:\s*(.*)$/im.exec(head)?.[1]?.toLowerCase() ?? 'text/plain';
}

function layerOf(entity: Uint8Array): LayerKind | undefined {
  const type = contentType(entity);
  if (type.startsWith('multipart/signed') || /pkcs7-mime.*smime-type="?signed-data/.test(type)) return 'signed';
  if (/pkcs7-mime.*smime-type="?(enveloped-data|authenveloped-data)/.test(type)) return 'enveloped';
  return undefined;
}

export interface OpensslReader {
  readonly dir: string;
  readonly caFile: string;
  readonly certPath: string;
  readonly keyPath: string;
}

export function opensslUnwrap(message: Uint8Array, reader: OpensslReader): { layers: LayerKind[]; entity: Buffer } {
  const layers: LayerKind[] = [];
  let current: Buffer = Buffer.from(message);
  for (let depth = 0; depth < MAX_LAYERS; depth++) {
    const layer = layerOf(current);
    if (layer === undefined) return { layers, entity: current };
    const path = join(reader.dir, `layer-${depth}.eml`);
    writeFileSync(path, current);
    current = layer === 'signed'
      ? openssl(['cms', '-verify', '-in', path, '-CAfile', reader.caFile])
      : openssl(['cms', '-decrypt', '-in', path, '-recip', reader.certPath, '-inkey', reader.keyPath]);
    layers.push(layer);
  }
  throw new Error('too many layers');
}

export interface CachetUnwrapped {
  readonly layers: LayerKind[];
  /** Every signer of every signed layer, outermost first. */
  readonly signers: SignerVerification[];
  readonly entity: MimePart;
  /** Whether every signed layer verified. */
  readonly allGood: boolean;
}

export async function cachetUnwrap(message: Uint8Array, crypto: CmsCrypto, operators: readonly KeyOperator[]): Promise<CachetUnwrapped> {
  const layers: LayerKind[] = [];
  const signers: SignerVerification[] = [];
  let allGood = true;
  let part = parseMessage(message);
  for (let depth = 0; depth < MAX_LAYERS; depth++) {
    if (part.smimeKind === 'multipart-signed' || part.smimeKind === 'signed-data') {
      const verified = await verifySmime(part, { subtle: crypto.subtle, ...(crypto.incrementalDigest ? { incrementalDigest: crypto.incrementalDigest } : {}) });
      for (const layer of verified.layers) {
        layers.push('signed');
        signers.push(...layer.signers);
      }
      allGood &&= verified.allGood;
      part = verified.inner;
    }
    if (!isEncryptedPart(part)) return { layers, signers, entity: part, allGood };
    const decrypted = await decryptPart(crypto, part, operators);
    layers.push('enveloped');
    part = parseMessage(decrypted.content);
  }
  throw new Error('too many layers');
}
