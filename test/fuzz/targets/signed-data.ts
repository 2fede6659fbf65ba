/**
 * verifySignedData on mutated SignedData, with the content a detached signature covers.
 * What a signature covers is the content and the signer's signed attributes (RFC 5652
 * §5.4); a signer found good whose content and signed attributes are not those of some
 * signer of a seed is a false good: signed bytes changed and the signature still passed.
 * (A seed's signer need not have been good: a verdict can rightly turn good when only
 * unsigned bytes change, such as an unsigned attribute the rules refused.)
 */
import { webcrypto } from 'node:crypto';
import { cmsSeeds } from '../corpus';
import { mutateBytes, mutateDer, type Seed } from '../mutate';
import { packPieces, sha256, unpackPieces, type FuzzTarget } from '../target';
import { parseSignedData, verifySignedData, type SignedDataVerification } from '../../../src/cms/signed-data-verify';
import { isCachetError } from '../../../src/errors';

const subtle = webcrypto.subtle as SubtleCrypto;
const CMS = 1;
const DETACHED = 2;

async function verify(cms: Uint8Array, detached: Uint8Array | undefined): Promise<SignedDataVerification> {
  return verifySignedData(cms, { subtle, ...(detached ? { detachedContent: detached } : {}) });
}

/** Per signer, in order: the hash of what its signature covers, content and signed attributes. */
function signedBytes(cms: Uint8Array, result: SignedDataVerification): string[] {
  const content = sha256(result.content);
  return parseSignedData(cms).model.signerInfos.map((info) => {
    const attributes = info.signedAttrs ? sha256(new Uint8Array(info.signedAttrs.encodedValue)) : 'none';
    return `${content} ${attributes}`;
  });
}

export const signedDataTarget: FuzzTarget = {
  name: 'signed-data',
  summary: 'verifySignedData on mutated SignedData and detached content; a good signer over changed bytes is a false good',
  async prepare() {
    const signedBySeeds = new Set<string>();
    const seeds: (Seed & { detached?: Uint8Array })[] = [];
    for (const seed of cmsSeeds()) {
      try {
        const result = await verify(seed.bytes, seed.detached);
        for (const key of signedBytes(seed.bytes, result)) signedBySeeds.add(key);
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
        if (!result.signers.some((s) => s.status === 'good')) return undefined;
        const keys = signedBytes(cms, result);
        const changed = result.signers.flatMap((s, i) => (s.status === 'good' && !signedBySeeds.has(keys[i] ?? '') ? [i] : []));
        return changed.length > 0 ? `signer(s) ${changed.join(', ')} good over content or signed attributes no seed's signer covered (${keys[changed[0] ?? 0] ?? ''})` : undefined;
      },
    };
  },
};
