// @vitest-environment jsdom
/**
 * The reader's header fields, rendered with the English catalogue: a field the message
 * does not have (Cc, Date) gets no row, rather than a label beside nothing.
 */
import { h, render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReaderView } from '../../../src/protocol/runtime';
import type { MessageKey, Translate } from '../../../src/ui/platform';
import english from '../../../src/ui/locales/en/messages.json';
import { MessageHeader } from '../../../src/ui/pages/reader/message-header';

const t: Translate = (key: MessageKey, substitutions = []) => {
  const values = typeof substitutions === 'string' ? [substitutions] : substitutions;
  return english[key].message.replace(/\$(\d)/g, (_, n: string) => values[Number(n) - 1] ?? '');
};

const view: ReaderView = {
  sessionId: 's1', from: 'Bob Demo <bob@example.test>', author: null, to: 'alice@example.test', cc: '', subject: 'Quarterly figures',
  date: 'Mon, 7 Dec 2026 10:02:00 +0000', encrypted: true, bareFile: false, signers: [], notices: [], text: 'x', html: null, attachments: [],
};

function labels(shown: ReaderView): string[] {
  const root = document.createElement('div');
  document.body.append(root);
  render(h(MessageHeader, { view: shown, t }), root);
  return [...root.querySelectorAll('dt')].map((dt) => dt.textContent ?? '');
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('MessageHeader', () => {
  it('shows the Date row when the message has a Date', () => {
    expect(labels(view)).toContain(english.readerDate.message);
  });

  it('leaves out the Date and Cc rows when the message has neither', () => {
    const shown = labels({ ...view, date: '' });
    expect(shown).not.toContain(english.readerDate.message);
    expect(shown).not.toContain(english.readerCc.message);
    expect(shown).toContain(english.readerTo.message);
  });
});
