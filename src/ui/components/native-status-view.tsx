import type { NativeHostState, NativeStatus } from '../../protocol/runtime';
import type { MessageKey, Translate } from '../platform';
import type { RequestState } from './use-request';

const stateText: Record<NativeHostState, MessageKey> = {
  connected: 'nativeConnected',
  'not-installed': 'nativeNotInstalled',
  forbidden: 'nativeForbidden',
  'failed-to-start': 'nativeFailedToStart',
  exited: 'nativeExited',
  error: 'nativeError',
};

const fixText: Record<NativeHostState, MessageKey | undefined> = {
  connected: undefined,
  'not-installed': 'nativeFixNotInstalled',
  forbidden: 'nativeFixForbidden',
  'failed-to-start': 'nativeFixFailedToStart',
  exited: 'nativeFixExited',
  error: 'nativeFixError',
};

/** The native host's state and, when something is wrong, what to do about it. */
export function NativeStatusView({ state, pending, t, onRecheck }: {
  state: RequestState<NativeStatus>;
  pending: boolean;
  t: Translate;
  onRecheck?: () => void;
}) {
  let body;
  if (state.status === 'loading' || pending) body = <p>{t('nativeChecking')}</p>;
  else if (state.status === 'failed') body = <p class="bad">{state.message}</p>;
  else {
    const fix = fixText[state.value.state];
    body = (
      <>
        <p class={state.value.state === 'connected' ? 'good' : 'bad'} data-native-state={state.value.state}>
          {t(stateText[state.value.state])}
        </p>
        {fix && <p class="fix">{t(fix)}</p>}
        {state.value.state !== 'connected' && <p class="detail">{t('nativeBrowserSaid', state.value.detail)}</p>}
      </>
    );
  }
  return (
    <div class="native-status" aria-busy={pending}>
      {body}
      {onRecheck && (
        <button type="button" onClick={onRecheck} disabled={pending}>
          {t('nativeRecheck')}
        </button>
      )}
    </div>
  );
}
