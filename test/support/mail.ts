import { and, desc, eq } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { Database } from '../../src/db/database.ts';
import { type MailKind, outboxMessages } from '../../src/db/schema.ts';
import { freePort } from './net.ts';

/** The newest message recorded in the outbox for this address (and kind), whether sent yet or not. */
export async function latestOutboxMail(db: Database, to: string, kind?: MailKind) {
  const [row] = await db
    .select()
    .from(outboxMessages)
    .where(kind ? and(eq(outboxMessages.toAddress, to), eq(outboxMessages.kind, kind)) : eq(outboxMessages.toAddress, to))
    .orderBy(desc(outboxMessages.createdAt))
    .limit(1);
  return row;
}

/** The first link in a text body that starts with this prefix (an absolute URL or a path). */
export function linkIn(text: string, prefix: string): string {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${escaped}[^\\s<>"]*`).exec(text);
  if (!match) throw new Error(`no link starting with ${prefix} in:\n${text}`);
  return match[0];
}

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  parsed: ParsedMail;
  raw: string;
}

/**
 * A real SMTP server, in-process, on a free port: what the platform sends
 * arrives here and is parsed. `reject` makes it refuse messages (to test retries).
 */
export async function startSmtpServer() {
  const received: ReceivedMail[] = [];
  const waiters: { predicate: (m: ReceivedMail) => boolean; resolve: (m: ReceivedMail) => void }[] = [];
  const state = { reject: false as false | string, code: 451 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      const receive = async () => {
        if (state.reject) {
          const error = Object.assign(new Error(state.reject), { responseCode: state.code });
          return callback(error);
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail: ReceivedMail = {
          envelope: {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
          },
          parsed: await simpleParser(raw),
          raw,
        };
        received.push(mail);
        for (const w of [...waiters]) {
          if (w.predicate(mail)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(mail);
          }
        }
        callback();
      };
      // A message that cannot be parsed fails its SMTP transaction instead of going unheard.
      stream.on('end', () => void receive().catch((error: Error) => callback(error)));
    },
  });
  // A client that vanishes mid-session (a sender killed -9) resets its connection: that is the sender's story, not an error here.
  server.on('error', () => {});
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    /** Refuse every message with a temporary failure (451, or `code`: 550 for a permanent one) until set back to false. */
    rejectWith(message: string | false, code = 451) {
      state.reject = message;
      state.code = code;
    },
    /** Resolves with the first message (already received or to come) that matches. */
    waitFor(predicate: (m: ReceivedMail) => boolean, timeoutMs = 15_000): Promise<ReceivedMail> {
      const found = received.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no matching email reached the SMTP server in time')), timeoutMs);
        waiters.push({
          predicate,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
