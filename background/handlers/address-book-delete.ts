import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

export const addressBookDelete = ({ addressBook }: BackgroundServices): Handler<'address-book/delete'> =>
  async ({ fingerprint }) => {
    await addressBook.remove(fingerprint);
    return {};
  };
