import type { Command } from './command';

/**
 * One `cachet` subcommand as `cachet help` lists it. The module behind it is imported
 * only when the command runs or its usage is asked for, so a process loads the code (and
 * the libraries: PKI.js, PKCS#11, nodemailer, imapflow) of one command, not of all
 * (issue 16). The summary repeats the command's own; main checks the name on loading.
 */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}

/** Every `cachet` subcommand, in the order `cachet help` lists them. */
export const commands: readonly CommandEntry[] = [
  { name: 'inspect', summary: 'print the MIME tree of a message as JSON (types, sizes, byte ranges, S/MIME kinds)', load: async () => (await import('./commands/inspect')).inspect },
  { name: 'sign', summary: 'sign a message with S/MIME (multipart/signed, or opaque with --opaque)', load: async () => (await import('./commands/sign')).sign },
  { name: 'verify', summary: 'verify the S/MIME signatures of a message as the reader does', load: async () => (await import('./commands/verify')).verify },
  { name: 'encrypt', summary: 'encrypt a message with S/MIME to one or more certificates', load: async () => (await import('./commands/encrypt')).encrypt },
  { name: 'decrypt', summary: 'decrypt an S/MIME encrypted message with a key and certificate or PKCS#12 file', load: async () => (await import('./commands/decrypt')).decrypt },
  { name: 'protect', summary: 'sign, encrypt, or sign-encrypt-sign a message in one step', load: async () => (await import('./commands/protect')).protect },
  { name: 'open', summary: 'read a message as a mail reader does: decrypt, verify every layer, show the content', load: async () => (await import('./commands/open')).open },
  { name: 'cert check', summary: 'validate a certificate (path, revocation, use, address)', load: async () => (await import('./commands/cert-check')).certCheck },
  { name: 'cert select', summary: 'choose a certificate for signing or encrypting (B1–B4)', load: async () => (await import('./commands/cert-select')).certSelect },
  { name: 'lookup', summary: 'find the certificate to encrypt to for addresses: address book, then directory (B6)', load: async () => (await import('./commands/lookup')).lookup },
  { name: 'identities', summary: 'list the identities on tokens and in the OS store', load: async () => (await import('./commands/identities')).identities },
  { name: 'key import', summary: 'import a PKCS#12 file into the Cachet key store', load: async () => (await import('./commands/key-import')).keyImport },
  { name: 'key list', summary: 'list the identities in the Cachet key store', load: async () => (await import('./commands/key-import')).keyList },
  { name: 'key delete', summary: 'delete an identity from the Cachet key store', load: async () => (await import('./commands/key-import')).keyDelete },
  { name: 'send', summary: 'send a message file through the SMTP server of a mail account', load: async () => (await import('./commands/mail-send')).sendMessage },
  { name: 'fetch', summary: 'fetch a raw message over IMAP by UID or Message-ID', load: async () => (await import('./commands/mail-fetch')).fetchMessage },
  { name: 'account set', summary: 'set up the mail account (IMAP, SMTP, user) of a webmail origin', load: async () => (await import('./commands/mail-account')).accountSet },
  { name: 'account list', summary: 'list the mail accounts of webmail origins', load: async () => (await import('./commands/mail-account')).accountList },
  { name: 'account remove', summary: 'remove the mail account of a webmail origin, with its password', load: async () => (await import('./commands/mail-account')).accountRemove },
  { name: 'account forget', summary: 'forget the remembered password of a mail account', load: async () => (await import('./commands/mail-account')).accountForgetPassword },
  { name: 'host install', summary: 'register the native host with browsers', load: async () => (await import('./commands/host-install')).hostInstall },
  { name: 'host uninstall', summary: 'remove the native host registration', load: async () => (await import('./commands/host-uninstall')).hostUninstall },
  { name: 'doctor', summary: 'check the native host setup and say how to fix problems', load: async () => (await import('./commands/doctor')).doctor },
];
