/**
 * What compose writes under each recipient (B6–B8), in the English catalogue's words:
 * where the certificate came from (the address book, or which directory entry), why none
 * can be used, the warning a used certificate carries (B10 checkCrl), every certificate
 * passed over, and a source that could not be searched.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CertificateSummary, RecipientView } from '../../../src/protocol/runtime';
import type { MessageKey, Translate } from '../../../src/ui/platform';
import { recipientLines } from '../../../src/ui/pages/compose/recipient-lines';

const english = JSON.parse(readFileSync(new URL('../../../src/ui/locales/en/messages.json', import.meta.url), 'utf8')) as Record<string, { message: string }>;
const t: Translate = (key: MessageKey, substitutions = []) => {
  const values = typeof substitutions === 'string' ? [substitutions] : substitutions;
  return (english[key]?.message ?? key).replace(/\$(\d)/g, (_, n: string) => values[Number(n) - 1] ?? '');
};

const certificate: CertificateSummary = {
  fingerprint: 'ab'.repeat(32), subject: 'CN=Bob', issuer: 'CN=CA', addresses: ['bob@example.org'], notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2027-01-01T00:00:00.000Z',
};
const person = { kind: 'person' as const, dn: 'cn=Bob,ou=People,dc=example,dc=org' };
const contact = { kind: 'contact' as const, dn: 'cn=Bob,ou=Contacts,dc=example,dc=org' };
const lines = (view: RecipientView | undefined) => {
  const { status, details } = recipientLines('bob@example.org', view, t);
  return [status?.text, ...details.map((d) => d.text)];
};

describe('recipient lines', () => {
  it('says where the certificate came from: the address book, a person\'s or a contact\'s entry', () => {
    expect(lines({ address: 'bob@example.org', state: 'ok', source: 'address-book', certificate }))
      .toEqual(['bob@example.org: certificate found in your address book (CN=Bob, valid until 2027-01-01).']);
    expect(lines({ address: 'bob@example.org', state: 'ok', source: 'directory', entry: person, certificate }))
      .toEqual(['bob@example.org: certificate found in the directory, in the person entry cn=Bob,ou=People,dc=example,dc=org (CN=Bob, valid until 2027-01-01).']);
    expect(lines({ address: 'bob@example.org', state: 'ok', source: 'directory', entry: contact, certificate })[0]).toMatch(/in the contact entry cn=Bob,ou=Contacts/);
  });

  it('lists what was passed over before the certificate used, and the warning it is used despite', () => {
    const view: RecipientView = {
      address: 'bob@example.org', state: 'ok', source: 'directory', entry: contact, certificate,
      warnings: ['no usable CRL'],
      skipped: [
        { source: 'address-book', subject: 'CN=Bob old', reason: 'the certificate expired on 2025-01-01' },
        { source: 'directory', entry: person, subject: '', reason: 'the certificate cannot be decoded' },
      ],
    };
    expect(lines(view).slice(1)).toEqual([
      'bob@example.org: the certificate is used, but: no usable CRL',
      'Passed over: CN=Bob old from your address book: the certificate expired on 2025-01-01',
      'Passed over: an unreadable certificate from the directory\'s person entry cn=Bob,ou=People,dc=example,dc=org: the certificate cannot be decoded',
    ]);
  });

  it('keeps the verdict of an unusable address-book certificate as it was, and names the directory for its own', () => {
    const one = { source: 'address-book' as const, subject: 'CN=Bob', reason: 'revoked' };
    expect(lines({ address: 'bob@example.org', state: 'invalid', source: 'address-book', certificate, detail: 'revoked', skipped: [one] }))
      .toEqual(['bob@example.org: the certificate in your address book cannot be used: revoked']);
    expect(lines({ address: 'bob@example.org', state: 'algorithm', source: 'directory', entry: person, certificate, detail: 'only CBC', skipped: [one, one] }))
      .toEqual([
        'bob@example.org: the certificate in the directory cannot be used with the encryption algorithms allowed: only CBC',
        'Passed over: CN=Bob from your address book: revoked',
        'Passed over: CN=Bob from your address book: revoked',
      ]);
  });

  it('says a source could not be searched, except where the verdict already does', () => {
    const unavailable = ['the directory: connection refused'];
    expect(lines({ address: 'bob@example.org', state: 'ok', source: 'address-book', certificate, unavailable })[1]).toBe('Not searched: the directory: connection refused');
    expect(lines({ address: 'bob@example.org', state: 'none', detail: 'not in your address book; the directory could not be searched: connection refused', unavailable }))
      .toEqual(['bob@example.org: no certificate (not in your address book; the directory could not be searched: connection refused).']);
  });

  it('has nothing to say before the answer, and refuses what cannot be an address', () => {
    expect(recipientLines('bob@example.org', undefined, t)).toEqual({ status: undefined, details: [] });
    expect(recipientLines('x'.repeat(400), undefined, t).status?.good).toBe(false);
  });
});
