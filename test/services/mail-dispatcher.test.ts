import { and, count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertions, learnerPreferences, oneTimeTokens, outboxMessages } from '../../src/db/schema.ts';
import { RETRY_DELAYS_MS } from '../../src/services/mail/dispatcher.ts';
import { latestOutboxMail, linkIn, startSmtpServer } from '../support/mail.ts';
import { seedStructure, startTestApp, TEST_PUBLIC_URL } from '../support/platform.ts';
import { waitFor } from '../support/wait.ts';

/**
 * The email pipeline end to end, against a real SMTP server started in
 * process: an award through the REST API reaches it (text and HTML, from
 * MAIL_FROM, with the learner's link, the verification link and the one-click
 * unsubscribe headers); failures are retried with back-off on an injected
 * clock, then given up; with no SMTP configured messages are held; a learner
 * who unsubscribed is not written to; a personal message full of markup
 * stays text; and an award that rolls back leaves no email behind. (With no
 * SMTP configured, messages are held: see test/web/mail.test.ts.)
 */
type Smtp = Awaited<ReturnType<typeof startSmtpServer>>;
type App = Awaited<ReturnType<typeof startTestApp>>;

const MAIL_FROM = 'Insigne Normandie <badges@insigne.test>';
let smtp: Smtp;
let ctx: App;
let seeded: Awaited<ReturnType<typeof seedStructure>>;
// The platform's clock: starts now, moved by hand to reach the next retry without waiting.
let clockMs = Date.now();
const advance = (ms: number) => {
  clockMs += ms;
};
const db = () => ctx.platform.database.db;
const dispatcher = () => ctx.platform.mailDispatcher!;

function awardViaApi(email: string, extra: Record<string, unknown> = {}) {
  return ctx.app.inject({
    method: 'POST',
    url: '/api/v1/assertions',
    headers: { authorization: `Bearer ${seeded.token}` },
    payload: { badgeClass: seeded.badgeClasses[0]!.id, allowDuplicate: true, recipient: { email, name: 'Léa Martin' }, ...extra },
  });
}

/** Reads the outbox row of this address until it matches (the dispatcher works in the background). */
function outboxRow(to: string, done: (row: typeof outboxMessages.$inferSelect) => boolean) {
  return waitFor(
    async () => {
      const row = await latestOutboxMail(db(), to, 'award');
      return row && done(row) && row;
    },
    { message: `the outbox message to ${to} never reached the expected state`, timeout: 15_000 },
  );
}

/** Lets a background round that is in progress finish, so the next step starts from a quiet dispatcher. */
const settle = () => dispatcher().idle();

beforeAll(async () => {
  smtp = await startSmtpServer();
  ctx = await startTestApp({
    now: () => new Date(clockMs),
    // A long poll: rounds run when an award wakes the dispatcher, or when a test calls runOnce().
    env: { SMTP_URL: smtp.url, MAIL_FROM, MAIL_POLL_INTERVAL_MS: '3600000' },
  });
  seeded = await seedStructure(ctx.services);
});

afterAll(async () => {
  await ctx?.close();
  await smtp?.close();
});

describe('the award email', () => {
  it('reaches the SMTP server with text and HTML, from MAIL_FROM, with the learner’s link, the verification link and the unsubscribe headers', async () => {
    const response = await awardViaApi('lea.martin@example.org', { message: 'Bravo Léa !\nÀ bientôt pour la suite.' });
    expect(response.statusCode).toBe(201);
    const assertion = response.json();

    const mail = await smtp.waitFor((m) => m.envelope.to.includes('lea.martin@example.org'));
    expect(mail.envelope.from).toBe('badges@insigne.test');
    expect(mail.parsed.from?.value).toEqual([{ name: 'Insigne Normandie', address: 'badges@insigne.test' }]);
    expect(mail.parsed.subject).toBe(`Vous avez reçu le badge « ${seeded.badgeClasses[0]!.name} » de Mission Locale de Caen`);
    const text = mail.parsed.text!;
    const html = String(mail.parsed.html);
    expect(text).toContain('Bonjour Léa Martin,');
    expect(text).toContain('Mission Locale de Caen vous a remis le badge numérique');
    expect(text).toContain('> Bravo Léa !');
    const learnerLink = linkIn(text, `${TEST_PUBLIC_URL}/mon-espace/lien/`);
    expect(learnerLink).toMatch(/\/mon-espace\/lien\/[A-Za-z0-9_-]{43}$/);
    expect(text).toContain(assertion.url);
    const unsubscribe = linkIn(text, `${TEST_PUBLIC_URL}/courriels/arret/`);
    expect(html).toContain(`href="${learnerLink}"`);
    expect(html).toContain(`href="${assertion.url}"`);
    expect(html).toContain(`href="${unsubscribe}"`);
    const header = (name: string) => mail.parsed.headerLines.find((h) => h.key === name)?.line.replace(/\r?\n[ \t]+/g, ' ');
    expect(header('list-unsubscribe')).toBe(`List-Unsubscribe: <${unsubscribe}>`);
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');

    // The link's token is stored hashed, for a sign-in, for 30 days.
    const [token] = await db()
      .select()
      .from(oneTimeTokens)
      .where(and(eq(oneTimeTokens.email, 'lea.martin@example.org'), eq(oneTimeTokens.purpose, 'learner-sign-in')));
    expect(token!.expiresAt.getTime() - clockMs).toBeGreaterThan(29 * 86_400_000);
    expect(token!.tokenHash).not.toContain(learnerLink.split('/').pop());

    const row = await outboxRow('lea.martin@example.org', (r) => r.status === 'sent');
    expect(row.attempts).toBe(1);
    expect(row.assertionId).toBe(assertion.id);
    expect(row.structureId).toBe(seeded.structure.id);
  });

  it('keeps a hostile personal message as text: escaped in the HTML, intact in the text', async () => {
    const hostile = '<script>alert(1)</script><img src=x onerror="alert(2)"> & <a href="javascript:alert(3)">clic</a>';
    expect((await awardViaApi('hostile@example.org', { message: hostile })).statusCode).toBe(201);
    const mail = await smtp.waitFor((m) => m.envelope.to.includes('hostile@example.org'));
    const html = String(mail.parsed.html);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.parsed.text).toContain(`> ${hostile}`);
  });

  it('refuses a personal message over 1,000 characters or with control characters, and sends nothing', async () => {
    for (const message of ['x'.repeat(1001), 'bonjour\u0000']) {
      const response = await awardViaApi('too-long@example.org', { message });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('validation_failed');
    }
    expect(await latestOutboxMail(db(), 'too-long@example.org')).toBeUndefined();
  });

  it('is written for every learner of a bulk award, each with a link of their own', async () => {
    const items = Array.from({ length: 30 }, (_, i) => ({
      badgeClassId: seeded.badgeClasses[1]!.id,
      recipient: { email: `lot.${i}@example.org`, name: `Apprenant ${i}` },
      message: i === 0 ? 'Félicitations à tout le groupe' : undefined,
    }));
    const outcomes = await ctx.services.awarding.awardMany(seeded.structure.id, items, { kind: 'cli' });
    expect(outcomes.every((o) => o.status === 'awarded')).toBe(true);
    const mails = await Promise.all(items.map((item) => smtp.waitFor((m) => m.envelope.to.includes(item.recipient.email))));
    const links = new Set(mails.map((m) => linkIn(m.parsed.text!, `${TEST_PUBLIC_URL}/mon-espace/lien/`)));
    expect(links.size).toBe(30);
    expect(mails[0]!.parsed.text).toContain('> Félicitations à tout le groupe');
    expect(mails[1]!.parsed.text).not.toContain('Félicitations');
  });
});

describe('sending', () => {
  it('retries a temporary failure with back-off, then delivers', async () => {
    await settle();
    smtp.rejectWith('Mailbox busy, try later');
    expect((await awardViaApi('busy@example.org')).statusCode).toBe(201);
    const failed = await outboxRow('busy@example.org', (r) => r.attempts === 1 && r.status === 'pending');
    await settle();
    expect(failed.lastError).toContain('451');
    expect(failed.lastError).toContain('Mailbox busy');
    expect(failed.nextAttemptAt.getTime()).toBe(clockMs + RETRY_DELAYS_MS[0]!);

    smtp.rejectWith(false);
    // Not due yet: nothing is tried before the back-off has passed.
    expect(await dispatcher().runOnce()).toBe(0);
    advance(RETRY_DELAYS_MS[0]! + 1000);
    expect(await dispatcher().runOnce()).toBe(1);
    await smtp.waitFor((m) => m.envelope.to.includes('busy@example.org'));
    const sent = await outboxRow('busy@example.org', (r) => r.status === 'sent');
    expect(sent.attempts).toBe(2);
    expect(smtp.received.filter((m) => m.envelope.to.includes('busy@example.org'))).toHaveLength(1);
  });

  it('gives up after the last retry: the message is failed, with its error, in the structure’s outbox', async () => {
    await settle();
    smtp.rejectWith('Mailbox busy, try later');
    expect((await awardViaApi('never@example.org')).statusCode).toBe(201);
    await outboxRow('never@example.org', (r) => r.attempts === 1);
    await settle();
    for (const delay of RETRY_DELAYS_MS) {
      advance(delay + 1000);
      expect(await dispatcher().runOnce()).toBe(1);
    }
    const row = await outboxRow('never@example.org', (r) => r.status === 'failed');
    expect(row.attempts).toBe(RETRY_DELAYS_MS.length + 1);
    advance(86_400_000);
    expect(await dispatcher().runOnce()).toBe(0);
    smtp.rejectWith(false);
    const { rows } = await ctx.services.mail.outbox({ structureId: seeded.structure.id, statuses: ['failed'], page: 1, perPage: 50 });
    expect(rows.map((r) => r.toAddress)).toContain('never@example.org');
  });

  it('marks a permanent refusal failed at once', async () => {
    await settle();
    smtp.rejectWith('No such user here', 550);
    try {
      expect((await awardViaApi('nobody@example.org')).statusCode).toBe(201);
      const row = await outboxRow('nobody@example.org', (r) => r.status === 'failed');
      expect(row.attempts).toBe(1);
      expect(row.lastError).toContain('550');
    } finally {
      smtp.rejectWith(false);
    }
  });

  it('never writes to a learner who unsubscribed, and the unsubscribe link acts only on POST', async () => {
    const mail = await smtp.waitFor((m) => m.envelope.to.includes('lea.martin@example.org'));
    const link = linkIn(mail.parsed.text!, `${TEST_PUBLIC_URL}/courriels/arret/`);
    const path = link.slice(TEST_PUBLIC_URL.length);
    const stopped = async () =>
      (await db().select().from(learnerPreferences).where(eq(learnerPreferences.email, 'lea.martin@example.org')))[0]?.emailsStoppedAt ??
      null;

    // A mail scanner opening the link changes nothing.
    const page = await ctx.app.inject({ url: path, headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('lea.martin@example.org');
    expect(await stopped()).toBeNull();

    // The mail client's one-click unsubscribe (RFC 8058).
    const oneClick = await ctx.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.statusCode).toBe(200);
    expect(await stopped()).not.toBeNull();

    const before = smtp.received.length;
    expect((await awardViaApi('lea.martin@example.org')).statusCode).toBe(201);
    const row = await latestOutboxMail(db(), 'lea.martin@example.org', 'award');
    expect(row!.status).toBe('suppressed');
    advance(1000);
    await dispatcher().runOnce();
    await settle();
    expect(smtp.received.slice(before).some((m) => m.envelope.to.includes('lea.martin@example.org'))).toBe(false);
    expect((await latestOutboxMail(db(), 'lea.martin@example.org', 'award'))!.status).toBe('suppressed');
  });

  it('sends nothing for an award that rolled back', async () => {
    await db().execute(sql`create function insigne_test_fail_key() returns trigger language plpgsql as $$
      begin if new.key = 'boom' then raise exception 'simulated failure'; end if; return new; end $$`);
    await db().execute(sql`create trigger insigne_test_fail_key before insert on idempotency_keys
      for each row execute function insigne_test_fail_key()`);
    try {
      const response = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/assertions',
        headers: { authorization: `Bearer ${seeded.token}`, 'idempotency-key': 'boom' },
        payload: { badgeClass: seeded.badgeClasses[0]!.id, recipient: { email: 'rolled.back@example.org', name: 'Sam' } },
      });
      expect(response.statusCode).toBe(500);
    } finally {
      await db().execute(sql`drop trigger insigne_test_fail_key on idempotency_keys`);
      await db().execute(sql`drop function insigne_test_fail_key()`);
    }
    const [[a], [o], [t]] = await Promise.all([
      db().select({ n: count() }).from(assertions).where(eq(assertions.recipientEmail, 'rolled.back@example.org')),
      db().select({ n: count() }).from(outboxMessages).where(eq(outboxMessages.toAddress, 'rolled.back@example.org')),
      db().select({ n: count() }).from(oneTimeTokens).where(eq(oneTimeTokens.email, 'rolled.back@example.org')),
    ]);
    expect([Number(a!.n), Number(o!.n), Number(t!.n)]).toEqual([0, 0, 0]);
  });
});

describe('mail configuration', () => {
  it('derives MAIL_FROM from PUBLIC_URL, refuses a wrong SMTP_URL, and never shows its password', async () => {
    const { ConfigError, describeSmtpUrl, loadConfig } = await import('../../src/config/config.ts');
    expect(loadConfig({ PUBLIC_URL: 'https://badges.normandie.example' }).MAIL_FROM).toBe('Insigne <no-reply@badges.normandie.example>');
    expect(loadConfig({ SMTP_URL: 'smtps://u:p@mail.example.org:465' }).SMTP_URL).toBe('smtps://u:p@mail.example.org:465');
    for (const env of [
      { SMTP_URL: 'ftp://mail.example.org' },
      { SMTP_URL: 'not a url' },
      { MAIL_FROM: 'Insigne <a@b>\r\nBcc: x@y' },
      { MAIL_FROM: 'nobody' },
    ]) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
    }
    // The refusal must happen for its wording to be checked: a loadConfig that stopped refusing fails here.
    let refusal: unknown;
    try {
      loadConfig({ SMTP_URL: 'ftp://user:s3cret-pass@mail.example.org' });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ConfigError);
    const { message, problems } = refusal as InstanceType<typeof ConfigError>;
    expect(message).toContain('SMTP_URL');
    expect(message).not.toContain('s3cret-pass');
    expect(problems.join('\n')).not.toContain('s3cret-pass');
    expect(describeSmtpUrl('smtp://user:s3cret@mail.example.org:587')).toBe('smtp://user:***@mail.example.org:587');
  });
});
