/**
 * Turns the command-line validation options (`--trust`, `--untrusted`, `--intermediate`,
 * `--crl`, `--at`, `--no-revocation`, `--require-revocation`, `--check-crl`, `--offline`)
 * into validation options for the PKI layer, with the command line's fetcher (HTTP, and
 * LDAP through the directory client) and the on-disk CRL cache unless offline. Shared by
 * `cachet cert check`, `cachet cert select`, and the signer validation of `cachet verify`
 * and `cachet open`.
 */
import { webcrypto } from 'node:crypto';

import type { RevocationMode, ValidationOptions } from '../../src/pki/certificate-validator';
import { checkCertificate } from '../../src/pki/check-certificate';
import { DEFAULT_RETRIEVAL_LIMITS } from '../../src/pki/fetcher';
import { networkSources } from '../../src/pki/network-sources';
import { parseEachSkippingBroken } from '../../src/pki/parse-each';
import { parseCertificate, type ParsedCertificate } from '../../src/pki/parsed-certificate';
import { parseCrl, type ParsedCrl } from '../../src/pki/parsed-crl';
import { SignatureVerifier } from '../../src/pki/signature-verify';
import { OID } from '../../src/pki/oids';
import { anchorFromCertificate, type PolicyInputs } from '../../src/pki/validate-path';
import type { SignerValidator } from '../../src/smime/judge-signers';
import { DiskCrlCache } from './disk-crl-cache';
import { readCertificateFile, readCrlFile } from './read-certificates';
import { cliFetcher } from './scheme-fetcher';

export const VALIDATION_VALUED_OPTIONS = ['--trust', '--untrusted', '--intermediate', '--crl', '--at', '--policy'] as const;
export const VALIDATION_FLAGS = [
  '--no-revocation', '--require-revocation', '--check-crl', '--offline',
  '--explicit-policy', '--inhibit-policy-mapping', '--inhibit-any-policy',
] as const;

export const VALIDATION_USAGE = `  --trust CA          a trusted root (PEM or DER; repeatable)
  --untrusted X       a certificate marked untrusted (repeatable)
  --intermediate X    an intermediate or cross-certificate to build paths with (repeatable)
  --crl FILE          a CRL to use (PEM or DER; repeatable)
  --at TIME           validate at this ISO 8601 time instead of now
  --no-revocation     skip revocation checks (disableCrlCheck)
  --require-revocation  a certificate whose revocation status is unknown is invalid
  --check-crl         report an unknown revocation status as a warning (checkCrl)
  --offline           fetch nothing (no CRL distribution points, OCSP or AIA)
  --policy OID        an acceptable certificate policy (repeatable; default any policy)
  --explicit-policy   the path must be valid for an acceptable policy (RFC 5280 §6.1.1)
  --inhibit-policy-mapping  policy mappings are not followed
  --inhibit-any-policy  anyPolicy in a certificate does not match the acceptable policies`;

export interface CliValidationSettings {
  readonly trust: readonly ParsedCertificate[];
  readonly untrusted: readonly ParsedCertificate[];
  readonly intermediates: readonly ParsedCertificate[];
  readonly crls: readonly ParsedCrl[];
  readonly time: Date | undefined;
  readonly revocation: RevocationMode;
  readonly checkCrl: boolean;
  readonly offline: boolean;
  readonly policy: PolicyInputs;
}

export function parseTime(value: string, fail: (message: string) => Error): Date {
  const time = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time.getTime())) throw fail(`--at: not an ISO 8601 time: ${value}`);
  return time;
}

export async function readValidationSettings(values: ReadonlyMap<string, readonly string[]>, flags: ReadonlySet<string>, fail: (message: string) => Error): Promise<CliValidationSettings> {
  const certs = async (name: string): Promise<ParsedCertificate[]> => (await Promise.all((values.get(name) ?? []).map(readCertificateFile))).flat();
  const at = values.get('--at');
  if (at && at.length > 1) throw fail('--at given more than once');
  if (flags.has('--no-revocation') && flags.has('--require-revocation')) throw fail('--no-revocation and --require-revocation exclude each other');
  const policies = values.get('--policy') ?? [];
  const notOid = policies.find((oid) => !/^[0-2](\.(0|[1-9]\d*))+$/.test(oid));
  if (notOid !== undefined) throw fail(`--policy: not an object identifier: ${notOid}`);
  return {
    trust: await certs('--trust'),
    untrusted: await certs('--untrusted'),
    intermediates: await certs('--intermediate'),
    crls: (await Promise.all((values.get('--crl') ?? []).map(readCrlFile))).flat(),
    time: at?.[0] !== undefined ? parseTime(at[0], fail) : undefined,
    revocation: flags.has('--no-revocation') ? 'off' : flags.has('--require-revocation') ? 'require' : 'best-effort',
    checkCrl: flags.has('--check-crl'),
    offline: flags.has('--offline'),
    policy: {
      initialPolicySet: new Set(policies.length > 0 ? policies : [OID.anyPolicy]),
      initialExplicitPolicy: flags.has('--explicit-policy'),
      initialPolicyMappingInhibit: flags.has('--inhibit-policy-mapping'),
      initialAnyPolicyInhibit: flags.has('--inhibit-any-policy'),
    },
  };
}

/** Validation options for one operation (each gets its own retrieval budget). */
export function validationOptions(settings: CliValidationSettings, extra: { intermediates?: readonly ParsedCertificate[]; crls?: readonly ParsedCrl[] } = {}): ValidationOptions {
  const crypto = webcrypto as unknown as Crypto;
  const verifier = new SignatureVerifier(crypto, { allowSha1: true });
  const time = settings.time;
  return {
    verifier,
    anchors: settings.trust.map(anchorFromCertificate),
    intermediates: [...settings.intermediates, ...(extra.intermediates ?? [])],
    untrusted: settings.untrusted,
    crls: [...settings.crls, ...(extra.crls ?? [])],
    revocation: settings.revocation,
    reportUnknownRevocation: settings.checkCrl,
    policy: settings.policy,
    ...(time ? { time } : {}),
    ...(settings.offline || settings.revocation === 'off'
      ? {}
      : { sources: networkSources({ fetcher: cliFetcher(), crypto, verifier, cache: new DiskCrlCache(), limits: DEFAULT_RETRIEVAL_LIMITS, ...(time ? { time } : {}) }) }),
  };
}

/** Validates a signer's certificate for signing e-mail, with what the message carries. */
export function signerValidator(settings: CliValidationSettings): SignerValidator {
  return (certificate, context) => {
    const extra = { intermediates: parseEachSkippingBroken(context.intermediates, parseCertificate), crls: parseEachSkippingBroken(context.crls, parseCrl) };
    return checkCertificate(parseCertificate(certificate), { ...validationOptions(settings, extra), purpose: 'sign' });
  };
}
