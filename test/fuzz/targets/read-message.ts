/**
 * readMessage as a whole, as the reader and `cachet open` run it: every layer unwrapped
 * with every key of the corpora, every signature checked, then what is shown. A signer
 * found good over content that no seed's signed layer held is a false good: the signed
 * content changed and the signature still passed. (Signed attributes changed alone are
 * the signed-data target's to find; a seed's signer need not have been good, as an
 * unsigned Date or attribute may rightly turn a verdict good.)
 */
import { webcrypto } from 'node:crypto';
import { corpusKeyOperators, messageSeeds } from '../corpus';
import { mutatingGenerator, sha256, type FuzzTarget } from '../target';
import { nodeCmsCrypto } from '../../../native-host/cli/commands/node-cms-crypto';
import { readMessage, type ReadResult } from '../../../src/cms/read-message';
import { displayContent } from '../../../src/mime/display-content';
import { isCachetError } from '../../../src/errors';

const subtle = webcrypto.subtle as SubtleCrypto;

/** The content of every signed layer, or only of those with a good signer. */
function signedContents(result: ReadResult, onlyGood: boolean): Uint8Array[] {
  return result.layers.flatMap((layer) => {
    if (layer.kind !== 'signed' || !layer.layer.verification) return [];
    return !onlyGood || layer.layer.signers.some((s) => s.status === 'good') ? [layer.layer.verification.content] : [];
  });
}

export const readMessageTarget: FuzzTarget = {
  name: 'read-message',
  summary: 'readMessage (decrypt, verify, unwrap) and displayContent; a good signer over changed bytes is a false good',
  async prepare() {
    const operators = corpusKeyOperators();
    const read = (input: Uint8Array): Promise<ReadResult> => readMessage(input, { crypto: nodeCmsCrypto, subtle, operators });
    const seeds = messageSeeds();
    const signed = new Set<string>();
    for (const seed of seeds) {
      try {
        for (const content of signedContents(await read(seed.bytes), false)) signed.add(sha256(content));
      } catch (error) {
        if (!isCachetError(error)) throw error;
      }
    }
    return {
      seeds,
      generate: mutatingGenerator(seeds),
      async run(input) {
        const result = await read(input);
        displayContent(result.content);
        const unknown = signedContents(result, true).filter((content) => !signed.has(sha256(content)));
        return unknown.length > 0 ? `a good signer over content no seed signed (sha256 ${sha256(unknown[0] as Uint8Array)})` : undefined;
      },
    };
  },
};
