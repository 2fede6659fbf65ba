import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

export const addressBookList = ({ addressBook }: BackgroundServices): Handler<'address-book/list'> =>
  async () => ({ entries: await addressBook.list() });
