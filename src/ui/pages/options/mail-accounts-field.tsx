/**
 * The mail account of each webmail, one row each: the webmail's origin, its IMAP and SMTP
 * servers as host:port (with /tls for TLS from the first byte) and the login name. The
 * password is never typed here: Cachet asks for it in its own window when first needed.
 */
import { useId, useState } from 'preact/hooks';
import type { MailAccountPolicy, MailServerPolicy, PolicyKey } from '../../../policy';
import type { Translate } from '../../platform';
import { policyLabel } from './policy-field';

interface Row {
  readonly origin: string;
  readonly imap: string;
  readonly smtp: string;
  readonly user: string;
}

const server = (s: MailServerPolicy) => `${s.host}:${s.port}${s.security === 'tls' ? '/tls' : ''}`;
const blank: Row = { origin: '', imap: '', smtp: '', user: '' };

export function MailAccountsField({ name, value, locked, t, save }: {
  name: PolicyKey;
  value: readonly MailAccountPolicy[];
  locked: boolean;
  t: Translate;
  save: (key: PolicyKey, value: unknown) => Promise<void>;
}) {
  const id = useId();
  const [rows, setRows] = useState<Row[]>(() => [
    ...value.map((a) => ({ origin: a.origin, imap: server(a.imap), smtp: server(a.smtp), user: a.user ?? '' })),
    ...(locked ? [] : [blank]),
  ]);
  const edit = (index: number, field: keyof Row, text: string) =>
    setRows((list) => list.map((row, i) => (i === index ? { ...row, [field]: text } : row)));

  function submit(e: Event): void {
    e.preventDefault();
    const filled = rows.filter((r) => r.origin.trim() !== '');
    void save(name, filled.map((r) => ({ origin: r.origin.trim(), imap: r.imap.trim(), smtp: r.smtp.trim(), ...(r.user.trim() ? { user: r.user.trim() } : {}) })));
  }

  const columns: readonly [keyof Row, string, string][] = [
    ['origin', t('mailAccountOrigin'), 'https://mail.example.org'],
    ['imap', t('mailAccountImap'), 'imap.example.org:143'],
    ['smtp', t('mailAccountSmtp'), 'smtp.example.org:587'],
    ['user', t('mailAccountUser'), 'name@example.org'],
  ];
  return (
    <form onSubmit={submit} data-policy-key={name}>
      <fieldset aria-describedby={`${id}-hint`}>
        <legend>{t(policyLabel(name))}</legend>
        <p class="hint" id={`${id}-hint`}>{t(locked ? 'policyLocked' : 'mailAccountsHint')}</p>
        {rows.map((row, index) => (
          <div class="mail-account" key={index}>
            {columns.map(([field, label, placeholder]) => (
              <div class="field" key={field}>
                <label for={`${id}-${index}-${field}`}>{label}</label>
                <input id={`${id}-${index}-${field}`} type="text" inputMode={field === 'origin' ? 'url' : 'text'} value={row[field]} disabled={locked}
                  placeholder={placeholder} autoComplete="off" onInput={(e) => edit(index, field, e.currentTarget.value)} />
              </div>
            ))}
          </div>
        ))}
        {!locked && (
          <div class="actions">
            <button type="button" class="secondary" onClick={() => setRows((list) => [...list, blank])}>{t('mailAccountAdd')}</button>
            <button type="submit">{t('save')}</button>
          </div>
        )}
      </fieldset>
    </form>
  );
}
