/** The browser lock lives with the demo, which takes it too (native-host/tooling/demo/browser-lock.ts). */
export { acquireBrowserLock } from '../../native-host/tooling/demo/browser-lock';
