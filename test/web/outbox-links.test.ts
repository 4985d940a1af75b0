import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, outboxMessages } from '../../src/db/schema.ts';
import { InjectBrowser, csrfOfForm } from '../support/inject-browser.ts';
import { latestOutboxMail, linkIn } from '../support/mail.ts';
import { seedStructure, startTestApp, TEST_PUBLIC_URL } from '../support/platform.ts';
import { waitFor } from '../support/wait.ts';

/**
 * The Région reads the outbox, but never holds a live link of someone
 * else's: the page shows every secret-bearing link redacted (text, HTML
 * frame and source); with no SMTP, it may reveal a held message's links to
 * pass it on, by a CSRF-checked POST whose reason goes to the audit trail,
 * and never a password reset of another person's account.
 */
let ctx: Awaited<ReturnType<typeof startTestApp>>;
let A: Awaited<ReturnType<typeof seedStructure>>;
const db = () => ctx.platform.database.db;
const PASSWORD = 'le mot de passe de l’équipe';
const ADMIN = 'yann.admin@ml-caen.example.org';
const REGION = 'region@normandie.example.org';

class Browser extends InjectBrowser {
  constructor() {
    super(() => ctx.app);
  }
}

let region: Browser;

async function forgotPassword(email: string) {
  const response = await new Browser().submit('/mot-de-passe-oublie', '/mot-de-passe-oublie', { email });
  expect(response.statusCode).toBe(200);
  return waitFor(() => latestOutboxMail(db(), email, 'password-reset'), { message: `a reset email to ${email}` });
}

async function revealCount(messageId: string) {
  const [row] = await db()
    .select({ n: count() })
    .from(auditEvents)
    .where(and(eq(auditEvents.action, 'mail.links_revealed'), eq(auditEvents.targetId, messageId)));
  return Number(row!.n);
}

/** The token of the secret link with this prefix in a stored body. */
const tokenIn = (body: string, prefix: string) => linkIn(body, `${TEST_PUBLIC_URL}${prefix}`).slice(`${TEST_PUBLIC_URL}${prefix}`.length);

beforeAll(async () => {
  ctx = await startTestApp({ env: { MAIL_POLL_INTERVAL_MS: '3600000' } });
  A = await seedStructure(ctx.services);
  await ctx.services.users.create(
    { email: ADMIN, name: 'Yann', password: PASSWORD, structureId: A.structure.id, role: 'admin' },
    { kind: 'cli' },
  );
  await ctx.services.users.create({ email: REGION, name: 'Région', password: PASSWORD, platformAdmin: true }, { kind: 'cli' });
  region = new Browser();
  await region.signIn(REGION, PASSWORD);
});

afterAll(async () => {
  await ctx?.close();
});

describe('the outbox as the Région sees it', () => {
  it('redacts a structure admin’s password-reset link everywhere on the page, and refuses to reveal it', async () => {
    const mail = await forgotPassword(ADMIN);
    const token = tokenIn(mail.textBody, '/mot-de-passe/');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(mail.htmlBody).toContain(token);

    const page = await region.get(`/espace/plateforme/courriels/${mail.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain(token);
    expect(page.body).toContain(`${TEST_PUBLIC_URL}/mot-de-passe/***`);
    expect(page.body).toMatch(/srcdoc="[^"]*\/mot-de-passe\/\*\*\*/);
    expect(page.body).not.toContain('action="/espace/plateforme/courriels/' + mail.id + '/reveler"');

    const refused = await region.postFromWorkspace(`/espace/plateforme/courriels/${mail.id}/reveler`, { reason: 'pour voir' });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain(token);
    expect(refused.body).toContain('ne peut être révélé que pour votre propre compte');
    expect(await revealCount(mail.id)).toBe(0);
  });

  it('reveals the Région’s own password reset, with a reason, recorded', async () => {
    const mail = await forgotPassword(REGION);
    const token = tokenIn(mail.textBody, '/mot-de-passe/');
    const page = await region.get(`/espace/plateforme/courriels/${mail.id}`);
    expect(page.body).not.toContain(token);
    const revealed = await region.request('POST', `/espace/plateforme/courriels/${mail.id}/reveler`, {
      form: { _csrf: csrfOfForm(page.body, `/espace/plateforme/courriels/${mail.id}/reveler`), reason: 'mon propre compte' },
    });
    expect(revealed.statusCode).toBe(200);
    expect(revealed.body).toContain(token);
    expect(revealed.headers['cache-control']).toContain('no-store');
    expect(await revealCount(mail.id)).toBe(1);
  });

  it('redacts a learner’s sign-in and unsubscribe links; revealing them takes a reason and CSRF, and is recorded', async () => {
    const { assertion } = await ctx.services.awarding.award(
      {
        allowDuplicate: true,
        structureId: A.structure.id,
        badgeClassId: A.badgeClasses[0]!.id,
        recipient: { email: 'lea@example.org', name: 'Léa Martin' },
      },
      { kind: 'cli' },
    );
    await ctx.platform.mailDispatcher!.idle();
    await ctx.platform.mailDispatcher!.runOnce();
    const [mail] = await db().select().from(outboxMessages).where(eq(outboxMessages.assertionId, assertion.id));
    expect(mail!.status).toBe('held');
    const signIn = tokenIn(mail!.textBody, '/mon-espace/lien/');
    const unsubscribe = tokenIn(mail!.textBody, '/courriels/arret/');

    const page = await region.get(`/espace/plateforme/courriels/${mail!.id}`);
    for (const secret of [signIn, unsubscribe]) expect(page.body).not.toContain(secret);
    expect(page.body).toContain('/mon-espace/lien/***');
    expect(page.body).toContain('/courriels/arret/***');
    expect(page.body).toContain('Révéler le lien pour le transmettre');

    const action = `/espace/plateforme/courriels/${mail!.id}/reveler`;
    const noCsrf = await region.request('POST', action, { form: { reason: 'sans jeton' } });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.body).not.toContain(signIn);
    const noReason = await region.postFromWorkspace(action, { reason: '  ' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('id="reason-error"');
    expect(noReason.body).not.toContain(signIn);
    expect(await revealCount(mail!.id)).toBe(0);

    const revealed = await region.postFromWorkspace(action, { reason: 'Léa a appelé, adresse vérifiée' });
    expect(revealed.statusCode).toBe(200);
    expect(revealed.body).toContain(`${TEST_PUBLIC_URL}/mon-espace/lien/${signIn}`);
    const [event] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'mail.links_revealed'), eq(auditEvents.targetId, mail!.id)));
    expect(event!.details).toMatchObject({ kind: 'award', reason: 'Léa a appelé, adresse vérifiée' });

    // A sent message is not handed on by hand.
    await db().update(outboxMessages).set({ status: 'sent' }).where(eq(outboxMessages.id, mail!.id));
    const sent = await region.postFromWorkspace(action, { reason: 'encore' });
    expect(sent.statusCode).toBe(409);
    expect(sent.body).not.toContain(signIn);
    expect(await revealCount(mail!.id)).toBe(1);
  });
});
