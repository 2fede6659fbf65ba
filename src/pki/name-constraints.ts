import { attributeTexts, nameWithinSubtree } from './distinguished-name';
import type { GeneralName } from './general-name';
import { OID } from './oids';
import type { ParsedCertificate } from './parsed-certificate';

/**
 * permitted_subtrees and excluded_subtrees of RFC 5280 §6.1.2 (b)–(c). Instead of
 * computing intersections (§6.1.4 (g)(i)), each CA's permitted set is kept and a name must
 * satisfy every set that constrains its form: the same outcome, and simpler to get right.
 */
export class NameConstraintState {
  private readonly permittedSets: (readonly GeneralName[])[] = [];
  private readonly excluded: GeneralName[] = [];

  add(cert: ParsedCertificate): void {
    const nc = cert.nameConstraints;
    if (!nc) return;
    if (nc.permitted) this.permittedSets.push(nc.permitted);
    // Loops, not push(...list): a list spread into a call overflows the stack past ~100,000 items.
    if (nc.excluded) for (const name of nc.excluded) this.excluded.push(name);
  }

  /** §6.1.3 (b)–(c): returns a message when a name of `cert` is outside the constraints. */
  check(cert: ParsedCertificate): string | undefined {
    if (this.permittedSets.length === 0 && this.excluded.length === 0) return undefined;
    const names: GeneralName[] = [];
    if (cert.subject.rdns.length > 0) names.push({ kind: 'directory', name: cert.subject });
    for (const name of cert.subjectAltNames ?? []) names.push(name);
    // §4.2.1.10: rfc822Name constraints apply to emailAddress in the subject when there is
    // no subjectAltName; applying them always is stricter and closes the same hole.
    for (const email of attributeTexts(cert.subject, OID.emailAddress)) names.push({ kind: 'rfc822', value: email });
    for (const name of names) {
      // §4.2.1.10: a constrained name form that cannot be processed must reject the certificate.
      if (name.kind === 'other' && [...this.permittedSets.flat(), ...this.excluded].some((c) => sameKind(c, name))) {
        return `${describe(name)} is constrained in a form that is not supported`;
      }
      for (const set of this.permittedSets) {
        const sameForm = set.filter((c) => sameKind(c, name));
        if (sameForm.length > 0 && !sameForm.some((c) => matches(c, name))) return `${describe(name)} is not within the permitted subtrees`;
      }
      const hit = this.excluded.find((c) => sameKind(c, name) && matches(c, name));
      if (hit) return `${describe(name)} is within an excluded subtree`;
    }
    return undefined;
  }
}

function sameKind(a: GeneralName, b: GeneralName): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind !== 'other' || (b.kind === 'other' && a.tag === b.tag);
}

function describe(name: GeneralName): string {
  switch (name.kind) {
    case 'rfc822': case 'dns': case 'uri': return `${name.kind} ${name.value}`;
    case 'ip': return `ip ${[...name.bytes].join('.')}`;
    case 'directory': return 'subject name';
    case 'other': return `name form ${name.tag}`;
  }
}

function domainWithin(domain: string, constraint: string): boolean {
  const d = domain.toLowerCase();
  const c = constraint.toLowerCase();
  if (c.length === 0) return true;
  if (c.startsWith('.')) return d.endsWith(c);
  return d === c || d.endsWith('.' + c);
}

function rfc822Matches(constraint: string, address: string): boolean {
  const at = address.lastIndexOf('@');
  if (at < 0) return false;
  const domain = address.slice(at + 1).toLowerCase();
  if (constraint.includes('@')) {
    // A whole mailbox: local part exact, domain case-insensitive.
    const cAt = constraint.lastIndexOf('@');
    return address.slice(0, at) === constraint.slice(0, cAt) && domain === constraint.slice(cAt + 1).toLowerCase();
  }
  // "example.com" is that host only; ".example.com" any host below it (§4.2.1.10).
  if (constraint.startsWith('.')) return domain.endsWith(constraint.toLowerCase());
  return domain === constraint.toLowerCase();
}

function uriHost(uri: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(uri);
  return m?.[1] || undefined;
}

function uriMatches(constraint: string, uri: string): boolean {
  const host = uriHost(uri);
  if (!host) return false;
  const c = constraint.toLowerCase();
  const h = host.toLowerCase();
  // For URIs a constraint without a leading dot names one host exactly (§4.2.1.10).
  return c.startsWith('.') ? h.endsWith(c) : h === c;
}

function ipMatches(constraint: Uint8Array, address: Uint8Array): boolean {
  if (constraint.length !== address.length * 2) return false;
  for (let i = 0; i < address.length; i++) {
    const mask = constraint[address.length + i] ?? 0;
    if (((address[i] ?? 0) & mask) !== ((constraint[i] ?? 0) & mask)) return false;
  }
  return true;
}

function matches(constraint: GeneralName, name: GeneralName): boolean {
  if (constraint.kind === 'rfc822' && name.kind === 'rfc822') return rfc822Matches(constraint.value, name.value);
  if (constraint.kind === 'dns' && name.kind === 'dns') return domainWithin(name.value, constraint.value);
  if (constraint.kind === 'uri' && name.kind === 'uri') return uriMatches(constraint.value, name.value);
  if (constraint.kind === 'ip' && name.kind === 'ip') return ipMatches(constraint.bytes, name.bytes);
  if (constraint.kind === 'directory' && name.kind === 'directory') return nameWithinSubtree(name.name, constraint.name);
  return false;
}
