/**
 * The secure reader's work (B13, B15, B17): unwrap every layer of a message (the host
 * unwraps content keys, DESIGN.md invariant 2), report each signature at once, and start
 * validating each signer's certificate, whose verdict the page asks for separately. The
 * decrypted content leaves the background only towards the reader that opened it.
 * Signers whose signature and certificate are good are harvested into the address book
 * with their capabilities (B6 step 1, B8).
 */
import { wrapBareContentInfo } from '../../src/cms/bare-content-info';
import type { CmsCrypto } from '../../src/cms/cms-crypto';
import { readMessage, type ReadResult } from '../../src/cms/read-message';
import type { SignerVerification } from '../../src/cms/signed-data-verify';
import { CachetError } from '../../src/errors';
import { parseMessage } from '../../src/mime/parse';
import { decodedBody, headerValue } from '../../src/mime/part-access';
import { decodeEncodedWords } from '../../src/mime/encoded-words';
import { displayContent, type DisplayAttachment } from '../../src/mime/display-content';
import type { AuthorView, ReaderView, SignerValidationView, SignerView } from '../../src/protocol/runtime';
import { signerAuthorMatch, validateSigner, type SignerValidator } from '../../src/smime/judge-signers';
import { messageAuthor, type MessageAuthor } from '../../src/smime/message-author';
import { uncheckedNotices } from '../../src/smime/signature-coverage';
import type { AddressBook } from '../address-book/address-book';
import { summariseCertificate } from '../address-book/certificate-summary';
import type { Identities } from '../identities';
import type { KeyUses } from '../key-uses';
import type { CertificateValidation } from '../pki/certificate-validation';
import type { PendingRead, Reader, SessionOwner } from './reader';
import { readerNotices } from './reader-notices';

export interface ReaderDeps {
  readonly identities: Identities;
  readonly validation: CertificateValidation;
  readonly addressBook: AddressBook;
  readonly crypto: Crypto;
  /** Where a decryption is registered while it runs, for the PIN page to name. */
  readonly keyUses: KeyUses;
  readonly randomId?: () => string;
}

interface Session {
  readonly owner: SessionOwner;
  readonly attachments: readonly DisplayAttachment[];
  readonly validation: Promise<SignerValidationView[]>;
}

/** A few open messages per browser; older ones are dropped, and the reader reopens them. */
const maxSessions = 16;

/** Messages up to this size are read while their frame loads (see `prepare`). */
const EARLY_READ_MAX_BYTES = 1024 * 1024;

/** What reading a message gave, before it is shown to anyone. */
interface MessageRead {
  readonly bare: boolean;
  readonly author: MessageAuthor | null;
  readonly result: ReadResult;
}

interface FoundSigner {
  readonly layer: number;
  readonly signer: SignerVerification;
  readonly certificates: readonly Uint8Array[];
  readonly crls: readonly Uint8Array[];
}

/**
 * A shown signed layer that could not be checked at all (no signers, content that conflicts
 * with the signature, a broken structure): it gets a bad banner of its own, so the content
 * never looks merely unsigned.
 */
interface FailedLayer {
  readonly layer: number;
  readonly status: string;
  readonly reason: string;
}

type Found = ({ readonly kind: 'signer' } & FoundSigner) | ({ readonly kind: 'failed' } & FailedLayer);

function signersOf(result: ReadResult): Found[] {
  const found: Found[] = [];
  let layerIndex = 0;
  for (const layer of result.layers) {
    // A transport signature around the encrypted body is not the author's: not shown.
    if (layer.kind !== 'signed' || !layer.shown) continue;
    if (layer.layer.signers.length === 0 && layer.layer.status !== 'good') {
      found.push({ kind: 'failed', layer: layerIndex, status: layer.layer.status, reason: layer.layer.error?.message ?? layer.layer.status });
    }
    for (const signer of layer.layer.signers) {
      found.push({
        kind: 'signer',
        layer: layerIndex,
        signer,
        certificates: layer.layer.verification?.certificates ?? [],
        crls: layer.layer.verification?.crls ?? [],
      });
    }
    layerIndex++;
  }
  return found;
}

function failedLayerView(failed: FailedLayer): SignerView {
  return { layer: failed.layer, status: failed.status, reason: failed.reason, name: '', addresses: [], issuer: '', notBefore: '', notAfter: '', fromMatches: false };
}

function commonName(subject: string): string {
  return /(?:^|, )CN=([^,]+)/.exec(subject)?.[1] ?? subject;
}

/**
 * `author` is who the message's From names, or null for a bare smime.p7m, which has no
 * header fields: its signer is then not compared with anyone (fromMatches null), which is
 * not the same as a signer who is not the author.
 */
async function signerView(found: FoundSigner, author: MessageAuthor | null, subtle: SubtleCrypto): Promise<SignerView> {
  const { signer } = found;
  const base = {
    layer: found.layer,
    status: signer.status,
    ...(signer.reason === undefined ? {} : { reason: signer.reason }),
    ...(signer.signingTime ? { signingTime: signer.signingTime.toISOString() } : {}),
    fromMatches: signerAuthorMatch(signer, author).matches,
  };
  if (!signer.certificate) return { ...base, name: '', addresses: signer.emailAddresses, issuer: '', notBefore: '', notAfter: '' };
  try {
    const summary = await summariseCertificate(signer.certificate, subtle);
    return {
      ...base,
      name: commonName(summary.subject),
      addresses: summary.addresses,
      issuer: summary.issuer,
      notBefore: summary.notBefore,
      notAfter: summary.notAfter,
    };
  } catch {
    return { ...base, name: '', addresses: signer.emailAddresses, issuer: '', notBefore: '', notAfter: '' };
  }
}

function authorView(author: MessageAuthor | null): AuthorView | null {
  if (author === null) return null;
  if (author.kind === 'mailbox') return { address: author.address, name: author.name, nameHoldsOtherAddress: author.nameHoldsOtherAddress };
  return { address: null, name: '', nameHoldsOtherAddress: false, problem: author.problem };
}

export function createReader(deps: ReaderDeps): Reader {
  const sessions = new Map<string, Session>();
  const cms: CmsCrypto = { subtle: deps.crypto.subtle, getRandomValues: (array) => deps.crypto.getRandomValues(array) };
  const randomId = deps.randomId ?? (() => {
    const bytes = deps.crypto.getRandomValues(new Uint8Array(18));
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_');
  });

  // As on the command line: validated now, for signing e-mail. The signingTime is the
  // signer's own claim, so it cannot move the time a certificate is judged at.
  const validator: SignerValidator = (certificate, context) => deps.validation.validate(certificate, { ...context, purpose: 'sign' });

  async function validate(found: FoundSigner): Promise<SignerValidationView> {
    const { signer } = found;
    const result = await validateSigner(signer, { intermediates: found.certificates, crls: found.crls }, validator);
    if (result.valid && signer.status === 'good' && signer.certificate) {
      // B6 step 1: a verified sender's certificate is kept with what it said it can decrypt.
      await deps.addressBook.harvest({
        certificate: signer.certificate,
        capabilities: signer.capabilities ? signer.capabilities.map((c) => c.oid) : null,
        signedAt: signer.signingTime ?? new Date(),
      }).catch(() => undefined);
    }
    return {
      valid: result.valid,
      ...(result.reason === undefined ? {} : { reason: result.reason }),
      errors: result.errors.map((e) => e.message),
    };
  }

  function session(sessionId: string, owner: SessionOwner): Session {
    const found = sessions.get(sessionId);
    if (!found || found.owner !== owner) throw new CachetError('input/invalid', 'this message is no longer open; open it again');
    return found;
  }

  /**
   * Parses the message and reads its layers; at the first encrypted one it waits for
   * `keysAllowed`, and only then registers the decryption and asks for the keys.
   */
  async function read(message: Uint8Array, keysAllowed: Promise<void>): Promise<MessageRead> {
    const input = wrapBareContentInfo(message);
    const root = parseMessage(input.message);
    // Only the From names the author; the Sender never stands in for it.
    const author = input.bare ? null : messageAuthor(root);
    const purpose = {
      operation: 'decrypt',
      subject: input.bare ? '' : decodeEncodedWords(headerValue(root, 'subject') ?? ''),
      from: author?.kind === 'mailbox' ? author.address : '',
    } as const;
    let endKeyUse: (() => void) | undefined;
    try {
      const result = await readMessage(root, {
        crypto: cms,
        subtle: deps.crypto.subtle,
        operators: async () => {
          await keysAllowed;
          endKeyUse = deps.keyUses.begin(purpose);
          return deps.identities.operators();
        },
        // Each message arrives as a copy of its own (decoded from the request, or redeemed
        // once from a frame token): an encrypted layer is decrypted where it lies.
        consumeSource: true,
      });
      return { bare: input.bare !== undefined, author, result };
    } finally {
      endKeyUse?.();
    }
  }

  async function present(reading: Promise<MessageRead>, owner: SessionOwner): Promise<ReaderView> {
    const { bare, author, result } = await reading;
    const display = displayContent(result.content);
    const found = signersOf(result);
    const signers = await Promise.all(found.map((f) => (f.kind === 'signer' ? signerView(f, author, deps.crypto.subtle) : Promise.resolve(failedLayerView(f)))));
    // B13: the content and signature checks are returned now; validation goes on.
    const validation = Promise.all(found.map((f) => (f.kind === 'signer'
      ? validate(f)
      : Promise.resolve<SignerValidationView>({ valid: false, reason: 'malformed', errors: [f.reason] }))));
    validation.catch(() => undefined);
    const sessionId = randomId();
    sessions.set(sessionId, { owner, attachments: display.attachments, validation });
    while (sessions.size > maxSessions) {
      const oldest = sessions.keys().next().value;
      if (oldest === undefined) break;
      sessions.delete(oldest);
    }
    const header = (name: string) => decodeEncodedWords(headerValue(result.root, name) ?? '');
    return {
      sessionId,
      from: header('from'),
      author: authorView(author),
      to: header('to'),
      cc: header('cc'),
      subject: header('subject'),
      date: headerValue(result.root, 'date') ?? '',
      encrypted: result.encrypted,
      bareFile: bare,
      signers,
      notices: [...readerNotices(result), ...uncheckedNotices(result.content)],
      text: display.text,
      html: display.html,
      attachments: display.attachments.map((a, index) => ({
        index,
        fileName: a.fileName,
        mediaType: a.mediaType,
        size: a.part.bodyRange.end - a.part.bodyRange.start,
      })),
    };
  }

  function prepare(message: Uint8Array): PendingRead {
    let allowKeys!: () => void;
    let refuseKeys!: (reason: Error) => void;
    const keysAllowed = new Promise<void>((resolve, reject) => {
      allowKeys = resolve;
      refuseKeys = reject;
    });
    keysAllowed.catch(() => undefined);
    let reading: Promise<MessageRead> | undefined;
    // A large message waits for its frame: the early start matters where the whole wait
    // is short, and a frame that never asks should not leave a second large copy behind.
    // The start is a task of its own, after the caller's answer has gone: the frame's URL
    // must not wait for the reading it overlaps.
    if (message.length <= EARLY_READ_MAX_BYTES) {
      setTimeout(() => {
        reading ??= read(message, keysAllowed);
        // Its failure is the frame's to see when it asks; until then it is not unhandled.
        reading.catch(() => undefined);
      }, 0);
    }
    return {
      open(owner) {
        allowKeys();
        reading ??= read(message, keysAllowed);
        return present(reading, owner);
      },
      drop() {
        refuseKeys(new CachetError('runtime/forbidden', 'no reader frame asked for this message'));
      },
    };
  }

  return {
    // Asked by a Cachet page for a message it holds: nothing to wait for before the key.
    open: (message, owner) => present(read(message, Promise.resolve()), owner),
    prepare,
    async validation(sessionId, owner) {
      return session(sessionId, owner).validation;
    },
    attachment(sessionId, index, owner) {
      try {
        const attachment = session(sessionId, owner).attachments[index];
        if (!attachment) throw new CachetError('input/invalid', 'no such attachment');
        return Promise.resolve(decodedBody(attachment.part));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
  };
}
