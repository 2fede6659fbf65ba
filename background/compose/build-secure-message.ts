/**
 * `compose/build`: the policy decides what may be sent (B7, `alwaysSign` when locked),
 * recipients' certificates are resolved (B6–B8) and one cipher chosen for all of them,
 * the sender's keys are checked (B5), then the plain message is built and protected: signed
 * per `clearSign` with the digest of `signingAlgorithms` (B12), encrypted to every
 * recipient and the sender (B14), triple-wrapped per `tripleWrap` (B16).
 */
import { chooseContentCipher, type CipherChoice } from '../../src/cms/content-cipher-choice';
import type { EncryptRecipient } from '../../src/cms/encrypt';
import type { SigningHash } from '../../src/cms/signed-data-sign';
import { protectMessage, type ProtectOptions } from '../../src/cms/smime-protect';
import { CachetError } from '../../src/errors';
import { addressKey } from '../../src/pki/email-address';
import type { MergedPolicy, Policy, SigningAlgorithm } from '../../src/policy';
import type { ComposeRequest } from '../../src/protocol/runtime';
import type { ComposerDeps } from './create-composer';
import { composeMessage, messageAddresses, type MessageAddresses } from './message-content';
import { messageFileName } from './message-file-name';
import { checkMissingCertificates } from './missing-certificates';
import { directorySearch, lookupContext, resolveRecipient, type ResolvedRecipient } from './recipient-lookup';
import { senderKeys, type SenderKeys } from './sender-keys';
import { signerChain } from './signer-chain';

const HASHES: Readonly<Record<SigningAlgorithm, SigningHash>> = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

/** What the request may not do whatever the page sent: the page's own controls say the same. */
function checkPolicy(request: ComposeRequest, { policy, locked }: MergedPolicy): void {
  if (policy.alwaysEncrypt && !request.encrypt) {
    const code = locked.includes('alwaysEncrypt') ? 'policy/locked' : 'input/invalid';
    throw new CachetError(code, 'encryption is required (alwaysEncrypt): the message cannot be sent unencrypted');
  }
  if (locked.includes('alwaysSign') && policy.alwaysSign && !request.sign) {
    throw new CachetError('policy/locked', 'your organisation requires signed messages (alwaysSign)');
  }
}

/**
 * Each address once (compared as B1 compares them), in the order given: To, Cc, Bcc.
 * Bcc recipients get a RecipientInfo in the one message everybody receives, so the
 * issuer and serial number of their certificates are visible to the other recipients, as
 * with every S/MIME agent that sends one message; only their addresses stay hidden.
 */
function uniqueRecipients(addresses: MessageAddresses): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const { address } of [...addresses.to, ...addresses.cc, ...addresses.bcc]) {
    const key = addressKey(address) ?? address;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(address);
  }
  return out;
}

interface EncryptionPlan {
  readonly recipients: readonly EncryptRecipient[];
  readonly choice: CipherChoice;
}

type Encryptable = ResolvedRecipient & { readonly certificate: Uint8Array };
const encryptable = (r: ResolvedRecipient): r is Encryptable => r.certificate !== undefined;

async function planEncryption(deps: ComposerDeps, request: ComposeRequest, addresses: MessageAddresses, policy: Policy, now: Date): Promise<EncryptionPlan> {
  const context = lookupContext(deps, policy, now);
  const resolved = await Promise.all(uniqueRecipients(addresses).map((address) => resolveRecipient(address, context)));
  const usable = resolved.filter(encryptable);
  const choice = chooseContentCipher(policy.encryptionAlgorithms, usable.map((r) => r.algorithms));
  if (choice === undefined) {
    throw new CachetError('cms/unsupported', `none of the encryption algorithms the policy allows can be written: ${policy.encryptionAlgorithms.join(', ')}`);
  }
  // B8: a recipient who cannot read the one cipher every other recipient can counts as missing.
  const readers = new Set<ResolvedRecipient>(usable.filter((_, index) => !choice.unreadableBy.includes(index)));
  const missing = resolved.filter((r) => !readers.has(r)).map((r) => r.view.address);
  checkMissingCertificates(missing, policy.alwaysEncrypt, request.encryptDespiteMissing);
  const recipients = usable.filter((r) => readers.has(r))
    .map((r) => (r.keyTransport ? { certificate: r.certificate, keyTransport: r.keyTransport } : { certificate: r.certificate }));
  return { recipients, choice };
}

function protection(request: ComposeRequest, policy: Policy, keys: SenderKeys, plan: EncryptionPlan | undefined, chain: readonly Uint8Array[]): ProtectOptions {
  const hash = HASHES[policy.signingAlgorithms[0] ?? 'sha256'];
  return {
    tripleWrap: policy.tripleWrap,
    ...(request.sign && keys.signer ? {
      sign: {
        signer: keys.signer,
        hash,
        opaque: !policy.clearSign,
        includeRoot: policy.includeRootCertificate,
        // B18: the signer's certificate, the sender's encryption certificate, and with
        // includeCertificateChain the intermediates (signer-chain.ts).
        chain,
        ...(keys.encryptionCertificate ? { encryptionCertificate: keys.encryptionCertificate } : {}),
      },
    } : {}),
    ...(plan ? {
      encrypt: {
        recipients: plan.recipients,
        ...(keys.encryptionCertificate ? { sender: keys.encryptionCertificate } : {}),
        cipher: plan.choice.cipher,
      },
    } : {}),
  };
}

export async function buildSecureMessage(deps: ComposerDeps, request: ComposeRequest): Promise<{ message: Uint8Array; fileName: string }> {
  const merged = await deps.policy.view();
  const { policy } = merged;
  checkPolicy(request, merged);
  const now = deps.now?.() ?? new Date();
  const addresses = messageAddresses(request);
  // B7 is decided first: it needs no key, and the sender should hear about it before a PIN prompt.
  const plan = request.encrypt ? await planEncryption(deps, request, addresses, policy, now) : undefined;
  const keys = await senderKeys(deps.identities, request, policy, now, directorySearch(deps, policy));
  const plain = composeMessage(request, addresses, {
    random: (bytes) => deps.crypto.getRandomValues(bytes),
    date: now,
    forSigning: request.sign,
  });
  const chain = keys.signer && policy.includeCertificateChain ? await signerChain(deps.validation, keys.signer.certificate, now) : [];
  const message = await protectMessage(deps.crypto, plain, protection(request, policy, keys, plan, chain));
  return { message, fileName: messageFileName(request.subject) };
}
