import { useCallback, useEffect, useState } from 'preact/hooks';
import { errorText } from './error-text';

export type RequestState<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly value: T }
  | { readonly status: 'failed'; readonly message: string };

export interface Request<T> {
  /** The last answer; a reload keeps it on screen, so focus and scroll stay where they were. */
  readonly state: RequestState<T>;
  /** True while a request is in flight, for aria-busy and disabled buttons. */
  readonly pending: boolean;
  readonly reload: () => void;
  /** Replaces the value with one an edit returned, without asking again. */
  readonly set: (value: T) => void;
}

export function useRequest<T>(load: () => Promise<T>): Request<T> {
  const [state, setState] = useState<RequestState<T>>({ status: 'loading' });
  const [pending, setPending] = useState(true);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setPending(true);
    load().then(
      (value) => current && setState({ status: 'ready', value }),
      (error: unknown) => current && setState({ status: 'failed', message: errorText(error) }),
    ).finally(() => current && setPending(false));
    return () => {
      current = false;
    };
    // `load` is recreated on every render by callers; `generation` is the real trigger.
  }, [generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const set = useCallback((value: T) => setState({ status: 'ready', value }), []);
  return { state, pending, reload, set };
}
