/**
 * verifySignedData on mutated SignedData, with the content a detached signature covers.
 * A signer found good over content that no seed had a good signer for is a false good:
 * the mutation changed signed bytes, or the content, and the signature still passed.
 */
import { webcrypto } from 'node:crypto';
import { cmsSeeds } from '../corpus';
import { mutateBytes, mutateDer, type Seed } from '../mutate';
import { packPieces, sha256, unpackPieces, type FuzzTarget } from '../target';
import { verifySignedData } from '../../../src/cms/signed-data-verify';
import { isCachetError } from '../../../src/errors';

const subtle = webcrypto.subtle as SubtleCrypto;
const CMS = 1;
const DETACHED = 2;

async function verify(cms: Uint8Array, detached: Uint8Array | undefined) {
  return verifySignedData(cms, { subtle, ...(detached ? { detachedContent: detached } : {}) });
}

export const signedDataTarget: FuzzTarget = {
  name: 'signed-data',
  summary: 'verifySignedData on mutated SignedData and detached content; a good signer over changed bytes is a false good',
  async prepare() {
    const goodContents = new Set<string>();
    const seeds: (Seed & { detached?: Uint8Array })[] = [];
    for (const seed of cmsSeeds()) {
      try {
        const result = await verify(seed.bytes, seed.detached);
        if (result.signers.some((s) => s.status === 'good')) goodContents.add(sha256(result.content));
        seeds.push(seed);
      } catch (error) {
        if (!isCachetError(error)) throw error;
        // Not SignedData (an envelope, say): still a fine seed to mutate from.
        if (error.code !== 'cms/unsupported') seeds.push(seed);
      }
    }
    return {
      seeds,
      generate(rng) {
        const seed = rng.pick(seeds);
        const other = rng.pick(seeds).bytes;
        let cms = seed.bytes;
        let detached = seed.detached;
        for (let n = 1 + rng.below(3); n > 0; n--) {
          if (detached && rng.chance(0.15)) detached = mutateBytes(rng, detached, other);
          else cms = rng.chance(0.7) ? mutateDer(rng, cms, other) : mutateBytes(rng, cms, other);
        }
        return packPieces([{ label: CMS, bytes: cms }, ...(detached ? [{ label: DETACHED, bytes: detached }] : [])]);
      },
      async run(input) {
        const pieces = unpackPieces(input);
        const cms = pieces.find((p) => p.label === CMS)?.bytes ?? new Uint8Array();
        const detached = pieces.find((p) => p.label === DETACHED)?.bytes;
        const result = await verify(cms, detached);
        const good = result.signers.filter((s) => s.status === 'good');
        if (good.length > 0 && !goodContents.has(sha256(result.content))) {
          return `${good.length} signer(s) good over content no seed signed (sha256 ${sha256(result.content)})`;
        }
        return undefined;
      },
    };
  },
};
