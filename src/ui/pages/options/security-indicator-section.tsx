/**
 * Where the user sees and chooses their personal security indicator: a phrase, a colour and
 * a sign, which Cachet's reader and compose frames show at their top and a webmail page
 * cannot (src/ui/components/security-indicator.tsx). Cachet draws one at random on first
 * use, so this section says that it can be changed.
 */
import { useEffect, useId, useState } from 'preact/hooks';
import type { RuntimeSend } from '../../../protocol/runtime';
import { INDICATOR_COLOURS, INDICATOR_GLYPHS, MAX_PHRASE_LENGTH, type SecurityIndicator } from '../../../protocol/security-indicator';
import { colourName, IndicatorSwatch, SecurityIndicatorBadge } from '../../components/security-indicator';
import { useRequest } from '../../components/use-request';
import type { Translate } from '../../platform';

function IndicatorForm({ saved, t, save }: {
  saved: SecurityIndicator;
  t: Translate;
  save: (indicator: SecurityIndicator) => Promise<void>;
}) {
  const phraseId = useId();
  const glyphId = useId();
  const [draft, setDraft] = useState(saved);
  useEffect(() => setDraft(saved), [saved]);
  const preview = { ...draft, phrase: draft.phrase.trim() || saved.phrase };
  return (
    <form onSubmit={(e) => {
      e.preventDefault();
      void save({ ...draft, phrase: draft.phrase.trim() });
    }}>
      <p class="hint">{t('indicatorPreview')}</p>
      <SecurityIndicatorBadge indicator={preview} t={t} />
      <div class="field">
        <label for={phraseId}>{t('indicatorPhrase')}</label>
        <input id={phraseId} type="text" required maxLength={MAX_PHRASE_LENGTH} size={40} value={draft.phrase}
          onInput={(e) => setDraft({ ...draft, phrase: e.currentTarget.value })} />
      </div>
      <fieldset>
        <legend>{t('indicatorColour')}</legend>
        {INDICATOR_COLOURS.map((colour) => (
          <label class="choice" key={colour}>
            <input type="radio" name="indicator-colour" value={colour} checked={draft.colour === colour}
              onChange={() => setDraft({ ...draft, colour })} />
            {' '}<IndicatorSwatch colour={colour} glyph={draft.glyph} /> {t(colourName[colour])}
          </label>
        ))}
      </fieldset>
      <div class="field">
        <label for={glyphId}>{t('indicatorGlyph')}</label>
        <select id={glyphId} value={draft.glyph} onChange={(e) => setDraft({ ...draft, glyph: e.currentTarget.value })}>
          {INDICATOR_GLYPHS.map((glyph) => <option key={glyph} value={glyph}>{glyph}</option>)}
        </select>
      </div>
      <div class="actions">
        <button type="submit">{t('indicatorSave')}</button>
      </div>
    </form>
  );
}

export function SecurityIndicatorSection({ send, t, say, fail }: {
  send: RuntimeSend;
  t: Translate;
  say: (text: string) => void;
  fail: (error: unknown) => void;
}) {
  const indicator = useRequest(() => send('indicator/get', {}));
  async function save(next: SecurityIndicator): Promise<void> {
    try {
      indicator.set(await send('indicator/set', next));
      say(t('saved'));
    } catch (error) {
      fail(error);
    }
  }
  return (
    <section aria-labelledby="indicator-heading">
      <h2 id="indicator-heading" tabIndex={-1}>{t('indicatorHeading')}</h2>
      <p>{t('indicatorExplain')}</p>
      <p class="hint">{t('indicatorChangeHint')}</p>
      {indicator.state.status === 'ready'
        ? <IndicatorForm saved={indicator.state.value} t={t} save={save} />
        : <p>{indicator.state.status === 'failed' ? indicator.state.message : t('loading')}</p>}
    </section>
  );
}
