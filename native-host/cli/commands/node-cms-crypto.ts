/** Node's WebCrypto as the CMS layer's platform crypto. */
import { webcrypto } from 'node:crypto';
import type { CmsCrypto } from '../../../src/cms/cms-crypto';

export const nodeCmsCrypto: CmsCrypto = {
  subtle: webcrypto.subtle as SubtleCrypto,
  getRandomValues: (array) => webcrypto.getRandomValues(array),
};
