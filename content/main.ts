// Content script entry: injected only on sites the user enabled or policy lists
// (background/site-access.ts). It picks the adapter for the current webmail and hands it
// to the page controller; where no adapter recognises the page it does nothing at all.
import { genericAdapter } from './adapters/generic/adapter';
import { gmailAdapter } from './adapters/gmail/adapter';
import { outlookAdapter } from './adapters/outlook/adapter';
import { roundcubeAdapter } from './adapters/roundcube/adapter';
import { browserContentPlatform } from './browser-content-platform';
import { startPageController } from './page-controller';
import { pickAdapter } from './pick-adapter';

// Gmail and Outlook are known by their origins, as both render by script after the
// content script starts; Roundcube by its page; the generic adapter takes any other page.
const adapter = pickAdapter([gmailAdapter, outlookAdapter, roundcubeAdapter, genericAdapter], document);
if (adapter) startPageController(adapter, document, browserContentPlatform());
