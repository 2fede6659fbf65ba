/**
 * The personal security indicator at the top of Cachet's reader and compose pages, which
 * webmail pages frame: the user's phrase beside a swatch with their glyph. Only Cachet's own
 * pages can ask the background for it (background/allow-list.ts), and the framing page cannot
 * look into the frame, so a page that imitates Cachet's frame cannot show it.
 */
import './security-indicator.css';
import type { RuntimeSend } from '../../protocol/runtime';
import type { IndicatorColour, SecurityIndicator } from '../../protocol/security-indicator';
import type { MessageKey, Translate } from '../platform';
import { useRequest } from './use-request';

export const colourName: Readonly<Record<IndicatorColour, MessageKey>> = {
  red: 'indicatorColour_red',
  orange: 'indicatorColour_orange',
  yellow: 'indicatorColour_yellow',
  green: 'indicatorColour_green',
  teal: 'indicatorColour_teal',
  blue: 'indicatorColour_blue',
  purple: 'indicatorColour_purple',
  grey: 'indicatorColour_grey',
};

/** A swatch with a glyph; decorative beside the words that say the same. */
export function IndicatorSwatch({ colour, glyph }: { colour: IndicatorColour; glyph: string }) {
  return <span class={`indicator-swatch indicator-${colour}`} aria-hidden="true">{glyph}</span>;
}

export function SecurityIndicatorBadge({ indicator, t }: { indicator: SecurityIndicator; t: Translate }) {
  return (
    <aside class="security-indicator" aria-label={t('indicatorLabel')} data-colour={indicator.colour} data-glyph={indicator.glyph}>
      <IndicatorSwatch colour={indicator.colour} glyph={indicator.glyph} />
      <span class="security-indicator-text">
        {t('indicatorYourPhrase', indicator.phrase)}
        <span class="visually-hidden"> ({t(colourName[indicator.colour])}, {indicator.glyph})</span>
      </span>
    </aside>
  );
}

/** The badge as a page shows it at its top: asked for once; nothing while it loads. */
export function SecurityIndicatorHeader({ send, t }: { send: RuntimeSend; t: Translate }) {
  const indicator = useRequest(() => send('indicator/get', {}));
  if (indicator.state.status === 'loading') return null;
  if (indicator.state.status === 'failed') return <p class="security-indicator hint">{t('indicatorUnavailable')}</p>;
  return <SecurityIndicatorBadge indicator={indicator.state.value} t={t} />;
}
