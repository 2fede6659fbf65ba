/**
 * What `cachet open` reports: the layers with their signers' verdicts, and the summary a
 * reader's banner gives (encrypted, signed, whether every shown signature is good, who
 * signed). JSON for `--json`, status lines for people otherwise.
 */
import { hashNameFromOid } from '../../../src/cms/oids';
import type { SignedLayer } from '../../../src/cms/smime-verify';
import { certificateAddresses } from '../../../src/pki/certificate-model';
import { parseCertificate } from '../../../src/pki/parsed-certificate';
import type { ReadLayer } from '../../../src/cms/read-message';
import type { JudgedSigner } from '../../../src/smime/judge-signers';
import { coveredParts } from '../../../src/smime/signature-coverage';

/** A layer of the message with, for a signed one, the verdict on each signer. */
export type JudgedLayer = Exclude<ReadLayer, { kind: 'signed' }> | (Extract<ReadLayer, { kind: 'signed' }> & { readonly verdicts: readonly JudgedSigner[] });

export interface SignerSummary {
  readonly address: string | null;
  readonly status: string;
  readonly reason?: string;
}

export interface OpenSummary {
  readonly encrypted: boolean;
  readonly signed: boolean;
  readonly signatureGood: boolean;
  readonly signers: readonly SignerSummary[];
}

type SignedJudged = Extract<JudgedLayer, { kind: 'signed' }>;

function layerGood(layer: SignedJudged): boolean {
  return layer.layer.status === 'good' && layer.verdicts.length > 0 && layer.verdicts.every((v) => v.verdict.status === 'good');
}

/** A layer whose signature cannot be checked at all still counts as one bad signature. */
function layerSigners(layer: SignedJudged): SignerSummary[] {
  if (layer.verdicts.length === 0) {
    return [{ address: null, status: layer.layer.status, ...(layer.layer.error ? { reason: layer.layer.error.message } : {}) }];
  }
  return layer.verdicts.map((v) => ({ address: v.address ?? null, status: v.verdict.status, ...(v.verdict.reason ? { reason: v.verdict.reason } : {}) }));
}

export function summarize(layers: readonly JudgedLayer[]): OpenSummary {
  const shown = layers.filter((l): l is SignedJudged => l.kind === 'signed' && l.shown);
  return {
    encrypted: layers.some((l) => l.kind === 'encrypted'),
    signed: shown.length > 0,
    signatureGood: shown.length > 0 && shown.every(layerGood),
    signers: shown.flatMap(layerSigners),
  };
}

function recipientAddresses(der: Uint8Array): string[] {
  try {
    return certificateAddresses(parseCertificate(der)).map((a) => a.address);
  } catch {
    return [];
  }
}

function signerJson(v: JudgedSigner): Record<string, unknown> {
  const s = v.signature;
  return {
    address: v.address ?? null,
    status: v.verdict.status,
    ...(v.verdict.reason ? { reason: v.verdict.reason } : {}),
    signature: s.status,
    fromMatches: v.authorMatch.matches,
    trust: v.validation.valid ? 'trusted' : 'untrusted',
    ...(v.validation.valid ? {} : { trustReason: v.validation.reason ?? null }),
    emailAddresses: s.emailAddresses,
    ...(s.signingTime ? { signingTime: s.signingTime.toISOString() } : {}),
    digestAlgorithm: hashNameFromOid(s.digestAlgorithm) ?? s.digestAlgorithm,
    signatureAlgorithm: s.signatureAlgorithm,
  };
}

function signedStatus(layer: SignedJudged): SignedLayer['status'] {
  return layer.layer.status === 'good' && !layerGood(layer) ? 'signer-not-good' : layer.layer.status;
}

export function layerJson(layer: JudgedLayer): Record<string, unknown> {
  switch (layer.kind) {
    case 'encrypted': {
      const d = layer.decrypted;
      return { kind: 'encrypted', cipher: d.cipher, authenticated: d.authenticated, recipient: recipientAddresses(d.operator.certificate) };
    }
    case 'signed':
      return {
        kind: layer.layer.kind,
        shown: layer.shown,
        ...(layer.shown ? {} : { note: 'transport signature around the encrypted body: not the author\'s, not shown' }),
        status: signedStatus(layer),
        ...(layer.layer.error ? { error: layer.layer.error } : {}),
        // Every leaf part of the signed entity, and nothing beside it.
        ...(layer.layer.content ? { covers: coveredParts(layer.layer.content) } : {}),
        signers: layer.verdicts.map(signerJson),
      };
    case 'not-opened':
      return { kind: 'not-opened', smimeKind: layer.smimeKind, reason: layer.reason };
  }
}

/** One line a layer, outermost first, in the words of the JSON. */
export function layerLines(layers: readonly JudgedLayer[]): string[] {
  const lines: string[] = [];
  for (const layer of layers) {
    if (layer.kind === 'encrypted') {
      const to = recipientAddresses(layer.decrypted.operator.certificate)[0];
      lines.push(`encrypted (${layer.decrypted.cipher})${to ? ` for ${to}` : ''}`);
    } else if (layer.kind === 'not-opened') {
      lines.push(`not opened (${layer.smimeKind}): ${layer.reason}`);
    } else {
      const head = `${layer.layer.kind}${layer.shown ? '' : ' (transport signature, not shown)'}: ${signedStatus(layer)}`;
      lines.push(layer.layer.error ? `${head} (${layer.layer.error.message})` : head);
      for (const s of layerSigners(layer)) lines.push(`  signer ${s.address ?? 'unknown'}: ${s.status}${s.reason ? ` (${s.reason})` : ''}`);
    }
  }
  return lines;
}
