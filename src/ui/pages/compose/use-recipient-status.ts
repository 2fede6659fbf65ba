/**
 * Live certificate status of every recipient typed so far (B6–B8), asked of the
 * background a moment after typing stops: validation may fetch revocation data, so
 * asking on every key press would queue needless work.
 */
import { useEffect, useState } from 'preact/hooks';
import type { RecipientView, RuntimeSend } from '../../../protocol/runtime';
import { errorText } from '../../components/error-text';

const debounceMs = 400;
/** The background refuses longer entries; they cannot be addresses anyway. */
export const maxEntryLength = 320;

export interface RecipientStatus {
  readonly views: ReadonlyMap<string, RecipientView>;
  /** True from the first key press until the answer for what is typed now arrives. */
  readonly pending: boolean;
  readonly error: string | undefined;
}

export function useRecipientStatus(send: RuntimeSend, entries: readonly string[]): RecipientStatus {
  const [views, setViews] = useState<ReadonlyMap<string, RecipientView>>(new Map());
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const key = entries.join('\n');

  useEffect(() => {
    const addresses = [...new Set(entries)].filter((entry) => entry.length <= maxEntryLength);
    if (addresses.length === 0) {
      setViews(new Map());
      setPending(false);
      return undefined;
    }
    let current = true;
    setPending(true);
    const timer = setTimeout(() => {
      send('compose/recipients', { addresses }).then(
        ({ recipients }) => {
          if (!current) return;
          setViews(new Map(recipients.map((view) => [view.address, view])));
          setError(undefined);
        },
        (failure: unknown) => current && setError(errorText(failure)),
      ).finally(() => current && setPending(false));
    }, debounceMs);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // `entries` is a new array on every render; its joined text is what changes.
  }, [key]);

  return { views, pending, error };
}
