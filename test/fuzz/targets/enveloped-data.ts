/**
 * EnvelopedData and AuthEnvelopedData on mutated input, parsed and decrypted with every
 * key of the corpora. AES-GCM content that decrypts as authenticated but is not a seed's
 * plaintext is a false good: the tag let changed bytes through.
 */
import { cmsSeeds, corpusKeyOperators } from '../corpus';
import { sha256, mutatingGenerator, type FuzzTarget } from '../target';
import { nodeCmsCrypto } from '../../../native-host/cli/commands/node-cms-crypto';
import { decryptEnvelope } from '../../../src/cms/decrypt';
import { isCachetError } from '../../../src/errors';

/** The content-type OIDs of EnvelopedData (1.2.840.113549.1.7.3) and AuthEnvelopedData (…9.16.1.23), as DER contents. */
const ENVELOPE_OIDS = [Buffer.from('2a864886f70d010703', 'hex'), Buffer.from('2a864886f70d0109100117', 'hex')];

export const envelopedDataTarget: FuzzTarget = {
  name: 'enveloped-data',
  summary: 'decryptEnvelope (EnvelopedData and AuthEnvelopedData parsing and decryption) with the corpus keys',
  async prepare() {
    const operators = corpusKeyOperators();
    const seeds = cmsSeeds().filter((s) => ENVELOPE_OIDS.some((oid) => Buffer.from(s.bytes.subarray(0, 32)).includes(oid)));
    const authenticated = new Set<string>();
    for (const seed of seeds) {
      try {
        const result = await decryptEnvelope(nodeCmsCrypto, seed.bytes, operators);
        if (result.authenticated) authenticated.add(sha256(result.content));
      } catch (error) {
        if (!isCachetError(error)) throw error;
      }
    }
    return {
      seeds,
      generate: mutatingGenerator(seeds),
      async run(input) {
        const result = await decryptEnvelope(nodeCmsCrypto, input, operators);
        if (result.authenticated && !authenticated.has(sha256(result.content))) {
          return `authenticated decryption of content no seed held (sha256 ${sha256(result.content)})`;
        }
        return undefined;
      },
    };
  },
};
