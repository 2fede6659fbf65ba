import type { ComponentChildren } from 'preact';

export interface Announcement {
  readonly kind: 'info' | 'error';
  readonly text: string;
}

/**
 * Screen readers read polite status changes and assertive errors as they appear; the
 * region itself stays in the DOM so the change is noticed.
 */
export function Announcer({ announcement, children }: { announcement: Announcement | undefined; children?: ComponentChildren }) {
  return (
    <div class="announcer">
      <p role="status" aria-live="polite" class="status-info">{announcement?.kind === 'info' ? announcement.text : ''}</p>
      <p role="alert" class="status-error">{announcement?.kind === 'error' ? announcement.text : ''}</p>
      {children}
    </div>
  );
}
