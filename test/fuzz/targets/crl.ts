/** parseCrl on mutated CRLs. */
import { crlSeeds } from '../corpus';
import { simpleTarget } from '../target';
import { formatName } from '../../../src/pki/distinguished-name';
import { isDeltaCrl, parseCrl } from '../../../src/pki/parsed-crl';

export const crlTarget = simpleTarget('crl', 'parseCrl on mutated CRLs', crlSeeds, (input) => {
  const crl = parseCrl(input);
  formatName(crl.issuer);
  isDeltaCrl(crl);
});
