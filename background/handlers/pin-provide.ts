import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

/** The allow-list admits this only from the PIN page; the PIN goes to the native host alone. */
export const pinProvide = ({ pins }: BackgroundServices): Handler<'pin/provide'> => ({ promptId, pin }) => pins.provide(promptId, pin);
