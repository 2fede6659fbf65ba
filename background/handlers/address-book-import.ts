import { base64ToBytes } from '../../src/protocol/runtime-bytes';
import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

/** The file name is only for messages; the bytes decide the format. */
export const addressBookImport = ({ addressBook }: BackgroundServices): Handler<'address-book/import'> =>
  ({ data }) => addressBook.importFile(base64ToBytes(data));
