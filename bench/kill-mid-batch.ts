/**
 * node --import tsx bench/kill-mid-batch.ts [--messages 2000] [--rows 3000] [--runs 3] [--kill on-receipt|polled]
 *   [--database postgres://postgres@127.0.0.1:5432/test]
 *
 * What a process killed with SIGKILL in the middle of its work costs, measured
 * on a real server process (`bin/insigne.js serve`) over PostgreSQL:
 *
 * - emails: the outbox holds `--messages` messages; the server sends them to
 *   an SMTP server in this process and is killed -9 once a third has
 *   arrived; a second server is started at once (a supervisor's restart) and
 *   sends the rest. Reported: how many messages arrived twice (same
 *   Message-ID), and how long until the restarted server sent again.
 * - a CSV import of `--rows` rows: killed -9 once a third is awarded, the
 *   restarted server finishes it. Reported: assertions awarded twice (there
 *   must be none: each row has its idempotency key), award emails queued
 *   twice, and how long until the import was done.
 *
 * Doubles of emails can only come from the window between an SMTP server
 * accepting a message and the database recording it sent: at most one batch
 * of the dispatcher (6 messages) per kill. `--kill on-receipt` (the default)
 * kills the server the moment the SMTP server has accepted a message, before
 * the server has read the answer: the worst moment. `--kill polled` kills it
 * within 20 ms of that, a moment like any other in a batch.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { loadConfig } from '../src/config/config.ts';
import { enqueueMail } from '../src/db/repositories/outbox.ts';
import { assertions, awardImports, outboxMessages } from '../src/db/schema.ts';
import { openPlatform } from '../src/platform.ts';
import { MasterKey } from '../src/services/master-key.ts';
import { startSmtpServer } from '../test/support/mail.ts';
import { freePort } from '../test/support/net.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '2000' },
    rows: { type: 'string', default: '3000' },
    kill: { type: 'string', default: 'on-receipt' },
    runs: { type: 'string', default: '3' },
    database: { type: 'string', default: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
const MESSAGES = Number(args.messages);
const ROWS = Number(args.rows);
const RUNS = Number(args.runs);
const PUBLIC_URL = 'https://badges.insigne.test';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, condition: () => Promise<T | false> | T | false, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await condition();
      if (value !== false) return value;
    } catch {
      // the database may be busy with the kill: ask again
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(20);
  }
}

async function freshDatabase(adminUrl: string) {
  const name = `insigne_kill_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/** A real server process, as production runs it. */
async function startServer(env: Record<string, string>): Promise<ChildProcess> {
  const port = String(await freePort());
  const child = spawn(process.execPath, ['bin/insigne.js', 'serve'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'error', RATE_LIMITS: 'off', PUBLIC_URL, PORT: port, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await until('the server started', async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok || false, 60_000);
  return child;
}

function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

async function oneRun(run: number) {
  const database = await freshDatabase(args.database!);
  const smtp = await startSmtpServer();
  const masterKey = randomBytes(32).toString('base64');
  const env = { DATABASE_URL: database.url, SMTP_URL: smtp.url, MASTER_KEY: masterKey, MAIL_POLL_INTERVAL_MS: '200' };
  // This process prepares the work and watches; it sends and awards nothing itself.
  const platform = await openPlatform(loadConfig({ NODE_ENV: 'test', PUBLIC_URL, DATA_DIR: '/nonexistent', ...env }), {
    database: { kind: 'postgres', url: database.url, poolSize: 3 },
    masterKey: MasterKey.fromBase64(masterKey),
    dispatchMail: false,
  });
  const servers: ChildProcess[] = [];
  try {
    const { services } = platform;
    const db = platform.database.db;
    const structure = await services.structures.create(
      { name: 'Mission Locale de Caen', url: 'https://ml-caen.example.org', email: 'contact@ml-caen.example.org' },
      { kind: 'cli' },
    );

    // ----- Emails
    await db.transaction((tx) =>
      enqueueMail(
        tx,
        Array.from({ length: MESSAGES }, (_, i) => ({
          kind: 'invitation' as const,
          to: `kill.${i}@example.org`,
          subject: `Message ${i}`,
          text: `Bonjour ${i}`,
          html: `<p>Bonjour ${i}</p>`,
          structureId: structure.id,
        })),
        { now: services.clock() },
      ),
    );
    const sent = async () =>
      Number(
        (
          await db
            .select({ n: sql<number>`count(*)::int` })
            .from(outboxMessages)
            .where(eq(outboxMessages.status, 'sent'))
        )[0]!.n,
      );
    servers.push(await startServer(env));
    if (args.kill === 'polled') await until('a third of the messages arrived', () => smtp.received.length >= MESSAGES / 3);
    // Resolved as the SMTP server accepts the message, before its answer reaches the sender.
    else await smtp.waitFor(() => smtp.received.length >= MESSAGES / 3, 120_000);
    await kill9(servers[0]!);
    const killedAt = Date.now();
    const receivedAtKill = smtp.received.length;
    const sendingAtKill = Number(
      (
        await db
          .select({ n: sql<number>`count(*)::int` })
          .from(outboxMessages)
          .where(eq(outboxMessages.status, 'sending'))
      )[0]!.n,
    );
    servers.push(await startServer(env));
    await until('the restarted server sent again', () => smtp.received.length > receivedAtKill);
    const mailResumedMs = Date.now() - killedAt;
    await until('every message marked sent', async () => (await sent()) === MESSAGES);
    const ids = new Map<string, number>();
    for (const m of smtp.received) ids.set(m.parsed.messageId!, (ids.get(m.parsed.messageId!) ?? 0) + 1);
    const mailDoubles = [...ids.values()].filter((n) => n > 1).length;
    const mailAllDoneMs = Date.now() - killedAt;
    const mailReceived = smtp.received.length;
    await kill9(servers[1]!);

    // ----- A CSV import
    const user = await services.users.create(
      { email: 'kill@example.org', name: 'Claire', password: 'un mot de passe assez long', structureId: structure.id, role: 'advisor' },
      { kind: 'cli' },
    );
    const actor = { kind: 'user' as const, userId: user.id };
    const csv = [
      'email;prénom;nom;badge',
      ...Array.from({ length: ROWS }, (_, i) => `row.${i}@example.org;P${i};N${i};organiser-je-pratique`),
    ];
    const upload = await services.awardImports.upload(
      { structureId: structure.id, userId: user.id, fileName: 'promo.csv', bytes: new TextEncoder().encode(csv.join('\r\n')) },
      actor,
    );
    await services.awardImports.confirm(structure.id, upload.id, actor);
    const state = async () => (await db.select().from(awardImports).where(eq(awardImports.id, upload.id)))[0]!;
    servers.push(await startServer(env));
    await until('a third of the rows awarded', async () => (await state()).awarded >= ROWS / 3);
    await kill9(servers[2]!);
    const importKilledAt = Date.now();
    const awardedAtKill = (await state()).awarded;
    servers.push(await startServer(env));
    await until('the import done', async () => (await state()).status === 'done');
    const importDoneMs = Date.now() - importKilledAt;
    const awardRows = await db
      .select({ email: assertions.recipientEmail, n: sql<number>`count(*)::int` })
      .from(assertions)
      .where(eq(assertions.structureId, structure.id))
      .groupBy(assertions.recipientEmail);
    const awardMails = await db
      .select({ to: outboxMessages.toAddress, n: sql<number>`count(*)::int` })
      .from(outboxMessages)
      .where(eq(outboxMessages.kind, 'award'))
      .groupBy(outboxMessages.toAddress);
    const final = await state();
    await kill9(servers[3]!);

    return {
      run,
      kill: args.kill,
      emails: {
        total: MESSAGES,
        receivedAtKill,
        sendingAtKill,
        received: mailReceived,
        doubles: mailDoubles,
        resumedAfterMs: mailResumedMs,
        allSentAfterMs: mailAllDoneMs,
      },
      import: {
        rows: ROWS,
        awardedAtKill,
        awarded: final.awarded,
        learners: awardRows.length,
        assertionsTwice: awardRows.filter((r) => r.n > 1).length,
        awardEmailsTwice: awardMails.filter((r) => r.n > 1).length,
        doneAfterKillMs: importDoneMs,
      },
    };
  } finally {
    for (const s of servers) if (s.exitCode === null && s.signalCode === null) await kill9(s);
    await platform.close();
    await smtp.close();
    await database.drop();
  }
}

const results: Awaited<ReturnType<typeof oneRun>>[] = [];
for (let run = 1; run <= RUNS; run++) {
  const result = await oneRun(run);
  console.log(JSON.stringify(result));
  results.push(result);
}
const sum = (f: (r: (typeof results)[number]) => number) => results.reduce((a, r) => a + f(r), 0);
console.log(
  `\n${RUNS} kills -9 mid-batch (${args.kill}): emails doubled ${sum((r) => r.emails.doubles)} of ${sum((r) => r.emails.total)}` +
    ` (most in one kill: ${Math.max(...results.map((r) => r.emails.doubles))}); sending resumed after` +
    ` ${Math.max(...results.map((r) => r.emails.resumedAfterMs))} ms at most.` +
    ` Imports: assertions awarded twice ${sum((r) => r.import.assertionsTwice)}, award emails queued twice ${sum((r) => r.import.awardEmailsTwice)};` +
    ` done after ${Math.max(...results.map((r) => r.import.doneAfterKillMs))} ms at most.`,
);
process.exit(0);
