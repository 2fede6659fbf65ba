import { OID } from '../../../src/pki/oids';
import type { PolicyInputs } from '../../../src/pki/validate-path';

/** One case of ../shared/corpora/pkits/pkits-expected.json. */
export interface PkitsCase {
  test_number: string;
  title: string;
  certs: string[];
  crls: string[];
  should_validate: boolean;
  settings: Record<string, string>;
}

// Names of the PKITS test policies (PKITS.pdf §3): 2.16.840.1.101.3.2.1.48.N.
function policyOid(name: string): string {
  if (name === 'anyPolicy') return OID.anyPolicy;
  const m = /^NIST-test-policy-(\d+)$/.exec(name);
  if (!m) throw new Error(`unknown policy name ${name}`);
  return `2.16.840.1.101.3.2.1.48.${m[1]}`;
}

export function policySet(value: string): string[] {
  return value === '' ? [] : value.split(',').map(policyOid);
}

/** The PKITS initial settings (PKITS.pdf §3.1) of a case as RFC 5280 §6.1.1 inputs. */
export function policyInputs(settings: Record<string, string>): PolicyInputs {
  return {
    initialPolicySet: new Set(settings.SetInitialPolicySet !== undefined ? policySet(settings.SetInitialPolicySet) : [OID.anyPolicy]),
    initialExplicitPolicy: settings.SetInitialExplicitPolicy === 'true',
    initialPolicyMappingInhibit: settings.SetInitialPolicyMappingInhibit === 'true',
    initialAnyPolicyInhibit: settings.SetInitialInhibitAnyPolicy === 'true',
  };
}
