import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { policyKeys } from '../../src/policy';

type Catalogue = Record<string, { message: string; description?: string }>;
const load = (lang: string) => JSON.parse(readFileSync(new URL(`../../src/ui/locales/${lang}/messages.json`, import.meta.url), 'utf8')) as Catalogue;
const en = load('en');
const de = load('de');

/** The $1…$9 substitutions a message uses, which every translation must keep. */
const substitutions = (message: string) => [...message.matchAll(/\$(\d)/g)].map((m) => m[1]).sort();

describe('locales', () => {
  it('German has exactly the English keys', () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });

  it('every translation keeps the substitutions of the English message', () => {
    for (const [key, entry] of Object.entries(en)) {
      expect(substitutions(de[key]?.message ?? ''), key).toEqual(substitutions(entry.message));
    }
  });

  it('uses only names browsers accept and no empty messages', () => {
    for (const [key, entry] of Object.entries(en)) {
      expect(key).toMatch(/^[A-Za-z0-9_]+$/);
      expect(entry.message.trim(), key).not.toBe('');
    }
  });

  it('labels every policy key', () => {
    for (const key of policyKeys) expect(en[`policy_${key}`], key).toBeDefined();
  });
});
