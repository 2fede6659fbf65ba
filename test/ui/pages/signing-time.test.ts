// @vitest-environment jsdom
/**
 * The signing time in a signer's banner reads as a time in the user's own format and time
 * zone, not as the raw ISO timestamp, and keeps the exact instant in a <time> element.
 */
import { h, render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { SigningTime } from '../../../src/ui/pages/reader/signer-banner';

function shown(iso: string): HTMLElement {
  const root = document.createElement('div');
  document.body.append(root);
  render(h(SigningTime, { iso }), root);
  return root;
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('signing time', () => {
  it('shows the instant in the user\'s format, with the ISO instant kept for machines', () => {
    const root = shown('2026-12-07T20:18:29.000Z');
    const time = root.querySelector('time');
    expect(time?.getAttribute('datetime')).toBe('2026-12-07T20:18:29.000Z');
    const text = time?.textContent ?? '';
    expect(text).toBe(new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'long' }).format(new Date('2026-12-07T20:18:29Z')));
    expect(text).not.toContain('T20:18');
    expect(text).toContain('2026');
  });

  it('shows a value that is no time as it came', () => {
    expect(shown('not a time').textContent).toBe('not a time');
  });
});
