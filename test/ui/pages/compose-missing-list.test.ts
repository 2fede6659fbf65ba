/** The B7 warning names each recipient with why their certificate cannot be used (B9). */
import { describe, expect, it } from 'vitest';
import type { RecipientView } from '../../../src/protocol/runtime';
import { missingList } from '../../../src/ui/pages/compose/missing-list';

const views = new Map<string, RecipientView>([
  ['bob@example.test', { address: 'bob@example.test', state: 'invalid', detail: 'the certificate expired on 2026-11-07' }],
  ['carol@example.test', { address: 'carol@example.test', state: 'none', detail: 'not in your address book' }],
  ['dave@example.test', { address: 'dave@example.test', state: 'none' }],
]);

describe('missingList', () => {
  it('gives each address its reason, in the order typed', () => {
    expect(missingList(['carol@example.test', 'bob@example.test'], views))
      .toBe('carol@example.test (not in your address book); bob@example.test (the certificate expired on 2026-11-07)');
  });

  it('gives the bare address when no reason is known yet', () => {
    expect(missingList(['dave@example.test', 'erin@example.test'], views)).toBe('dave@example.test; erin@example.test');
  });
});
