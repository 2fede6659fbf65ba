/**
 * `cachet open`: reads a message as a mail reader does (B13, B15, B17): unwraps the layers
 * of its body (src/cms/read-message.ts), decrypting with whichever given key fits, judges every
 * signer a reader would show (src/smime/signer-verdict.ts) and prints the innermost content, or with
 * --json the layers and the banner a reader would show. Status lines go to standard error
 * so that standard output is the content alone.
 */
import { readFile } from 'node:fs/promises';
import { EXIT_OK, UsageError, type CliIo, type Command } from '../command';
import { parseArgs, readInput } from './cli-input';
import { nodeCmsCrypto } from './node-cms-crypto';
import { layerJson, layerLines, summarize, type JudgedLayer } from './open-report';
import { wrapBareContentInfo } from '../../../src/cms/bare-content-info';
import { readMessage } from '../../../src/cms/read-message';
import type { KeyOperator } from '../../../src/cms/key-operator';
import { CachetError, isCachetError } from '../../../src/errors';
import { displayContent } from '../../../src/mime/display-content';
import { partBytes } from '../../../src/mime/part-access';
import { parseMessage } from '../../../src/mime/parse';
import type { MimePart } from '../../../src/mime/types';
import { judgeSigners } from '../../../src/smime/judge-signers';
import { messageAuthor } from '../../../src/smime/message-author';
import { unprotectedContentNotices } from '../../../src/smime/content-integrity';
import { uncheckedNotices, uncheckedSmimeParts } from '../../../src/smime/signature-coverage';
import { loadSoftwareKeyOperators, type SoftwareKeySources } from '../../keys/load-software-key-operators';
import { readValidationSettings, signerValidator, VALIDATION_FLAGS, VALIDATION_USAGE, VALIDATION_VALUED_OPTIONS } from '../../pki/cli-validation';

const usage = `usage: cachet open [--p12 F]... [--pass P] [--cert C.pem --key K.pem]... [--trust CA.pem]... [--json] FILE
  Reads FILE (an RFC 5322 message; '-' reads standard input) as a mail reader does: unwraps
  every S/MIME layer of the body, decrypting with whichever given key fits and checking
  every signature, then prints the innermost content on standard output and one line per
  layer on standard error. A signer is good when the signature checks out, it signed within
  an hour of the Date, the certificate is valid (RFC 5280 up to a --trust root, revocation)
  and may sign e-mail, and an address of the certificate is the one mailbox of the From
  field: without --trust no signature is good, and SHA-1 signatures are not good. FILE may also be a bare smime.p7m (DER, base64 or
  PEM), which has no From or Date: its signers are then not compared with a sender, and
  --json says "bareFile". As in Thunderbird, an outermost signature around
  the encrypted body is a transport signature and is not shown, while encryption inside a
  shown signature, and an opaque signature inside an opaque one, are not opened. Signer
  status words: good, untrusted, wrong-usage, from-mismatch, and those of the signature
  (bad-signature, digest-mismatch, weak, signing-time-mismatch, ...); a signed layer that
  cannot be checked at all is content-conflict, malformed or no-signers.
  --p12 F                a PKCS#12 file with a private key and its certificate (repeatable)
  --pass P               password of the PKCS#12 files and of encrypted PEM keys
  --key K.pem            a PEM or DER private key (repeatable); the file may hold its certificate
  --cert C.pem           the certificate of a --key (repeatable; give one per --key, or none)
  --json                 print JSON: encrypted, signed, signatureGood (every signature shown
                         is good), signers (address and status of each), text (the decoded
                         text of the body shown), layers (outermost first; a signed layer
                         lists the parts it covers) and uncheckedParts (signed or encrypted
                         parts inside the content, which are neither checked nor opened)
  --insecure-allow-sha1  count SHA-1 signatures as good
${VALIDATION_USAGE}
  Keys are only unlocked when the message is encrypted.
  Exit status: 0 the message was read, whatever its signatures say; 2 it could not be read
  (no given key opens it, broken input, wrong options).`;

/** File errors become typed errors naming the file, so they end as exit 2, not a crash. */
async function readOrFail<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (isCachetError(error) || error instanceof UsageError) throw error;
    throw new CachetError('input/invalid', `cannot read ${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

interface KeyFile {
  readonly path: string;
  readonly sources: SoftwareKeySources;
}

async function readKeyFiles(values: ReadonlyMap<string, readonly string[]>): Promise<KeyFile[]> {
  const bytes = (path: string): Promise<Uint8Array> => readOrFail(path, async () => new Uint8Array(await readFile(path)));
  const password = values.get('--pass')?.at(-1);
  const withPassword = password === undefined ? {} : { password };
  const keys = values.get('--key') ?? [];
  const certs = values.get('--cert') ?? [];
  if (certs.length > 0 && certs.length !== keys.length) throw new UsageError('give one --cert for each --key, or none when the key files hold the certificates');
  const files: KeyFile[] = [];
  for (const path of values.get('--p12') ?? []) files.push({ path, sources: { p12: await bytes(path), ...withPassword } });
  for (const [i, path] of keys.entries()) {
    const cert = certs[i];
    files.push({ path, sources: { keyPem: await bytes(path), ...(cert === undefined ? {} : { certPem: await bytes(cert) }), ...withPassword } });
  }
  return files;
}

function unlockKeys(files: readonly KeyFile[]): KeyOperator[] {
  if (files.length === 0) throw new CachetError('key/unavailable', 'the message is encrypted: give its recipient\'s key with --p12 F --pass P, or --key K.pem');
  return files.flatMap((file) => {
    try {
      return loadSoftwareKeyOperators(file.sources);
    } catch (error) {
      if (!isCachetError(error)) throw error;
      throw new CachetError(error.code, `${file.path}: ${error.message}`, { cause: error });
    }
  });
}

/** Input that is no message at all: no header fields, or a body that no blank line separates from them. */
function checkIsMessage(root: MimePart): void {
  const bodyWithoutSeparator = root.headerRange.end === root.bodyRange.start && root.bodyRange.end > root.bodyRange.start;
  if (root.headers.length === 0 || bodyWithoutSeparator) {
    throw new CachetError('input/invalid', 'not an e-mail message: expected header fields, a blank line, then the body, or a bare smime.p7m');
  }
}

function shownText(content: MimePart): string {
  const shown = displayContent(content);
  return shown.text ?? shown.html ?? '';
}

export const open: Command = {
  name: 'open',
  summary: 'read a message as a mail reader does: decrypt, verify every layer, show the content',
  usage,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const fail = (m: string): Error => new UsageError(m);
    const valued = [...VALIDATION_VALUED_OPTIONS, '--p12', '--pass', '--cert', '--key'];
    const parsed = parseArgs(args, valued, [...VALIDATION_FLAGS, '--json', '--insecure-allow-sha1'], fail);
    const [file, ...rest] = parsed.positionals;
    if (file === undefined || rest.length > 0) throw new UsageError('expected exactly one FILE');
    const keyFiles = await readKeyFiles(parsed.values);
    const settings = await readOrFail('the validation options', () => readValidationSettings(parsed.values, parsed.flags, fail));
    const input = wrapBareContentInfo(await readOrFail(file === '-' ? 'standard input' : file, () => readInput(file, io)));
    const root = parseMessage(input.message);
    checkIsMessage(root);

    const unwrapped = await readMessage(root, {
      crypto: nodeCmsCrypto,
      subtle: nodeCmsCrypto.subtle,
      insecureAllowSha1: parsed.flags.has('--insecure-allow-sha1'),
      // Keys are unlocked only when an encrypted layer is reached.
      operators: () => unlockKeys(keyFiles),
      // The message was read for this alone: an encrypted layer is decrypted where it lies.
      consumeSource: true,
    });
    // Every layer belongs to this message: its author judges every signer. A bare
    // smime.p7m has no header fields, so its signers are not compared with an author at all.
    const author = input.bare ? null : messageAuthor(root);
    const validate = signerValidator(settings);
    const layers: JudgedLayer[] = [];
    for (const layer of unwrapped.layers) {
      layers.push(layer.kind === 'signed' ? { ...layer, verdicts: await judgeSigners(layer.layer, author, validate) } : layer);
    }

    const summary = summarize(layers);
    if (parsed.flags.has('--json')) {
      const report = {
        ...summary,
        ...(input.bare ? { bareFile: input.bare } : {}),
        text: shownText(unwrapped.content),
        contentType: unwrapped.content.contentType.mediaType,
        layers: layers.map(layerJson),
        uncheckedParts: uncheckedSmimeParts(unwrapped.content),
        notices: [...unprotectedContentNotices(unwrapped.layers), ...uncheckedNotices(unwrapped.content)],
      };
      io.stdout.write(JSON.stringify(report, null, 2) + '\n');
    } else {
      const banner = summary.signed ? (summary.signatureGood ? 'signature good' : 'signature NOT good') : 'not signed';
      const bareLine = input.bare ? [`a bare smime.p7m (${input.bare}): no From or Date, so no signer is compared with a sender`] : [];
      const lines = [...bareLine, ...layerLines(layers), ...unprotectedContentNotices(unwrapped.layers), ...uncheckedNotices(unwrapped.content), `${summary.encrypted ? 'encrypted' : 'not encrypted'}, ${banner}`];
      io.stderr.write(lines.map((l) => `cachet open: ${l}\n`).join(''));
      io.stdout.write(partBytes(unwrapped.content));
    }
    return EXIT_OK;
  },
};
