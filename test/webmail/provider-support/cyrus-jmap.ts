/**
 * The real JMAP server for the browser tests: Debian's Cyrus IMAP on loopback
 * (native-host/tooling/jmap/cyrus.sh), started here unless it runs already (the run's
 * global setup starts it for the tests under a jmap folder) and stopped after only if
 * started here; and the SMTP server Cyrus submits to, on the port its configuration names.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { createPolicyStore, userOptionsKey } from '../../../background/policy-store';
import { createJmapTransport } from '../../../background/transports/jmap-transport';
import { memoryStorage } from '../../background/memory-storage';
import { startSmtpSink, type Delivery } from '../../transports/jmap/smtp-sink';

const script = fileURLToPath(new URL('../../../native-host/tooling/jmap/cyrus.sh', import.meta.url));
/** cyrus.sh: JMAP on port 18080, the user alice with the password alice-secret, submission to port 12525. */
export const cyrusJmapUrl = 'http://127.0.0.1:18080/';
export const cyrusUser = 'alice';
export const cyrusPassword = 'alice-secret';
const submissionPort = 12525;

function running(): boolean {
  try {
    execFileSync('bash', [script, 'status'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function useCyrus(): void {
  let started = false;
  beforeAll(() => {
    if (running()) return;
    execFileSync('bash', [script, 'start'], { stdio: ['ignore', 'ignore', 'inherit'] });
    started = true;
  }, 120_000);
  afterAll(() => {
    if (started) execFileSync('bash', [script, 'stop'], { stdio: ['ignore', 'ignore', 'inherit'] });
  });
}

export interface SubmissionSink {
  readonly deliveries: Delivery[];
  close(): Promise<void>;
}

/**
 * The SMTP server on Cyrus' submission port. test/transports/jmap/ holds the same port while
 * its file runs; the sink waits for it rather than taking it as a failure.
 */
export function startSubmissionSink(): Promise<SubmissionSink> {
  return startSmtpSink(submissionPort);
}

/** The message with this Message-ID as Cyrus holds it (Alice's Sent copy), read from here, not through the browser. */
export function messageInCyrus(messageId: string): Promise<Uint8Array> {
  const site = 'https://cyrus-check.example.test';
  const policy = createPolicyStore(memoryStorage(), memoryStorage({ [userOptionsKey]: { siteTransports: [{ origin: site, send: 'jmap', fetch: 'jmap', jmapUrl: cyrusJmapUrl }] } }));
  const transport = createJmapTransport({
    policy, fetch: (input, init) => fetch(input, init), credentials: { login: () => Promise.resolve({ user: cyrusUser, password: cyrusPassword }) },
  });
  return transport.fetchByMessageId(site, messageId);
}
