import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

export const pinCancel = ({ pins }: BackgroundServices): Handler<'pin/cancel'> =>
  async ({ promptId }) => {
    await pins.cancel(promptId);
    return {};
  };
