import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

export const pinInfo = ({ pins }: BackgroundServices): Handler<'pin/info'> => ({ promptId }) => Promise.resolve(pins.info(promptId));
