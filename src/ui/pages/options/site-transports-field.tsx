/**
 * For each webmail, which transport sends its secure mail and which fetches its raw
 * messages (background/transports/), one row each; JMAP rows also name the server.
 */
import { useId, useState } from 'preact/hooks';
import { normaliseOrigin, transportNames, type PolicyKey, type SiteTransportPolicy, type TransportName } from '../../../policy';
import { jmapServiceOrigin } from '../../../policy/host-permissions';
import { normaliseServiceUrl } from '../../../policy/validate-transports';
import type { MessageKey, Translate } from '../../platform';
import { policyLabel, type SavePolicy } from './policy-field';

export interface Row {
  readonly origin: string;
  readonly send: TransportName;
  readonly fetch: TransportName;
  readonly jmapUrl: string;
  readonly jmapUser: string;
}

const transportLabel: Readonly<Record<TransportName, MessageKey>> = {
  'host-mail': 'transportHostMail',
  gmail: 'transportGmail',
  graph: 'transportGraph',
  jmap: 'transportJmap',
};

/**
 * The rows as the policy check takes them (empty rows left out, JMAP fields only where
 * JMAP is chosen), and the JMAP servers whose host permission the save asks for.
 */
export function siteTransportsInput(rows: readonly Row[]): { value: unknown[]; serviceOrigins: string[] } {
  const filled = rows.filter((r) => r.origin.trim() !== '');
  const usesJmap = (r: Row) => r.send === 'jmap' || r.fetch === 'jmap';
  const servers = filled.filter(usesJmap).map((r) => {
    const origin = normaliseOrigin(r.origin.trim());
    const jmapUrl = normaliseServiceUrl(r.jmapUrl.trim());
    return origin === undefined || jmapUrl === undefined ? undefined : jmapServiceOrigin({ origin, jmapUrl });
  });
  return {
    value: filled.map((r) => ({
      origin: r.origin.trim(), send: r.send, fetch: r.fetch,
      ...(usesJmap(r) ? { jmapUrl: r.jmapUrl.trim(), ...(r.jmapUser.trim() ? { jmapUser: r.jmapUser.trim() } : {}) } : {}),
    })),
    serviceOrigins: [...new Set(servers.filter((o): o is string => o !== undefined))],
  };
}

const blank: Row = { origin: '', send: 'host-mail', fetch: 'host-mail', jmapUrl: '', jmapUser: '' };

export function SiteTransportsField({ name, value, locked, t, save }: {
  name: PolicyKey;
  value: readonly SiteTransportPolicy[];
  locked: boolean;
  t: Translate;
  save: SavePolicy;
}) {
  const id = useId();
  const [rows, setRows] = useState<Row[]>(() => [
    ...value.map((s) => ({ origin: s.origin, send: s.send, fetch: s.fetch, jmapUrl: s.jmapUrl ?? '', jmapUser: s.jmapUser ?? '' })),
    ...(locked ? [] : [blank]),
  ]);
  const edit = <F extends keyof Row>(index: number, field: F, input: Row[F]) =>
    setRows((list) => list.map((row, i) => (i === index ? { ...row, [field]: input } : row)));

  function submit(e: Event): void {
    e.preventDefault();
    const { value: input, serviceOrigins } = siteTransportsInput(rows);
    void save(name, input, serviceOrigins);
  }

  const choice = (index: number, row: Row, field: 'send' | 'fetch', label: MessageKey) => (
    <div class="field">
      <label for={`${id}-${index}-${field}`}>{t(label)}</label>
      <select id={`${id}-${index}-${field}`} value={row[field]} disabled={locked}
        onChange={(e) => edit(index, field, e.currentTarget.value as TransportName)}>
        {transportNames.map((n) => <option key={n} value={n}>{t(transportLabel[n])}</option>)}
      </select>
    </div>
  );
  const text = (index: number, row: Row, field: 'origin' | 'jmapUrl' | 'jmapUser', label: MessageKey, placeholder: string) => (
    <div class="field">
      <label for={`${id}-${index}-${field}`}>{t(label)}</label>
      <input id={`${id}-${index}-${field}`} type="text" inputMode={field === 'jmapUser' ? 'text' : 'url'} value={row[field]} disabled={locked}
        placeholder={placeholder} autoComplete="off" onInput={(e) => edit(index, field, e.currentTarget.value)} />
    </div>
  );
  return (
    <form onSubmit={submit} data-policy-key={name}>
      <fieldset aria-describedby={`${id}-hint`}>
        <legend>{t(policyLabel(name))}</legend>
        <p class="hint" id={`${id}-hint`}>{t(locked ? 'policyLocked' : 'siteTransportsHint')}</p>
        {rows.map((row, index) => (
          <div class="mail-account site-transport" key={index}>
            {text(index, row, 'origin', 'siteTransportOrigin', 'https://mail.google.com')}
            {choice(index, row, 'send', 'siteTransportSend')}
            {choice(index, row, 'fetch', 'siteTransportFetch')}
            {(row.send === 'jmap' || row.fetch === 'jmap') && text(index, row, 'jmapUrl', 'siteTransportJmapUrl', 'https://jmap.example.org')}
            {(row.send === 'jmap' || row.fetch === 'jmap') && text(index, row, 'jmapUser', 'siteTransportJmapUser', 'name@example.org')}
          </div>
        ))}
        {!locked && (
          <div class="actions">
            <button type="button" class="secondary" onClick={() => setRows((list) => [...list, blank])}>{t('siteTransportAdd')}</button>
            <button type="submit">{t('save')}</button>
          </div>
        )}
      </fieldset>
    </form>
  );
}
