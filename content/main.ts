// Content script entry: injected only on sites the user enabled or policy lists
// (background/site-access.ts). It picks the adapter for the current webmail and hands it
// to the page controller; where no adapter recognises the page it does nothing at all.
import { genericAdapter } from './adapters/generic/adapter';
import { roundcubeAdapter } from './adapters/roundcube/adapter';
import { browserContentPlatform } from './browser-content-platform';
import { startPageController } from './page-controller';
import { pickAdapter } from './pick-adapter';

const adapter = pickAdapter([roundcubeAdapter, genericAdapter], document);
if (adapter) startPageController(adapter, document, browserContentPlatform());
