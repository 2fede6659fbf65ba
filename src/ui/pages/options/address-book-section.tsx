/** The address book (B6 step 1): imported and harvested certificates, import and delete. */
import type { AddressBookEntry } from '../../../protocol/runtime';
import { FileImport, type PickedFile } from '../../components/file-import';
import type { Translate } from '../../platform';

export function AddressBookSection({ entries, t, importFile, remove, onError }: {
  entries: readonly AddressBookEntry[];
  t: Translate;
  importFile: (file: PickedFile) => Promise<void>;
  remove: (entry: AddressBookEntry) => Promise<void>;
  onError: (message: string) => void;
}) {
  return (
    <section aria-labelledby="address-book-heading">
      <h2 id="address-book-heading" tabIndex={-1}>{t('addressBookHeading')}</h2>
      {entries.length === 0 ? <p>{t('addressBookEmpty')}</p> : (
        <table data-list="address-book">
          <caption class="visually-hidden">{t('addressBookHeading')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('addressBookAddresses')}</th>
              <th scope="col">{t('addressBookSubject')}</th>
              <th scope="col">{t('addressBookValidUntil')}</th>
              <th scope="col">{t('addressBookSource')}</th>
              <th scope="col"><span class="visually-hidden">{t('addressBookActions')}</span></th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.fingerprint}>
                <td>{entry.addresses.join(', ') || '—'}</td>
                <td>{entry.subject}</td>
                <td>{entry.notAfter.slice(0, 10)}</td>
                <td>{t(entry.source === 'import' ? 'addressBookImported' : 'addressBookHarvested')}</td>
                <td>
                  <button type="button" onClick={() => void remove(entry)} aria-label={t('addressBookDeleteNamed', entry.addresses[0] ?? entry.subject)}>
                    {t('delete')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <FileImport label={t('addressBookImport')} accept=".cer,.crt,.der,.pem,.p7c,.p7b" tooLarge={t('fileTooLarge')} onFile={importFile} onError={onError} />
    </section>
  );
}
