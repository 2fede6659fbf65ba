/**
 * Attachments: a native file picker (keyboard and screen readers work with it as they
 * do everywhere) and the list of files picked, each with a Remove button that names it.
 */
import { useId, useRef } from 'preact/hooks';
import { bytesToBase64 } from '../../../protocol/runtime-bytes';
import type { Translate } from '../../platform';

export interface PickedAttachment {
  readonly key: string;
  readonly fileName: string;
  readonly mediaType: string;
  readonly size: number;
  /** base64, as compose/build takes it. */
  readonly data: string;
}

/**
 * The whole message travels in one runtime message; 25 MiB of attachments is the size
 * Cachet is measured at (DESIGN.md, Performance) and stays well inside the browser's limit.
 */
export const maxAttachmentBytes = 25 * 1024 * 1024;

/** compose/build accepts `type/subtype` of token characters; anything else is sent as plain octets. */
function mediaTypeOf(file: File): string {
  return /^[\w.+-]+\/[\w.+-]+$/.test(file.type) ? file.type : 'application/octet-stream';
}

function sizeText(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KiB`;
  return `${(size / 1024 / 1024).toFixed(1)} MiB`;
}

let counter = 0;

export function AttachmentList({ attachments, t, onAdd, onRemove, onError }: {
  attachments: readonly PickedAttachment[];
  t: Translate;
  onAdd: (picked: PickedAttachment[]) => void;
  onRemove: (attachment: PickedAttachment) => void;
  onError: (message: string) => void;
}) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);

  async function picked(): Promise<void> {
    const files = Array.from(input.current?.files ?? []);
    try {
      let total = attachments.reduce((sum, a) => sum + a.size, 0);
      const added: PickedAttachment[] = [];
      for (const file of files) {
        total += file.size;
        if (total > maxAttachmentBytes) {
          onError(t('composeAttachmentTooLarge', file.name));
          break;
        }
        const data = bytesToBase64(new Uint8Array(await file.arrayBuffer()));
        added.push({ key: `attachment-${++counter}`, fileName: file.name, mediaType: mediaTypeOf(file), size: file.size, data });
      }
      if (added.length > 0) onAdd(added);
    } finally {
      if (input.current) input.current.value = '';
    }
  }

  return (
    <fieldset class="attachments">
      <legend>{t('composeAttachments')}</legend>
      {attachments.length === 0 ? <p class="hint">{t('composeNoAttachments')}</p> : (
        <ul data-list="attachments">
          {attachments.map((attachment) => (
            <li key={attachment.key}>
              <span class="file-name">{attachment.fileName}</span> <span class="hint">({sizeText(attachment.size)})</span>{' '}
              <button type="button" onClick={() => onRemove(attachment)} aria-label={t('composeAttachmentRemove', attachment.fileName)}>
                {t('remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="file-import">
        <label for={id}>{t('composeAttach')}</label>
        <input id={id} ref={input} type="file" multiple onChange={() => void picked()} />
      </div>
    </fieldset>
  );
}
