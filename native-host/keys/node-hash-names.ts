/** Node's names (createHash, createHmac, OAEP options) for the hashes the CMS layer names. */
import type { HashName } from '../../src/cms/key-operator';

export const NODE_HASH: Readonly<Record<HashName, string>> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
