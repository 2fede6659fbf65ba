/**
 * Which of the user's certificates From offers (B4): with `smartCardOnly` only those on a
 * token. The one it starts with is the background's default signing identity
 * (background/default-identity.ts: the user's choice, else B3/B4's).
 */
import type { IdentityView } from '../../../protocol/runtime';

export function offeredIdentities(identities: readonly IdentityView[], smartCardOnly: boolean): IdentityView[] {
  return identities.filter((identity) => !smartCardOnly || identity.hardware);
}

/** The From mailbox for an identity: its common name and first address (B1 matches the address). */
export function fromMailbox(identity: IdentityView): string {
  const address = identity.addresses[0] ?? '';
  const name = /(?:^|, )CN=([^,<>"]+)/.exec(identity.subject)?.[1]?.trim();
  return name && name.toLowerCase() !== address.toLowerCase() ? `${name} <${address}>` : address;
}
