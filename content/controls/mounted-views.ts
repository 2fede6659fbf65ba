/**
 * Keeps the page's controls in step with what the adapter reports: a view seen for the
 * first time gets its control, a view that is gone loses it, and a view that is still
 * there is left alone. A selector that stops matching so removes Cachet's controls and
 * gives the webmail its own elements back.
 */
export interface KeyedView {
  readonly key: string;
}

export interface MountedViews<V extends KeyedView> {
  /** Returns true when anything was mounted or unmounted. */
  update(views: readonly V[]): boolean;
  clear(): void;
}

export function createMountedViews<V extends KeyedView>(mount: (view: V) => () => void, anchorOf: (view: V) => Element): MountedViews<V> {
  const mounted = new Map<string, { readonly anchor: Element; readonly unmount: () => void }>();

  function unmount(key: string): void {
    const entry = mounted.get(key);
    mounted.delete(key);
    try {
      entry?.unmount();
    } catch {
      // The page may already have removed our elements; nothing is left to undo.
    }
  }

  return {
    update(views) {
      let changed = false;
      const seen = new Set<string>();
      for (const view of views) {
        if (seen.has(view.key)) continue;
        seen.add(view.key);
        const entry = mounted.get(view.key);
        // The webmail may render the same message again into a new element.
        if (entry && entry.anchor === anchorOf(view) && entry.anchor.isConnected) continue;
        if (entry) unmount(view.key);
        mounted.set(view.key, { anchor: anchorOf(view), unmount: mount(view) });
        changed = true;
      }
      for (const key of [...mounted.keys()]) {
        if (!seen.has(key)) {
          unmount(key);
          changed = true;
        }
      }
      return changed;
    },
    clear() {
      for (const key of [...mounted.keys()]) unmount(key);
    },
  };
}
