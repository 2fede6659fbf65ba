/**
 * Managed storage over user options over defaults (BEHAVIOURS.md, Policy): a key the admin
 * set wins and is reported as locked, so the options page can show it as such.
 */
import { defaultPolicy, policyKeys, type Policy, type PolicyKey } from './policy';
import { parsePolicyInput, type PolicyWarning } from './validate';

export interface MergedPolicy {
  readonly policy: Policy;
  /** Keys the admin set; the user cannot change them. */
  readonly locked: readonly PolicyKey[];
  /** The user's own valid options, including those a locked key hides. */
  readonly user: Partial<Policy>;
  readonly warnings: readonly (PolicyWarning & { readonly source: 'managed' | 'user' })[];
}

/** Both inputs are untrusted raw storage contents; each is validated here. */
export function mergePolicy(managed: unknown, user: unknown): MergedPolicy {
  const fromAdmin = parsePolicyInput(managed);
  const fromUser = parsePolicyInput(user);
  const merged: Record<string, unknown> = { ...defaultPolicy };
  for (const key of policyKeys) {
    if (fromAdmin.values[key] !== undefined) merged[key] = fromAdmin.values[key];
    else if (fromUser.values[key] !== undefined) merged[key] = fromUser.values[key];
  }
  return {
    policy: Object.freeze(merged) as unknown as Policy,
    locked: policyKeys.filter((key) => fromAdmin.values[key] !== undefined),
    user: fromUser.values,
    warnings: [
      ...fromAdmin.warnings.map((w) => ({ ...w, source: 'managed' as const })),
      ...fromUser.warnings.map((w) => ({ ...w, source: 'user' as const })),
    ],
  };
}
