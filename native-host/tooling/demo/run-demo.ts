/**
 * The last step of `npm start`, once start.sh has installed what is missing, built, and
 * started the loopback mail system: S/MIME inside Roundcube with Cachet.
 *
 * With a display, Chromium opens on Roundcube as Alice (or --user bob) with Cachet
 * switched on there, and this program waits until the window is closed. Without a display,
 * or with --headless, Alice sends Bob a signed and encrypted message in Roundcube and Bob
 * reads it, both headless (webmail-demo.ts), and what Bob's Cachet showed is printed.
 *
 * Usage: tsx native-host/tooling/demo/run-demo.ts [--user alice|bob] [--headless]
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { acquireBrowserLock } from './browser-lock';
import { assertProfileFree, launchDemoBrowser } from './cachet-browser';
import { DEMO_USER_NAMES, type DemoUserName } from './demo-pki';
import { ensureDemoState, type DemoState } from './demo-state';
import { MAIL_SYSTEM_COMMAND, useMailSystem } from './mail-system-use';
import { DEMO_ROUNDCUBE_URL } from './roundcube';
import { runWebmailDemo, type WebmailDemoResult } from './webmail-demo';

const root = fileURLToPath(new URL('../../..', import.meta.url));
/** Screenshots of the headless run; the build leaves this folder alone. */
const OUT_DIR = path.join(root, 'dist', 'demo');
const USAGE = 'usage: npm start -- [--user alice|bob] [--headless]';

interface Options {
  readonly user: DemoUserName;
  readonly headless: boolean;
}

function parseOptions(args: readonly string[]): Options {
  let user: DemoUserName = 'alice';
  let headless = !(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--headless') headless = true;
    else if (arg === '--user') {
      const name = args[++i];
      if (!DEMO_USER_NAMES.includes(name as DemoUserName)) throw new Error(`--user takes ${DEMO_USER_NAMES.join(' or ')}\n${USAGE}`);
      user = name as DemoUserName;
    } else throw new Error(`unexpected argument ${arg ?? ''}\n${USAGE}`);
  }
  return { user, headless };
}

function accountLines(state: DemoState): string[] {
  return DEMO_USER_NAMES.map((user) => `    ${state.pki.users[user].address.padEnd(20)} password ${user}-secret, token PIN ${state.pki.users[user].pin}`);
}

/** With a display: the user's own Chromium on Roundcube, until its window is closed. */
async function openForUser(state: DemoState, user: DemoUserName): Promise<void> {
  const me = state.pki.users[user];
  const browser = await launchDemoBrowser({ pki: state.pki, user, userDataDir: state.profiles[user], headless: false });
  const closed = new Promise<void>((resolve) => browser.context.once('close', () => resolve()));
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.goto(DEMO_ROUNDCUBE_URL);
  const other = DEMO_USER_NAMES.find((name) => name !== user) ?? user;
  console.log([
    `Chromium is open on Roundcube (${DEMO_ROUNDCUBE_URL}) with Cachet switched on, as ${me.name}.`,
    `  Sign in as ${me.address} (password ${user}-secret). Write a message, press Cachet's`,
    '  Secure button beside Roundcube\'s own, and send it; open signed or encrypted mail to read',
    `  it in Cachet's frame. Cachet asks for the token PIN (${me.pin}) and once for the mail password.`,
    `  ${me.name}'s token, the demo CA and ${state.pki.users[other].name}'s certificate are set up already.`,
    `  As ${other} at the same time: npm start -- --user ${other}`,
    '  Accounts:',
    ...accountLines(state),
    `  Browser profile: ${state.profiles[user]}`,
    `  The mail system keeps running after this; stop it with: ${MAIL_SYSTEM_COMMAND} stop`,
    'Close the Chromium window to end.',
  ].join('\n'));
  await closed;
}

/** The first lines of a body, indented under their label. */
function firstLines(text: string, count: number, indent: string): string {
  const lines = text.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n');
  const shown = lines.slice(0, count);
  if (lines.length > count) shown.push('…');
  return shown.map((line, i) => (i === 0 || line === '' ? line : `${indent}${line}`)).join('\n');
}

function printResult(result: WebmailDemoResult, state: DemoState, seconds: { readonly total: number; readonly waited: number }): void {
  const { reader } = result;
  const label = (name: string) => `  ${name.padEnd(13)}`;
  const indent = ' '.repeat(15);
  const signers = reader.signers.length === 0
    ? ['not signed']
    : reader.signers.map((s, i) => `${i === 0 ? '' : indent}${s.verdict}: ${s.text}`);
  console.log([
    '',
    `Sent in ${result.seconds.send.toFixed(1)} s; read in ${result.seconds.read.toFixed(1)} s. Bob's Cachet reader frame in Roundcube showed:`,
    `${label('From')}${reader.from}`,
    `${label('Subject')}${reader.subject}`,
    `${label('Encrypted')}${reader.encrypted ? 'yes' : 'no'}: ${reader.encryption}`,
    `${label('Signatures')}${signers.join('\n')}`,
    ...reader.notices.map((notice) => `${label('Note')}${notice}`),
    `${label('Text')}${reader.text === undefined ? '(an HTML body)' : firstLines(reader.text, 6, indent)}`,
    `${label('Attachments')}${reader.attachments.join(', ') || 'none'}`,
    'Screenshots:',
    `  Roundcube with Alice's Cachet compose frame  ${result.screenshots.compose}`,
    `  Roundcube with Bob's Cachet reader frame     ${result.screenshots.reader}`,
    `  Cachet's popup for Bob's Roundcube tab       ${result.screenshots.popup}`,
    `Browser profiles and demo identities (kept for the next run): ${state.pki.stateDir}`,
    'Accounts, to sign in to Roundcube yourself:',
    ...accountLines(state),
    `Done in ${seconds.total.toFixed(0)} s${seconds.waited >= 1 ? `, ${seconds.waited.toFixed(0)} s of them waiting for the other browser` : ''}.` +
      ' On a desktop, npm start opens Chromium on Roundcube as Alice instead.',
  ].join('\n'));
}

async function runHeadless(state: DemoState): Promise<void> {
  // Said before waiting for anything: a demo browser still open holds its profile.
  for (const profile of Object.values(state.profiles)) assertProfileFree(profile);
  const started = Date.now();
  mkdirSync(OUT_DIR, { recursive: true });
  console.log(`No display: the demo runs headless, each user in a Chromium of their own with Cachet (${DEMO_ROUNDCUBE_URL}).`);
  const unlock = await acquireBrowserLock({
    onWait: (pid) => console.log(`Waiting for another Cachet browser (pid ${pid || '?'}: a browser test or another demo) to finish…`),
  });
  const waited = (Date.now() - started) / 1000;
  let result: WebmailDemoResult;
  try {
    result = await runWebmailDemo(state, OUT_DIR, (line) => console.log(`  ${line}`));
  } finally {
    unlock();
  }
  printResult(result, state, { total: (Date.now() - started) / 1000, waited });
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const letGo = useMailSystem();
  try {
    const state = ensureDemoState();
    if (options.headless) await runHeadless(state);
    else await openForUser(state, options.user);
  } finally {
    letGo();
  }
}

main().catch((error: unknown) => {
  console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
