import { useId, useRef } from 'preact/hooks';
import { bytesToBase64 } from '../../protocol/runtime-bytes';

/** Certificate files are small; a larger pick is a mistake and is refused before reading. */
const maxFileBytes = 2 * 1024 * 1024;

export interface PickedFile {
  readonly name: string;
  readonly base64: string;
}

/** A labelled file picker; the native input keeps keyboard and screen-reader use for free. */
export function FileImport(props: {
  label: string;
  accept: string;
  disabled?: boolean;
  tooLarge: string;
  onFile: (file: PickedFile) => Promise<void>;
  onError: (message: string) => void;
}) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  async function picked(): Promise<void> {
    const file = input.current?.files?.[0];
    if (!file) return;
    try {
      if (file.size > maxFileBytes) {
        props.onError(props.tooLarge);
        return;
      }
      const bytes = new Uint8Array(await file.arrayBuffer());
      await props.onFile({ name: file.name, base64: bytesToBase64(bytes) });
    } finally {
      if (input.current) input.current.value = '';
    }
  }
  return (
    <div class="file-import">
      <label for={id}>{props.label}</label>
      <input id={id} ref={input} type="file" accept={props.accept} disabled={props.disabled} onChange={() => void picked()} />
    </div>
  );
}
