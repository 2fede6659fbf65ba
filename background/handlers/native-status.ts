import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

export const nativeStatus = ({ nativeStatus: probe }: BackgroundServices): Handler<'native/status'> => () => probe();
