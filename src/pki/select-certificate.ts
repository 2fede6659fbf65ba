import { matchingAddress, singleUsage, supports, withinValidity, type CertificateModel, type Operation } from './certificate-model';

/** The policy keys selection reads (BEHAVIOURS.md, Policy). */
export interface SelectionPolicy {
  readonly certMatchingDoNotUseProxies: boolean;
  readonly smartCardOnly: boolean;
}

export const DEFAULT_SELECTION_POLICY: SelectionPolicy = { certMatchingDoNotUseProxies: false, smartCardOnly: false };

export interface SelectionRequest {
  /** `sign` and `decrypt` pick among the user's own certificates; `encrypt` among a recipient's. */
  readonly purpose: 'sign' | 'decrypt' | 'encrypt';
  readonly address: string;
  /** The user's (or recipient's) other addresses: aliases, proxy addresses (B1). */
  readonly aliases?: readonly string[];
  /**
   * Other addresses that count for one candidate only: those of the directory entry that
   * held it (B1). Tried after the primary address and `aliases`, like them.
   */
  readonly aliasesOf?: (model: CertificateModel) => readonly string[];
  readonly time: Date;
  readonly policy?: SelectionPolicy;
  /** Rejects certificates whose validation fails (revoked, untrusted…): they are never chosen (B10, B11). */
  readonly isUsable?: (model: CertificateModel) => Promise<boolean>;
}

export type RejectionReason = 'no-address-match' | 'wrong-usage' | 'outside-validity' | 'not-on-token' | 'invalid';

export interface SelectionResult {
  readonly selected: CertificateModel | undefined;
  /** The address of the selected certificate that matched (the primary one or an alias). */
  readonly matchedAddress: string | undefined;
  /** Acceptable certificates, best first. */
  readonly ranked: readonly CertificateModel[];
  readonly rejected: readonly { readonly model: CertificateModel; readonly reason: RejectionReason }[];
}

function operationOf(purpose: SelectionRequest['purpose']): Operation {
  return purpose === 'sign' ? 'sign' : 'encrypt';
}

/**
 * Chooses a certificate by B1–B4: address match (aliases only when the primary address
 * matches nothing and `certMatchingDoNotUseProxies` is off), usage for the operation,
 * validity dates, then among the rest hardware before software for own keys (B4, with
 * `smartCardOnly` excluding software), single-usage before dual-usage (B2), and the most
 * recently issued first.
 */
export async function selectCertificate(candidates: readonly CertificateModel[], request: SelectionRequest): Promise<SelectionResult> {
  const policy = request.policy ?? DEFAULT_SELECTION_POLICY;
  const operation = operationOf(request.purpose);
  const own = request.purpose !== 'encrypt';
  const rejected: { model: CertificateModel; reason: RejectionReason }[] = [];

  const eligible = candidates.filter((model) => {
    let reason: RejectionReason | undefined;
    if (!supports(model, operation)) reason = 'wrong-usage';
    else if (!withinValidity(model, request.time)) reason = 'outside-validity';
    else if (own && policy.smartCardOnly && model.origin !== 'hardware') reason = 'not-on-token';
    if (reason) rejected.push({ model, reason });
    return reason === undefined;
  });

  const addresses = [request.address];
  if (!policy.certMatchingDoNotUseProxies) addresses.push(...(request.aliases ?? []));
  let matched: CertificateModel[] = [];
  let matchedAddress: string | undefined;
  for (const address of addresses) {
    matched = eligible.filter((model) => matchingAddress(model, address) !== undefined);
    if (matched.length > 0) {
      matchedAddress = address;
      break;
    }
  }
  const aliasesOf = request.aliasesOf;
  if (matched.length === 0 && aliasesOf !== undefined && !policy.certMatchingDoNotUseProxies) {
    matched = eligible.filter((model) => aliasesOf(model).some((alias) => matchingAddress(model, alias) !== undefined));
  }
  for (const model of eligible) if (!matched.includes(model)) rejected.push({ model, reason: 'no-address-match' });

  const rank = (model: CertificateModel): number[] => [
    own && model.origin === 'hardware' ? 0 : 1,
    singleUsage(model, operation) ? 0 : 1,
    -model.notBefore.getTime(),
    -model.notAfter.getTime(),
  ];
  const compare = (a: CertificateModel, b: CertificateModel): number => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return (ra[i] ?? 0) - (rb[i] ?? 0);
    return 0;
  };
  const sorted = [...matched].sort(compare);
  const ranked: CertificateModel[] = [];
  for (const model of sorted) {
    if (request.isUsable && !(await request.isUsable(model))) rejected.push({ model, reason: 'invalid' });
    else ranked.push(model);
  }
  const selected = ranked[0];
  if (selected !== undefined && matchedAddress === undefined) matchedAddress = aliasesOf?.(selected).find((alias) => matchingAddress(selected, alias) !== undefined);
  return { selected, matchedAddress: selected ? matchedAddress : undefined, ranked, rejected };
}
