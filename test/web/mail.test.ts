import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertions, auditEvents, learnerPreferences, outboxMessages } from '../../src/db/schema.ts';
import { hashEmailIdentity } from '../../src/openbadges/index.ts';
import { InjectBrowser } from '../support/inject-browser.ts';
import { latestOutboxMail, linkIn } from '../support/mail.ts';
import { seedStructure, startTestApp, TEST_PUBLIC_URL } from '../support/platform.ts';

/**
 * The outbox pages through fastify's real request path, on a platform with
 * no SMTP server (every message is held): the structure's outbox, re-sending
 * and correcting a learner's address, the platform administrator's view of
 * held messages, the public unsubscribe page — each scoped to its structure
 * (another structure's member gets 404), CSRF-checked, and hostile input
 * refused or shown escaped.
 */
let ctx: Awaited<ReturnType<typeof startTestApp>>;
let A: Awaited<ReturnType<typeof seedStructure>>;
let B: Awaited<ReturnType<typeof seedStructure>>;
const db = () => ctx.platform.database.db;
const PASSWORD = 'le mot de passe de l’équipe';
const HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>';

/** A person's browser (test/support/inject-browser.ts) on this file's app. */
class Browser extends InjectBrowser {
  constructor() {
    super(() => ctx.app);
  }

  static async signedIn(email: string) {
    const browser = new Browser();
    await browser.signIn(email, PASSWORD);
    return browser;
  }
}

let advisorA: Browser;
let advisorB: Browser;
let region: Browser;

async function award(email: string, message?: string) {
  const { assertion } = await ctx.services.awarding.award(
    {
      allowDuplicate: true,
      structureId: A.structure.id,
      badgeClassId: A.badgeClasses[0]!.id,
      recipient: { email, name: 'Léa Martin' },
      message,
    },
    { kind: 'cli' },
  );
  return assertion;
}

async function outboxCount(assertionId: string) {
  const [row] = await db().select({ n: count() }).from(outboxMessages).where(eq(outboxMessages.assertionId, assertionId));
  return Number(row!.n);
}

async function auditCount(action: string, targetId: string) {
  const [row] = await db()
    .select({ n: count() })
    .from(auditEvents)
    .where(and(eq(auditEvents.action, action), eq(auditEvents.targetId, targetId)));
  return Number(row!.n);
}

beforeAll(async () => {
  ctx = await startTestApp({ env: { MAIL_POLL_INTERVAL_MS: '3600000' } });
  A = await seedStructure(ctx.services);
  B = await seedStructure(ctx.services, { name: 'Cap Emploi Rouen' });
  await ctx.services.users.create(
    { email: 'camille@ml-caen.example.org', name: 'Camille', password: PASSWORD, structureId: A.structure.id, role: 'advisor' },
    { kind: 'cli' },
  );
  await ctx.services.users.create(
    { email: 'yann@cap-rouen.example.org', name: 'Yann', password: PASSWORD, structureId: B.structure.id, role: 'admin' },
    { kind: 'cli' },
  );
  await ctx.services.users.create(
    { email: 'region@normandie.example.org', name: 'Région', password: PASSWORD, platformAdmin: true },
    { kind: 'cli' },
  );
  advisorA = await Browser.signedIn('camille@ml-caen.example.org');
  advisorB = await Browser.signedIn('yann@cap-rouen.example.org');
  region = await Browser.signedIn('region@normandie.example.org');
});

afterAll(async () => {
  await ctx?.close();
});

describe('the structure’s outbox', () => {
  it('lists the structure’s emails with their status in words, held ones first, and says no SMTP is configured', async () => {
    expect(ctx.platform.warnings.join('\n')).toContain('SMTP_URL is not set');
    await award('outbox.one@example.org');
    await ctx.platform.mailDispatcher!.idle();
    await ctx.platform.mailDispatcher!.runOnce();
    // Without SMTP_URL nothing is dropped: the message is held, bodies and link kept.
    const held = await latestOutboxMail(db(), 'outbox.one@example.org', 'award');
    expect(held!.status).toBe('held');
    expect(held!.textBody).toContain(`${TEST_PUBLIC_URL}/mon-espace/lien/`);
    const page = await advisorA.get('/espace/courriels');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Courriels de la structure');
    expect(page.body).toContain('outbox.one@example.org');
    expect(page.body).toContain('Retenu : aucun serveur d’envoi configuré');
    expect(page.body).toContain('Aucun serveur d’envoi n’est configuré');
    expect(page.body).toContain('Corriger l’adresse');
    // The banner saying so sits in a named region, like every part of the page (axe's « region » rule).
    expect(page.body).toMatch(/<section class="wrap" aria-label="Envoi des courriels"><p class="mail-held-banner">Aucun serveur/);

    const filtered = await advisorA.get('/espace/courriels?etat=sent');
    expect(filtered.statusCode).toBe(200);
    expect(filtered.body).not.toContain('outbox.one@example.org');
    expect(filtered.body).toContain('Aucun courriel à afficher.');
    // A filter that is not one is ignored, not an error.
    expect((await advisorA.get(`/espace/courriels?etat=${encodeURIComponent(HOSTILE)}&page=abc`)).statusCode).toBe(200);
  });

  it('shows nothing of another structure', async () => {
    const page = await advisorB.get('/espace/courriels');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('outbox.one@example.org');
  });

  it('pages through long outboxes', async () => {
    await ctx.services.awarding.awardMany(
      A.structure.id,
      Array.from({ length: 55 }, (_, i) => ({
        badgeClassId: A.badgeClasses[1]!.id,
        recipient: { email: `page.${i}@example.org`, name: `Apprenant ${i}` },
      })),
      { kind: 'cli' },
    );
    const first = await advisorA.get('/espace/courriels');
    expect(first.body).toContain('href="/espace/courriels?page=2"');
    const second = await advisorA.get('/espace/courriels?page=2');
    expect(second.statusCode).toBe(200);
    expect(second.body).toContain('Page 2 sur 2');
  });

  it('is for members only', async () => {
    const anonymous = await new Browser().get('/espace/courriels');
    expect(anonymous.statusCode).toBe(303);
    expect((await region.get('/espace/courriels')).statusCode).toBe(403);
  });
});

describe('re-sending the award email', () => {
  it('queues a new message with a new link, records it, and goes back to the badge with a notice', async () => {
    const assertion = await award('resend@example.org');
    const before = await latestOutboxMail(db(), 'resend@example.org', 'award');
    const response = await advisorA.postFromWorkspace(`/espace/delivres/${assertion.id}/renvoyer`);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`/espace/delivres/${assertion.id}?courriel=renvoye`);
    expect(await outboxCount(assertion.id)).toBe(2);
    const after = await latestOutboxMail(db(), 'resend@example.org', 'award');
    expect(after!.id).not.toBe(before!.id);
    expect(linkIn(after!.textBody, `${TEST_PUBLIC_URL}/mon-espace/lien/`)).not.toBe(
      linkIn(before!.textBody, `${TEST_PUBLIC_URL}/mon-espace/lien/`),
    );
    expect(await auditCount('assertion.mail_resent', assertion.id)).toBe(1);
  });

  it('the same form sent twice (a double click) sends one email, and both go back to the badge', async () => {
    const assertion = await award('double@example.org');
    const page = await advisorA.get(`/espace/delivres/${assertion.id}`);
    const form = new RegExp(
      `action="/espace/delivres/${assertion.id}/renvoyer"[^>]*>\\s*<input type="hidden" name="_csrf" value="([^"]+)">\\s*<input type="hidden" name="once" value="([^"]+)">`,
    ).exec(page.body);
    expect(form).not.toBeNull();
    const fields = { _csrf: form![1]!, once: form![2]! };
    const first = await advisorA.request('POST', `/espace/delivres/${assertion.id}/renvoyer`, { form: fields });
    const second = await advisorA.request('POST', `/espace/delivres/${assertion.id}/renvoyer`, { form: fields });
    for (const response of [first, second]) {
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe(`/espace/delivres/${assertion.id}?courriel=renvoye`);
    }
    expect(await outboxCount(assertion.id)).toBe(2);
    expect(await auditCount('assertion.mail_resent', assertion.id)).toBe(1);
    // The page shown again carries a new key: a second re-send on purpose is sent.
    const again = await advisorA.get(`/espace/delivres/${assertion.id}`);
    expect(again.body).not.toContain(form![2]!);
  });

  it('refuses without the CSRF token, and for another structure’s badge (404), changing nothing', async () => {
    const assertion = await award('scoped@example.org');
    const forged = await advisorA.request('POST', `/espace/delivres/${assertion.id}/renvoyer`, { form: { _csrf: 'forged.token' } });
    expect(forged.statusCode).toBe(403);
    const other = await advisorB.postFromWorkspace(`/espace/delivres/${assertion.id}/renvoyer`);
    expect(other.statusCode).toBe(404);
    expect((await advisorB.postFromWorkspace('/espace/delivres/not-a-uuid/renvoyer')).statusCode).toBe(404);
    expect(await outboxCount(assertion.id)).toBe(1);
  });
});

describe('correcting the learner’s address', () => {
  it('shows a form, refuses a wrong address with a message, then corrects, re-signs and sends to the new address', async () => {
    const assertion = await award('lea.martin@exmaple.org');
    await ctx.platform.mailDispatcher!.runOnce();
    const form = await advisorA.get(`/espace/delivres/${assertion.id}/adresse`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Nouvelle adresse e-mail');
    expect(form.body).toContain('lea.martin@exmaple.org');

    for (const bad of ['', 'pas une adresse', HOSTILE, `${'a'.repeat(400)}@example.org`]) {
      const refused = await advisorA.postFromWorkspace(`/espace/delivres/${assertion.id}/adresse`, { email: bad });
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain('Le formulaire contient une erreur');
      expect(refused.body).not.toContain('<script>alert');
    }
    expect(
      (await advisorA.postFromWorkspace(`/espace/delivres/${assertion.id}/adresse`, { email: 'LEA.MARTIN@exmaple.org' })).statusCode,
    ).toBe(409);
    expect((await advisorB.postFromWorkspace(`/espace/delivres/${assertion.id}/adresse`, { email: 'x@example.org' })).statusCode).toBe(404);
    expect((await advisorB.get(`/espace/delivres/${assertion.id}/adresse`)).statusCode).toBe(404);

    const done = await advisorA.postFromWorkspace(`/espace/delivres/${assertion.id}/adresse`, { email: ' Lea.Martin@Example.org ' });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`/espace/delivres/${assertion.id}?courriel=adresse-corrigee`);
    const [row] = await db().select().from(assertions).where(eq(assertions.id, assertion.id));
    expect(row!.recipientEmail).toBe('lea.martin@example.org');
    expect(row!.recipientSalt).not.toBe(assertion.recipientSalt);
    const payload = JSON.parse(Buffer.from(row!.jws!.split('.')[1]!, 'base64url').toString());
    expect(payload.recipient.identity).toBe(hashEmailIdentity('lea.martin@example.org', row!.recipientSalt).identity);
    const old = await latestOutboxMail(db(), 'lea.martin@exmaple.org', 'award');
    expect(old!.status).toBe('failed');
    const fresh = await latestOutboxMail(db(), 'lea.martin@example.org', 'award');
    // Queued (and, with no SMTP server here, held at once by the dispatcher).
    expect(['pending', 'held']).toContain(fresh!.status);
    expect(await auditCount('assertion.recipient_corrected', assertion.id)).toBe(1);
    // The hosted assertion names the new recipient.
    const hosted = (await ctx.app.inject({ url: `/assertions/${assertion.id}`, headers: { accept: 'application/ld+json' } })).json();
    expect(hosted.recipient.identity).toBe(payload.recipient.identity);

    // Once an email reached the learner, the address was right: no more correction.
    await db().update(outboxMessages).set({ status: 'sent' }).where(eq(outboxMessages.id, fresh!.id));
    const refused = await advisorA.get(`/espace/delivres/${assertion.id}/adresse`);
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('Un courriel a déjà été remis à cette adresse');
    const again = await advisorA.postFromWorkspace(`/espace/delivres/${assertion.id}/adresse`, { email: 'autre@example.org' });
    expect(again.statusCode).toBe(409);
    const [unchanged] = await db().select().from(assertions).where(eq(assertions.id, assertion.id));
    expect(unchanged!.recipientEmail).toBe('lea.martin@example.org');
  });
});

describe('the platform administrator’s view', () => {
  it('lists held messages of every structure with a banner, and shows one escaped, its HTML only in a sandboxed frame', async () => {
    await award('platform.view@example.org', HOSTILE);
    await ctx.platform.mailDispatcher!.runOnce();
    const list = await region.get('/espace/plateforme/courriels');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Aucun serveur d’envoi n’est configuré (variable SMTP_URL)');
    expect(list.body).toContain('platform.view@example.org');
    const row = await latestOutboxMail(db(), 'platform.view@example.org', 'award');
    expect(list.body).toContain(`/espace/plateforme/courriels/${row!.id}`);

    const detail = await region.get(`/espace/plateforme/courriels/${row!.id}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).not.toContain('<script>alert');
    expect(detail.body).not.toContain('<blockquote');
    expect(detail.body).toMatch(/<iframe class="mail-preview" sandbox="" [^>]*srcdoc="&lt;!doctype html&gt;/);
    expect(detail.headers['content-security-policy']).toContain("script-src 'none'");

    expect((await region.get('/espace/plateforme/courriels/00000000-0000-0000-0000-000000000000')).statusCode).toBe(404);
    expect((await advisorA.get('/espace/plateforme/courriels')).statusCode).toBe(403);
    expect((await advisorA.get(`/espace/plateforme/courriels/${row!.id}`)).statusCode).toBe(403);
  });

  it('explains a delivery error in words; the server’s raw answer is only the Région’s, folded in a details element', async () => {
    const failures = [
      [
        'refused.address@example.org',
        "EENVELOPE 550 Can't send mail - all recipients were rejected: 550 5.1.1 User unknown",
        'Le serveur de réception a refusé cette adresse',
      ],
      ['unreachable@example.org', 'ECONNECTION connect ECONNREFUSED 127.0.0.1:2525', 'Le serveur d’envoi n’a pas pu être joint'],
      ['busy@example.org', 'EENVELOPE 451 Mailbox busy, try later', 'Le serveur de réception a refusé le message pour l’instant'],
    ] as const;
    for (const [email, error] of failures) {
      await award(email);
      const row = await latestOutboxMail(db(), email, 'award');
      await db().update(outboxMessages).set({ status: 'failed', attempts: 1, lastError: error }).where(eq(outboxMessages.id, row!.id));
    }
    const outbox = await advisorA.get('/espace/courriels?etat=failed');
    expect(outbox.statusCode).toBe(200);
    for (const [, error, words] of failures) {
      expect(outbox.body).toContain(words);
      expect(outbox.body).not.toContain(error.split(' ').slice(2).join(' ').replaceAll("'", '&#39;'));
    }
    expect(outbox.body).not.toContain('EENVELOPE');
    expect(outbox.body).not.toContain('ECONNECTION');

    const list = await region.get('/espace/plateforme/courriels');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Le serveur de réception a refusé cette adresse');
    expect(list.body).toMatch(
      /<details class="mail-error-details"><summary>Réponse du serveur<\/summary><code>EENVELOPE 550 Can&#39;t send mail/,
    );
    const refused = await latestOutboxMail(db(), 'refused.address@example.org', 'award');
    const detail = await region.get(`/espace/plateforme/courriels/${refused!.id}`);
    expect(detail.body).toContain('Le serveur de réception a refusé cette adresse');
    expect(detail.body).toMatch(/<details class="mail-error-details"><summary>Réponse du serveur<\/summary><code>EENVELOPE 550/);
    // In English too.
    const english = await advisorA.get('/espace/courriels?etat=failed&lang=en');
    expect(english.body).toContain('The receiving server refused this address');
    await advisorA.get('/espace/courriels?lang=fr');
  });
});

describe('the unsubscribe page', () => {
  it('asks before acting, stops on POST, offers to resume, and refuses a forged link', async () => {
    const link = ctx.services.unsubscribe.url('page.unsub@example.org');
    const path = link.slice(TEST_PUBLIC_URL.length);
    const pref = async () =>
      (await db().select().from(learnerPreferences).where(eq(learnerPreferences.email, 'page.unsub@example.org')))[0];

    const browser = new Browser();
    const page = await browser.get(path);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Arrêter les courriels');
    expect(page.headers['cache-control']).toContain('no-store');
    expect(await pref()).toBeUndefined();

    const stopped = await browser.request('POST', path, { form: { action: 'stop' } });
    expect(stopped.statusCode).toBe(200);
    expect(stopped.body).toContain('C’est fait : Insigne n’enverra plus de courriels à page.unsub@example.org.');
    expect(stopped.body).toContain('Recevoir de nouveau les courriels');
    expect((await pref())!.emailsStoppedAt).not.toBeNull();

    const resumed = await browser.request('POST', path, { form: { action: 'resume' } });
    expect(resumed.body).toContain('vous recevrez de nouveau');
    expect((await pref())!.emailsStoppedAt).toBeNull();

    const [encoded, mac] = path.split('/').pop()!.split('.');
    const forgedEmail = Buffer.from('someone.else@example.org').toString('base64url');
    for (const forged of [`${forgedEmail}.${mac}`, `${encoded}.${'A'.repeat(22)}`, 'nonsense', encodeURIComponent(HOSTILE)]) {
      const refused = await browser.get(`/courriels/arret/${forged}`);
      expect(refused.statusCode).toBe(404);
      expect(refused.body).toContain('Ce lien n’est pas valable');
      expect(refused.body).not.toContain('<script>alert');
      expect((await browser.request('POST', `/courriels/arret/${forged}`, { form: { action: 'stop' } })).statusCode).toBe(404);
    }
    expect((await db().select().from(learnerPreferences).where(eq(learnerPreferences.email, 'someone.else@example.org'))).length).toBe(0);
  });

  it('takes the one-click unsubscribe of RFC 8058 as multipart/form-data too', async () => {
    const email = 'multipart.unsub@example.org';
    const path = ctx.services.unsubscribe.url(email).slice(TEST_PUBLIC_URL.length);
    const boundary = '----insigneOneClick';
    const response = await ctx.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
    });
    expect(response.statusCode).toBe(200);
    const [pref] = await db().select().from(learnerPreferences).where(eq(learnerPreferences.email, email));
    expect(pref!.emailsStoppedAt).not.toBeNull();
  });

  it('takes a very long address through the query string', async () => {
    const email = `${'tres-long.'.repeat(20)}nom@example.org`;
    const link = ctx.services.unsubscribe.url(email);
    expect(link).toContain('/courriels/arret?jeton=');
    const page = await new Browser().get(link.slice(TEST_PUBLIC_URL.length));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(email);
  });
});
