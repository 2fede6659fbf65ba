/**
 * Seeds read at run time from ../shared/corpora (relative to the project root), never
 * copied into the project: the third-party messages, CMS files, certificates and CRLs.
 * CMS seeds are also taken out of the S/MIME parts of the messages, each with the content
 * its detached signature covers.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSoftwareKeyOperators } from '../../native-host/keys/load-software-key-operators';
import type { KeyOperator } from '../../src/cms/key-operator';
import { parseMessage } from '../../src/mime/parse';
import { allParts, decodedBody } from '../../src/mime/part-access';
import type { Seed } from './mutate';

export const CORPORA = fileURLToPath(new URL('../../../shared/corpora/', import.meta.url));

export interface CmsSeed extends Seed {
  /** The bytes a detached signature covers, when the seed is one. */
  readonly detached?: Uint8Array;
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? allFiles(full) : [full];
  });
}

const files = (): string[] => allFiles(CORPORA);
const relative = (file: string): string => path.relative(CORPORA, file);
const read = (file: string): Uint8Array => new Uint8Array(readFileSync(file));

/** PEM blocks with one of `labels` decoded, or the file itself when it is not PEM. */
function derOf(bytes: Uint8Array, labels: readonly string[]): Uint8Array[] {
  const text = Buffer.from(bytes).toString('latin1');
  if (!text.includes('-----BEGIN ')) return [bytes];
  const out: Uint8Array[] = [];
  for (const match of text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)) {
    if (labels.includes(match[1] ?? '')) out.push(new Uint8Array(Buffer.from((match[2] ?? '').replace(/\s+/g, ''), 'base64')));
  }
  return out;
}

/** Every file that is an RFC 5322 message: a header field on its first line. */
export function messageSeeds(): Seed[] {
  const seeds: Seed[] = [];
  for (const file of files()) {
    if (/\.(p12|crt|crl|cer|der|cms|json|md|txt|orq|ors|pem|p7m)$/.test(file) || file.endsWith('LICENSE')) continue;
    const bytes = read(file);
    if (!/^[A-Za-z][A-Za-z0-9-]*:/.test(Buffer.from(bytes.subarray(0, 80)).toString('latin1'))) continue;
    seeds.push({ name: relative(file), kind: 'mime', bytes });
  }
  return seeds;
}

/** CMS ContentInfos: the DER and PEM CMS files, and every S/MIME part of every message. */
export function cmsSeeds(): CmsSeed[] {
  const seeds: CmsSeed[] = [];
  for (const file of files()) {
    if (!/\.(p7m|cms|der|pkcs7)$/.test(file) && !/cms-data\/.*\.pem$/.test(file)) continue;
    for (const bytes of derOf(read(file), ['PKCS7', 'CMS'])) seeds.push({ name: relative(file), kind: 'der', bytes });
  }
  for (const message of messageSeeds()) {
    let root;
    try {
      root = parseMessage(message.bytes);
    } catch {
      continue;
    }
    for (const part of allParts(root)) {
      if (part.smimeKind === 'multipart-signed') {
        const [content, signature] = part.children;
        if (!content || !signature) continue;
        const detached = part.source.subarray(content.range.start, content.range.end);
        seeds.push({ name: `${message.name} (signature)`, kind: 'der', bytes: decodedBody(signature), detached });
      } else if (part.smimeKind !== 'none' && part.smimeKind !== 'detached-signature' && part.children.length === 0) {
        seeds.push({ name: `${message.name} (${part.smimeKind})`, kind: 'der', bytes: decodedBody(part) });
      }
    }
  }
  return seeds.filter((s) => s.bytes.length > 0);
}

export function certificateSeeds(): Seed[] {
  const seeds: Seed[] = [];
  for (const file of files()) {
    if (!/\.(crt|cer|pem)$/.test(file)) continue;
    for (const bytes of derOf(read(file), ['CERTIFICATE'])) seeds.push({ name: relative(file), kind: 'der', bytes });
  }
  return seeds;
}

export function crlSeeds(): Seed[] {
  return files().filter((f) => f.endsWith('.crl')).map((f) => ({ name: relative(f), kind: 'der', bytes: read(f) }));
}

/** Any file of the corpora, as bytes: the DER reader takes whatever it is given. */
export function derSeeds(): Seed[] {
  return [...cmsSeeds(), ...certificateSeeds(), ...crlSeeds()].map(({ name, bytes }) => ({ name, kind: 'der', bytes }));
}

export function corpusFile(relativePath: string): Uint8Array {
  return read(path.join(CORPORA, relativePath));
}

/**
 * Every private key the corpora hold, as key operators: the Thunderbird PKCS #12 files
 * (password "nss"), OpenSSL's test keys and PKI.js' ECC recipient. A file the loader
 * refuses is left out.
 */
export function corpusKeyOperators(): KeyOperator[] {
  const operators: KeyOperator[] = [];
  const add = (sources: Parameters<typeof loadSoftwareKeyOperators>[0]): void => {
    try {
      for (const operator of loadSoftwareKeyOperators(sources)) operators.push(operator);
    } catch {
      // DSA and DH test keys cannot decrypt; nothing to add.
    }
  };
  for (const file of files()) {
    if (file.endsWith('.p12')) add({ p12: read(file), password: 'nss' });
    else if (/smime-certs\/sm(rsa|ec)\d\.pem$/.test(file)) add({ keyPem: read(file) });
  }
  add({ keyPem: read(path.join(CORPORA, 'openssl/smime-certs/smrsa3-key.pem')), certPem: read(path.join(CORPORA, 'openssl/smime-certs/smrsa3-cert.pem')) });
  add({ keyPem: read(path.join(CORPORA, 'pkijs/extracted-ecc-recipient-private-key.pem')), certPem: read(path.join(CORPORA, 'pkijs/extracted-ecc-recipient-cert.pem')) });
  return operators;
}
