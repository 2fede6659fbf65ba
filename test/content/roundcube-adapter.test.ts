/**
 * The Roundcube adapter against pages saved from Roundcube 1.6.5 (Debian 12) with the
 * Elastic skin (test/content/captures/capture-roundcube.ts made them): it reports what
 * the page holds and nothing more, and reports nothing when its selectors stop matching.
 */
import { describe, expect, it } from 'vitest';
import { roundcubeAdapter } from '../../content/adapters/roundcube/adapter';
import { readRoundcubeEnv } from '../../content/adapters/roundcube/page-env';
import { loadCapture, loadPage } from './capture-dom';

const pages = ['mailbox', 'preview-encrypted', 'preview-signed', 'preview-opaque', 'show-encrypted', 'compose-new', 'compose-reply'];

describe('Roundcube adapter on saved captures', () => {
  it.each(pages)('recognises %s as Roundcube', (name) => {
    expect(roundcubeAdapter.detect(loadCapture(`roundcube-1.6.5/${name}.html`).window.document)).toBe(true);
  });

  it('does not take a plain page for Roundcube', () => {
    expect(roundcubeAdapter.detect(loadPage('<html><body class="task-mail"><p>Hello</p></body></html>').window.document)).toBe(false);
  });

  it.each([
    ['preview-encrypted', 'encrypted'],
    ['preview-opaque', 'encrypted'],
    ['preview-signed', 'signed'],
    ['show-encrypted', 'encrypted'],
  ])('finds the S/MIME message in %s, with its byte-exact raw source URL', (name, kind) => {
    const doc = loadCapture(`roundcube-1.6.5/${name}.html`).window.document;
    const env = readRoundcubeEnv(doc);
    const report = roundcubeAdapter.scan(doc);
    expect(report.composes).toEqual([]);
    expect(report.messages).toHaveLength(1);
    const [view] = report.messages;
    expect(view?.kind).toBe(kind);
    expect(view?.placement).toBe('replace');
    expect(view?.anchor.id).toBe('messagebody');
    expect(view?.key).toBe(`INBOX/${String(env['uid'])}`);
    const url = new URL(view?.source.url ?? '');
    expect(url.origin).toBe('http://127.0.0.1:8025');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      _task: 'mail', _action: 'viewsource', _uid: String(env['uid']), _mbox: 'INBOX', _save: '1', _token: env['request_token'],
    });
  });

  it('reports nothing on the message list', () => {
    expect(roundcubeAdapter.scan(loadCapture('roundcube-1.6.5/mailbox.html').window.document)).toEqual({ messages: [], composes: [] });
  });

  it('reads a new compose form', () => {
    const doc = loadCapture('roundcube-1.6.5/compose-new.html').window.document;
    const [view, ...more] = roundcubeAdapter.scan(doc).composes;
    expect(more).toEqual([]);
    expect(view?.toolbar.id).toBe('toolbar-menu');
    expect(view?.alsoHidden.slice(0, 2).map((e) => e.id || e.className)).toEqual(['layout-sidebar', 'formbuttons']);
    // Every item of Roundcube's compose toolbar: each works on the form Cachet's frame stands in for.
    expect(view?.alsoHidden.slice(2).map((e) => e.querySelector('a')?.className ?? e.className)).toEqual([
      'options', 'save draft', 'spacer', 'attach', 'signature disabled', 'responses active', 'encrypt disabled',
    ]);
    expect(view?.editor.id).toBe('composebodycontainer');
    expect(view?.mode).toBe('new');
    expect(view?.original).toBeUndefined();
    expect(view?.readFields()).toEqual({ from: 'carol@example.test', to: [], cc: [], bcc: [], subject: '' });
    expect(view?.doneUrl).toBe('http://127.0.0.1:8025/?_task=mail&_mbox=INBOX');
    expect(view?.savedDraft?.()).toBeUndefined();
  });

  it('names the draft Roundcube saved of the form, to delete once Cachet has sent', () => {
    const doc = loadCapture('roundcube-1.6.5/compose-new.html').window.document;
    const [view] = roundcubeAdapter.scan(doc).composes;
    const draftId = doc.querySelector('input[name="_draft_saveid"]') as HTMLInputElement;
    // Roundcube's Save fills in the saved draft's UID (app.js set_draft_id); each save a new one.
    draftId.value = '12';
    expect(view?.savedDraft?.()).toEqual({
      url: 'http://127.0.0.1:8025/?_task=mail&_action=delete',
      form: { _uid: '12', _mbox: 'Drafts', _remote: '1' },
      headers: { 'X-Roundcube-Request': 'ybIZ9oL4jWJcRUZg2JzYmbQPYApgAMnv' },
    });
    draftId.value = '13';
    expect(view?.savedDraft?.()?.form['_uid']).toBe('13');
    // Only one plain UID: "*" would be every draft, and a list more than this form saved.
    for (const odd of ['*', '1:*', '12,13', '0', ' 12', '12345678901']) {
      draftId.value = odd;
      expect(view?.savedDraft?.()).toBeUndefined();
    }
  });

  it('names no draft to delete without a Drafts folder or a request token', () => {
    for (const [from, to] of [['"drafts_mailbox"', '"drafts_mailbox_2"'], ['"request_token"', '"request_token_2"']] as const) {
      const doc = loadCapture('roundcube-1.6.5/compose-new.html', (html) => html.replaceAll(from, to)).window.document;
      (doc.querySelector('input[name="_draft_saveid"]') as HTMLInputElement).value = '12';
      expect(roundcubeAdapter.scan(doc).composes[0]?.savedDraft?.()).toBeUndefined();
    }
  });

  it('reads what the user typed since, and a reply\'s recipients and subject', () => {
    const doc = loadCapture('roundcube-1.6.5/compose-reply.html').window.document;
    const [view] = roundcubeAdapter.scan(doc).composes;
    expect(view?.mode).toBe('reply');
    expect(view?.readFields()).toMatchObject({ to: ['Alice@example.com'], subject: 'Re: enveloped' });
    (doc.querySelector('textarea[name="_cc"]') as HTMLTextAreaElement).value = '"Doe, Dave" <dave@example.test>, eve@example.test';
    expect(view?.readFields().cc).toEqual(['"Doe, Dave" <dave@example.test>', 'eve@example.test']);
    // The corpus message has no Message-ID: Roundcube's made-up "mid:1" names nothing to fetch.
    expect(view?.original).toBeUndefined();
  });

  it('names a reply\'s original by its Message-ID when it has one', () => {
    const doc = loadCapture('roundcube-1.6.5/compose-reply.html', (html) => html.replace('"reply_msgid":"mid:1"', '"reply_msgid":"<abc.123@example.test>"')).window.document;
    expect(roundcubeAdapter.scan(doc).composes[0]?.original).toEqual({ messageId: '<abc.123@example.test>' });
  });

  it.each([
    ['the body container', 'preview-encrypted', 'id="messagebody"', 'id="message-body-2"'],
    ['the attachment list', 'preview-encrypted', 'id="attachment-list"', 'id="attachments-2"'],
    ['the request token', 'preview-encrypted', '"request_token"', '"request_token_2"'],
    ['the compose toolbar', 'compose-new', 'id="toolbar-menu"', 'id="toolbar-2"'],
    ['the editor', 'compose-new', 'id="composebodycontainer"', 'id="editor-2"'],
  ])('reports nothing when %s is no longer found', (_what, name, from, to) => {
    const doc = loadCapture(`roundcube-1.6.5/${name}.html`, (html) => html.replaceAll(from, to)).window.document;
    expect(roundcubeAdapter.scan(doc)).toEqual({ messages: [], composes: [] });
  });

  it('survives hostile settings in the page', () => {
    const doc = loadPage(`<html><body class="task-mail action-preview"><script src="program/js/app.min.js"></script>
      <script>rcmail.set_env({"uid":{"x":1},"mailbox":"${'a'.repeat(5000)}","request_token":"t"}); rcmail.set_env({"unclosed": "</script>
      <ul id="attachment-list"><li class="application pkcs7-mime"><span class="attachment-name">smime.p7m</span></li></ul>
      <div id="messagebody"></div></body></html>`).window.document;
    expect(() => roundcubeAdapter.scan(doc)).not.toThrow();
    expect(roundcubeAdapter.scan(doc).messages).toEqual([]);
  });
});

describe('Roundcube adapter on the mailbox list\'s selection', () => {
  const selecting = (...ids: string[]) => (html: string) =>
    ids.reduce((page, id) => page.replace(`<tr id="${id}" class="message unread`, `<tr id="${id}" class="message unread selected`), html);
  const previewSource = (name: string) => roundcubeAdapter.scan(loadCapture(`roundcube-1.6.5/${name}.html`).window.document).messages[0]?.source.url;

  it.each([
    ['rcmrowMQ', 'preview-encrypted'],
    ['rcmrowMw', 'preview-opaque'],
    ['rcmrowMg', 'preview-signed'],
  ])('names the raw source of the S/MIME message in row %s exactly as its preview (%s) will', (row, preview) => {
    const doc = loadCapture('roundcube-1.6.5/mailbox.html', selecting(row)).window.document;
    const url = roundcubeAdapter.selectedSource?.(doc);
    expect(url).toBeDefined();
    expect(url).toBe(previewSource(preview));
  });

  it('names nothing for two selected, or for none', () => {
    for (const rows of [['rcmrowMQ', 'rcmrowMw'], []]) {
      const doc = loadCapture('roundcube-1.6.5/mailbox.html', selecting(...rows)).window.document;
      expect(roundcubeAdapter.selectedSource?.(doc), rows.join()).toBeUndefined();
    }
  });

  it('reads a message with a paperclip ahead only while it is under 1 MB, and one without any icon never', () => {
    const sized = (size: string) => (html: string) => selecting('rcmrowMg')(html)
      .replace(/(id="rcmrowMg"[^]*?<span class="size skip-on-drag">)3 KB</, (_, before: string) => `${before}${size}<`);
    const named = (size: string) => roundcubeAdapter.selectedSource?.(loadCapture('roundcube-1.6.5/mailbox.html', sized(size)).window.document);
    expect(named('1023 KB')).toBeDefined();
    expect(named('900 B')).toBeDefined();
    for (const size of ['1.0 MB', '12 MB', '1024 KB', '', 'about 3 KB']) expect(named(size), size).toBeUndefined();
    const bare = loadCapture('roundcube-1.6.5/mailbox.html', (html) => selecting('rcmrowMg')(html)
      .replace(/(id="rcmrowMg"[^]*?)<span class="attachment"><span class="attachment" title="With attachment"><\/span><\/span>/, (_, before: string) => `${before}&nbsp;`)).window.document;
    expect(roundcubeAdapter.selectedSource?.(bare)).toBeUndefined();
  });

  it('takes only a plain UID from the row id', () => {
    // Roundcube's search across folders names rows "uid-folder"; base64url of "1-Archive" here.
    const doc = loadCapture('roundcube-1.6.5/mailbox.html', (html) => selecting('rcmrowMQ')(html).replace('id="rcmrowMQ"', 'id="rcmrowMS1BcmNoaXZl"')).window.document;
    expect(roundcubeAdapter.selectedSource?.(doc)).toBeUndefined();
  });
});
