import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findMembership, findUserByEmail } from '../../src/db/repositories/users.ts';
import { assertions, auditEvents, oneTimeTokens, structures } from '../../src/db/schema.ts';
import { StructureRefusal } from '../../src/services/rules/structure-open.ts';
import { latestOutboxMail, linkIn } from '../support/mail.ts';
import { csrfOf, csrfOfForm, InjectBrowser, pageText as text } from '../support/inject-browser.ts';
import { seedStructure, startTestApp, TEST_PUBLIC_URL } from '../support/platform.ts';

/**
 * The Région's structures (issue 10), through fastify's real request path on
 * both databases: the page of one structure (profile, figures, members,
 * invitations re-sent, cancelled, another admin invited: a mistyped first
 * invitation put right), likely duplicates asked about before opening,
 * closing and reopening (no award by any way, no access, API tokens refused,
 * public pages and verification unchanged), and the header's switcher
 * telling apart two structures of the same name.
 */
const CLI = { kind: 'cli' } as const;
const PASSWORD = 'le mot de passe de l’équipe';
const REGION = { name: 'Région Normandie', email: 'region@normandie.example.org', password: 'la phrase de passe de la Région' };
const CLOSED_FR = 'est fermée : elle ne délivre plus de badges et son espace n’est plus accessible.';

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let clock = new Date('2026-05-04T08:00:00Z');
const advance = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};
const db = () => ctx.platform.database.db;
const browser = () => new InjectBrowser(() => ctx.app);
let region: InjectBrowser;

async function auditCount(action: string, structureId?: string) {
  const [row] = await db()
    .select({ n: count() })
    .from(auditEvents)
    .where(structureId ? and(eq(auditEvents.action, action), eq(auditEvents.structureId, structureId)) : eq(auditEvents.action, action));
  return Number(row!.n);
}

async function structureCount() {
  const [row] = await db().select({ n: count() }).from(structures);
  return Number(row!.n);
}

async function openInvitationCount(structureId: string) {
  return (await ctx.services.accounts.openInvitations(structureId)).length;
}

/** The path of the link in the newest invitation to this address. */
async function invitationLink(to: string) {
  const mail = await latestOutboxMail(db(), to, 'invitation');
  if (!mail) throw new Error(`no invitation to ${to}`);
  return linkIn(mail.textBody, `${TEST_PUBLIC_URL}/invitation/`).slice(TEST_PUBLIC_URL.length);
}

/** The id in the forms of the row of this address among the pending invitations of the structure's page. */
function invitationId(html: string, structureId: string, email: string): string {
  const row = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1]!).find((r) => r.includes(`<th scope="row">${email}</th>`));
  const pattern = new RegExp(`/espace/structures/${structureId}/invitations/([0-9a-f]{64})/`);
  const id = row && pattern.exec(row)?.[1];
  if (!id) throw new Error(`no pending invitation for ${email}`);
  return id;
}

/** Opens a structure from the Région's form; `extra` adds fields (the duplicate confirmation). */
async function openStructure(
  fields: { name: string; url: string; email?: string; adminEmail: string },
  extra: Record<string, string> = {},
) {
  const page = await region.get('/espace/structures');
  const once = /name="once" value="([^"]+)"/.exec(page.body)![1]!;
  return region.post(
    '/espace/structures',
    { email: fields.email ?? 'contact@example.org', once, ...fields, ...extra },
    csrfOfForm(page.body, '/espace/structures'),
  );
}

/** Posts a form of the structure's page with the page's token and a fresh one-time key. */
async function postOnPage(b: InjectBrowser, structureId: string, action: string, fields: Record<string, string> = {}) {
  const page = await b.get(`/espace/structures/${structureId}`);
  const once = /name="once" value="([^"]+)"/.exec(page.body)?.[1] ?? 'none';
  return b.post(action, { once, ...fields }, csrfOf(page.body));
}

async function accept(path: string, name: string, b = browser()) {
  const page = await b.get(path);
  expect(page.statusCode).toBe(200);
  const response = await b.post(path, { name, password: PASSWORD, passwordConfirmation: PASSWORD }, csrfOf(page.body));
  expect(response.statusCode, response.body).toBe(303);
  return b;
}

let caen: Awaited<ReturnType<typeof seedStructure>>;
let alencon: Awaited<ReturnType<typeof seedStructure>>;

beforeAll(async () => {
  ctx = await startTestApp({ now: () => clock });
  const s = ctx.services;
  await s.auth.setup(REGION, { ip: '127.0.0.1' });
  caen = await seedStructure(s, { name: 'Mission Locale de Caen', url: 'https://www.ml-caen.example.org/' });
  alencon = await seedStructure(s, { name: 'AFPA Alençon', url: 'https://afpa-alencon.example.org' });
  await s.users.create(
    { email: 'lea.martin@example.org', name: 'Léa Martin', password: PASSWORD, structureId: caen.structure.id, role: 'admin' },
    CLI,
  );
  await s.users.create(
    { email: 'hugo.petit@example.org', name: 'Hugo Petit', password: PASSWORD, structureId: caen.structure.id, role: 'advisor' },
    CLI,
  );
  await s.users.create(
    { email: 'nadia.ali@example.org', name: 'Nadia Ali', password: PASSWORD, structureId: alencon.structure.id, role: 'admin' },
    CLI,
  );
  await s.awarding.award(
    {
      structureId: caen.structure.id,
      badgeClassId: caen.badgeClasses[0]!.id,
      recipient: { email: 'ines@example.org', name: 'Inès Moreau' },
    },
    CLI,
  );
  region = browser();
  await region.signIn(REGION.email, REGION.password);
});

afterAll(async () => {
  await ctx?.close();
});

describe('the page of a structure', () => {
  it('is linked from the list of structures, which says which are open', async () => {
    const list = await region.get('/espace/structures');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`href="/espace/structures/${caen.structure.id}"`);
    expect(text(list.body)).toContain('Mission Locale de Caen');
    expect(text(list.body)).toContain('Ouverte');
  });

  it('shows its profile, figures, members with their roles and pending invitations', async () => {
    await ctx.services.accounts.invite(caen.structure.id, { email: 'paul.invite@example.org', role: 'advisor' }, CLI, 'fr');
    const page = await region.get(`/espace/structures/${caen.structure.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('private, no-store');
    const words = text(page.body);
    expect(words).toContain('Mission Locale de Caen');
    expect(words).toContain('https://www.ml-caen.example.org/');
    expect(words).toContain('Accompagnement des jeunes de 16 à 25 ans.');
    expect(page.body).toContain(`href="${TEST_PUBLIC_URL}/issuers/${caen.structure.id}"`);
    // Figures: one award, to one person, nine badges offered.
    expect(words).toMatch(/Badges délivrés 1 Révoqués 0 Personnes ayant reçu un badge 1 Badges proposés 9/);
    expect(words).toContain('Léa Martin lea.martin@example.org administrateur ou administratrice de la structure');
    expect(words).toContain('Hugo Petit hugo.petit@example.org conseiller ou conseillère');
    expect(words).toContain('paul.invite@example.org');
    expect(page.body).toContain('Renvoyer');
    expect(page.body).toContain('Inviter un autre administrateur');
    expect(page.body).toContain('Fermer la structure');
  });

  it('speaks English when asked', async () => {
    const page = await region.get(`/espace/structures/${caen.structure.id}?lang=en`);
    expect(page.statusCode).toBe(200);
    expect(text(page.body)).toContain('Invite another administrator');
    expect(text(page.body)).toContain('Members and roles');
    await region.get('/espace/structures?lang=fr');
  });

  it('an unknown or malformed id is a 404', async () => {
    expect((await region.get('/espace/structures/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await region.get('/espace/structures/not-an-id')).statusCode).toBe(404);
  });

  it('is the Région’s only: a structure admin is refused, and nobody signed in is sent to sign in', async () => {
    const lea = browser();
    await lea.signIn('lea.martin@example.org', PASSWORD);
    const refused = await lea.get(`/espace/structures/${caen.structure.id}`);
    expect(refused.statusCode).toBe(403);
    expect(text(refused.body)).toContain('Cette page est réservée à l’administration de la plateforme.');
    const post = await lea.postFromWorkspace(`/espace/structures/${caen.structure.id}/invitations`, { email: 'x@example.org' });
    expect(post.statusCode).toBe(403);
    expect(await latestOutboxMail(db(), 'x@example.org')).toBeUndefined();
    const anonymous = await browser().get(`/espace/structures/${caen.structure.id}`);
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe(`/connexion?suivant=${encodeURIComponent(`/espace/structures/${caen.structure.id}`)}`);
  });
});

describe('a mistyped first admin invitation, put right by the Région', () => {
  let structureId = '';
  const WRONG = 'camile.durand@exemple.org';
  const RIGHT = 'camille.durand@example.org';

  it('opens a structure with a mistyped address: its page shows the pending invitation and no admin yet', async () => {
    const opened = await openStructure({ name: 'Pôle emploi Lisieux', url: 'https://lisieux.example.org', adminEmail: WRONG });
    expect(opened.statusCode, opened.body).toBe(303);
    structureId = /ouverte=([0-9a-f-]{36})/.exec(opened.headers.location as string)![1]!;
    const list = await region.get(opened.headers.location as string);
    expect(list.body).toContain(`href="/espace/structures/${structureId}"`);
    // The list says it has no administrator yet.
    expect(text(list.body)).toMatch(/Pôle emploi Lisieux \d\d\/\d\d\/\d{4} Ouverte aucun 9 0 0 0/);
    const page = await region.get(`/espace/structures/${structureId}`);
    expect(text(page.body)).toContain(WRONG);
    expect(text(page.body)).toContain('Cette structure n’a pas encore d’administrateur');
    expect(text(page.body)).toContain('Personne n’a encore accepté d’invitation.');
  });

  it('« Renvoyer » sends a fresh link and the old one stops working', async () => {
    const oldLink = await invitationLink(WRONG);
    advance(60_000);
    const page = await region.get(`/espace/structures/${structureId}`);
    const id = invitationId(page.body, structureId, WRONG);
    const resent = await postOnPage(region, structureId, `/espace/structures/${structureId}/invitations/${id}/renvoyer`);
    expect(resent.statusCode).toBe(303);
    expect(resent.headers.location).toBe(`/espace/structures/${structureId}?fait=renvoi&email=${encodeURIComponent(WRONG)}`);
    const after = await region.get(resent.headers.location as string);
    // No SMTP on this platform: the notice says the link is held, not sent.
    expect(text(after.body)).toContain(
      `Un nouveau lien est prêt pour ${WRONG} (l’ancien ne fonctionne plus), mais aucun serveur d’envoi n’est configuré`,
    );
    const newLink = await invitationLink(WRONG);
    expect(newLink).not.toBe(oldLink);
    expect((await browser().get(oldLink)).statusCode).toBe(410);
    expect((await browser().get(newLink)).statusCode).toBe(200);
    expect(await auditCount('member.invitation_resent', structureId)).toBe(1);
    expect(await openInvitationCount(structureId)).toBe(1);
  });

  it('« Annuler » withdraws it: the link stops working', async () => {
    const link = await invitationLink(WRONG);
    const page = await region.get(`/espace/structures/${structureId}`);
    const id = invitationId(page.body, structureId, WRONG);
    const cancelled = await postOnPage(region, structureId, `/espace/structures/${structureId}/invitations/${id}/annuler`);
    expect(cancelled.statusCode).toBe(303);
    const after = await region.get(cancelled.headers.location as string);
    expect(text(after.body)).toContain(`L’invitation de ${WRONG} est annulée : son lien ne fonctionne plus.`);
    expect(text(after.body)).toContain('Cette structure n’a aucun administrateur ni aucune invitation d’administrateur');
    expect((await browser().get(link)).statusCode).toBe(410);
    expect(await openInvitationCount(structureId)).toBe(0);
    // Cancelling it again: it is gone.
    const again = await region.postFromWorkspace(`/espace/structures/${structureId}/invitations/${id}/annuler`, {});
    expect(again.statusCode).toBe(404);
  });

  it('refuses a wrong address with a message, and sends nothing', async () => {
    for (const [email, message] of [
      ['', 'Ce champ est obligatoire.'],
      ['pas-une-adresse', 'Saisissez une adresse e-mail complète'],
      ['<script>alert(1)</script>@x', 'Saisissez une adresse e-mail complète'],
    ] as const) {
      const response = await postOnPage(region, structureId, `/espace/structures/${structureId}/invitations`, { email });
      expect(response.statusCode).toBe(422);
      expect(text(response.body)).toContain(message);
      expect(response.body).not.toContain('<script>alert(1)</script>');
    }
    expect(await openInvitationCount(structureId)).toBe(0);
    // Without the page's token: refused, nothing sent.
    const forged = await region.post(`/espace/structures/${structureId}/invitations`, { email: RIGHT });
    expect(forged.statusCode).toBe(403);
    expect(await latestOutboxMail(db(), RIGHT)).toBeUndefined();
  });

  it('« Inviter un autre administrateur »: the right person accepts and becomes its admin', async () => {
    const invited = await postOnPage(region, structureId, `/espace/structures/${structureId}/invitations`, {
      email: `  ${RIGHT.toUpperCase()} `,
    });
    expect(invited.statusCode).toBe(303);
    expect(invited.headers.location).toBe(`/espace/structures/${structureId}?fait=invite&email=${encodeURIComponent(RIGHT)}`);
    const page = await region.get(invited.headers.location as string);
    expect(text(page.body)).toContain(`L’invitation de ${RIGHT} est prête, mais aucun serveur d’envoi n’est configuré`);
    expect(text(page.body)).toContain(`${RIGHT} administrateur ou administratrice de la structure`);
    const mail = await latestOutboxMail(db(), RIGHT, 'invitation');
    expect(mail!.subject).toContain('Pôle emploi Lisieux');
    expect(mail!.textBody).toContain('Région Normandie');

    const camille = await accept(await invitationLink(RIGHT), 'Camille Durand');
    const user = await findUserByEmail(db(), RIGHT);
    expect((await findMembership(db(), user!.id, structureId))?.role).toBe('admin');
    const home = await camille.get('/espace');
    expect(text(home.body)).toContain('Pôle emploi Lisieux');
    // The page now shows her as its admin, and the invitation is gone.
    const after = await region.get(`/espace/structures/${structureId}`);
    expect(text(after.body)).toContain(`Camille Durand ${RIGHT} administrateur ou administratrice de la structure`);
    expect(text(after.body)).not.toContain('pas encore d’administrateur');
    // Inviting a member again is refused on the page.
    const twice = await postOnPage(region, structureId, `/espace/structures/${structureId}/invitations`, { email: RIGHT });
    expect(twice.statusCode).toBe(409);
    expect(text(twice.body)).toContain('Cette personne est déjà membre de la structure.');
  });

  it('the same form sent twice invites once', async () => {
    const page = await region.get(`/espace/structures/${structureId}`);
    const once = /name="once" value="([^"]+)"/.exec(page.body)![1]!;
    const form = { once, email: 'second.admin@example.org' };
    const first = await region.post(`/espace/structures/${structureId}/invitations`, form, csrfOf(page.body));
    const second = await region.post(`/espace/structures/${structureId}/invitations`, form, csrfOf(page.body));
    expect(first.statusCode).toBe(303);
    expect(second.statusCode).toBe(303);
    const [row] = await db()
      .select({ n: count() })
      .from(oneTimeTokens)
      .where(and(eq(oneTimeTokens.email, 'second.admin@example.org'), eq(oneTimeTokens.purpose, 'invitation')));
    expect(Number(row!.n)).toBe(1);
  });
});

describe('opening a structure that looks like one already there', () => {
  it('warns of the same name, whatever its case and accents, and opens nothing until confirmed', async () => {
    const before = await structureCount();
    const warned = await openStructure({ name: 'MISSION LOCALE DE CAËN', url: 'https://autre.example.org', adminEmail: 'a@example.org' });
    expect(warned.statusCode).toBe(409);
    const words = text(warned.body);
    expect(words).toContain('Une structure ressemble à celle-ci');
    expect(words).toContain('Mission Locale de Caen — https://www.ml-caen.example.org/ : même nom');
    expect(warned.body).toContain(`href="/espace/structures/${caen.structure.id}"`);
    expect(warned.body).toContain('name="confirmDuplicate"');
    // What was typed is kept.
    expect(warned.body).toContain('value="MISSION LOCALE DE CAËN"');
    expect(await structureCount()).toBe(before);
    expect(await latestOutboxMail(db(), 'a@example.org')).toBeUndefined();

    const confirmed = await openStructure(
      { name: 'MISSION LOCALE DE CAËN', url: 'https://autre.example.org', adminEmail: 'a@example.org' },
      { confirmDuplicate: 'oui' },
    );
    expect(confirmed.statusCode).toBe(303);
    expect(await structureCount()).toBe(before + 1);
    expect(await latestOutboxMail(db(), 'a@example.org', 'invitation')).toBeDefined();
  });

  it('warns of the same site (www., scheme, trailing slash and case aside), naming both reasons when both match', async () => {
    const site = await openStructure({ name: 'ML Caen', url: 'http://ML-CAEN.example.org', adminEmail: 'b@example.org' });
    expect(site.statusCode).toBe(409);
    expect(text(site.body)).toContain('Mission Locale de Caen — https://www.ml-caen.example.org/ : même site');
    const both = await openStructure({ name: 'Mission locale de caen', url: 'https://ml-caen.example.org/', adminEmail: 'b@example.org' });
    expect(both.statusCode).toBe(409);
    expect(text(both.body)).toContain('même nom et même site');
  });

  it('a new name and site opens at once', async () => {
    const before = await structureCount();
    const opened = await openStructure({ name: 'CIDFF Évreux', url: 'https://cidff-evreux.example.org', adminEmail: 'c@example.org' });
    expect(opened.statusCode).toBe(303);
    expect(await structureCount()).toBe(before + 1);
  });

  it('the service refuses a likely duplicate without the confirmation, whoever calls it', async () => {
    await expect(
      ctx.services.accounts.createStructureWithAdmin(
        { name: 'afpa alencon', url: 'https://x.example.org', email: 'x@example.org' },
        'd@example.org',
        CLI,
        'fr',
      ),
    ).rejects.toMatchObject({ code: 'likely_duplicate', status: 409 });
  });
});

describe('the header tells apart two structures of the same name', () => {
  it('shows the site of each beside the name', async () => {
    const lisieuxA = await seedStructure(ctx.services, { name: 'Mission Locale', url: 'https://ml-lisieux.example.org' });
    const lisieuxB = await seedStructure(ctx.services, { name: 'Mission locale', url: 'https://www.ml-bayeux.example.org' });
    await ctx.services.users.create(
      { email: 'jeanne@example.org', name: 'Jeanne', password: PASSWORD, structureId: lisieuxA.structure.id, role: 'admin' },
      CLI,
    );
    const jeanne = await findUserByEmail(db(), 'jeanne@example.org');
    const { insertMembership } = await import('../../src/db/repositories/users.ts');
    await insertMembership(db(), { createdAt: clock, userId: jeanne!.id, structureId: lisieuxB.structure.id, role: 'advisor' });
    const b = browser();
    await b.signIn('jeanne@example.org', PASSWORD);
    const home = await b.get('/espace');
    expect(home.body).toMatch(/<option value="[^"]+"[^>]*>Mission Locale — ml-lisieux\.example\.org \(administration\)<\/option>/);
    expect(home.body).toMatch(/<option value="[^"]+"[^>]*>Mission locale — ml-bayeux\.example\.org \([^<]*\)<\/option>/);
    expect(text(home.body)).toContain('Vous travaillez pour Mission Locale (ml-lisieux.example.org).');
    // Structures of different names stay as they were.
    const lea = browser();
    await lea.signIn('lea.martin@example.org', PASSWORD);
    expect((await lea.get('/espace')).body).not.toContain('ml-caen.example.org (');
  });
});

describe('closing a structure, and reopening it', () => {
  let closing: Awaited<ReturnType<typeof seedStructure>>;
  let assertionId = '';
  let importId = '';
  const lea = browser();
  const both = browser();

  beforeAll(async () => {
    const s = ctx.services;
    closing = await seedStructure(s, { name: 'Mission Locale de Vire', url: 'https://ml-vire.example.org' });
    await s.users.create(
      { email: 'sami@example.org', name: 'Sami Vire', password: PASSWORD, structureId: closing.structure.id, role: 'admin' },
      CLI,
    );
    // Someone in two structures: Vire and Alençon.
    await s.users.create(
      { email: 'rose@example.org', name: 'Rose Deux', password: PASSWORD, structureId: closing.structure.id, role: 'advisor' },
      CLI,
    );
    const rose = await findUserByEmail(db(), 'rose@example.org');
    const { insertMembership } = await import('../../src/db/repositories/users.ts');
    await insertMembership(db(), { createdAt: clock, userId: rose!.id, structureId: alencon.structure.id, role: 'advisor' });
    const { assertion } = await s.awarding.award(
      {
        structureId: closing.structure.id,
        badgeClassId: closing.badgeClasses[0]!.id,
        recipient: { email: 'tom@example.org', name: 'Tom Vire' },
      },
      CLI,
    );
    assertionId = assertion.id;
    await s.accounts.invite(closing.structure.id, { email: 'waiting@example.org', role: 'advisor' }, CLI, 'fr');
    // A CSV import ready to confirm when the structure closes.
    const sami = await findUserByEmail(db(), 'sami@example.org');
    const upload = await s.awardImports.upload(
      {
        structureId: closing.structure.id,
        userId: sami!.id,
        fileName: 'promo.csv',
        bytes: new TextEncoder().encode(`email;prénom;nom;badge\njules@example.org;Jules;Lambert;${closing.badgeClasses[0]!.name}\n`),
      },
      { kind: 'user', userId: sami!.id },
    );
    importId = upload.id;
    await lea.signIn('sami@example.org', PASSWORD);
    await both.signIn('rose@example.org', PASSWORD);
    // Rose works in Vire now.
    await both.postFromWorkspace('/espace/structure/changer', { structureId: closing.structure.id });
    expect(text((await both.get('/espace')).body)).toContain('Mission Locale de Vire');
  });

  it('asks for the box to be ticked, and closes nothing without it', async () => {
    const response = await postOnPage(region, closing.structure.id, `/espace/structures/${closing.structure.id}/fermer`);
    expect(response.statusCode).toBe(422);
    expect(text(response.body)).toContain('Cochez la case pour confirmer la fermeture.');
    expect((await ctx.services.structures.get(closing.structure.id)).closedAt).toBeNull();
  });

  it('closes it: the page says so and offers to reopen; the list shows it closed; an audit event is written', async () => {
    advance(60_000);
    const response = await postOnPage(region, closing.structure.id, `/espace/structures/${closing.structure.id}/fermer`, {
      confirm: 'oui',
    });
    expect(response.statusCode).toBe(303);
    const page = await region.get(response.headers.location as string);
    const words = text(page.body);
    expect(words).toContain('La structure Mission Locale de Vire est fermée.');
    expect(words).toContain('Cette structure est fermée depuis le');
    expect(page.body).toContain('Rouvrir la structure');
    expect(page.body).not.toContain('Inviter un autre administrateur');
    // Its pending invitation is kept, unusable while closed.
    expect(words).toContain('waiting@example.org');
    expect(words).toContain('ces invitations ne fonctionnent pas');
    expect(page.body).not.toContain('/renvoyer');
    expect((await ctx.services.structures.get(closing.structure.id)).closedAt).toEqual(clock);
    expect(await auditCount('structure.closed', closing.structure.id)).toBe(1);
    const list = await region.get('/espace/structures');
    expect(text(list.body)).toMatch(/Mission Locale de Vire \d\d\/\d\d\/\d{4} Fermée le \d\d\/\d\d\/\d{4}/);
    // Closing it again: said so.
    const again = await region.postFromWorkspace(`/espace/structures/${closing.structure.id}/fermer`, { confirm: 'oui' });
    expect(again.statusCode).toBe(409);
    expect(text(again.body)).toContain('La structure Mission Locale de Vire est déjà fermée.');
  });

  it('its only structure closed, a member sees a plain page that says so, and no structure page', async () => {
    const home = await lea.get('/espace');
    expect(home.statusCode).toBe(200);
    expect(text(home.body)).toContain('La structure Mission Locale de Vire est fermée : son espace n’est plus accessible.');
    expect(home.body).not.toContain('/espace/delivrer');
    for (const path of ['/espace/delivrer', '/espace/delivrer/csv', '/espace/membres', '/espace/badges', '/espace/jetons']) {
      const refused = await lea.get(path);
      expect(refused.statusCode, path).toBe(403);
      expect(text(refused.body)).toContain(`La structure Mission Locale de Vire ${CLOSED_FR}`);
    }
    const award = await lea.postFromWorkspace('/espace/delivrer', {
      badgeClassId: closing.badgeClasses[0]!.id,
      email: 'x@example.org',
      name: 'X',
    });
    expect(award.statusCode).toBe(403);
    // And a new sign-in lands there too.
    const again = browser();
    await again.signIn('sami@example.org', PASSWORD);
    expect(text((await again.get('/espace')).body)).toContain('est fermée : son espace n’est plus accessible.');
  });

  it('a member of two structures is moved to the other one, and cannot select the closed one', async () => {
    const home = await both.get('/espace');
    expect(text(home.body)).toContain('AFPA Alençon');
    expect(home.body).not.toContain(`value="${closing.structure.id}"`);
    const refused = await both.postFromWorkspace('/espace/structure/changer', { structureId: closing.structure.id });
    expect(refused.statusCode).toBe(403);
  });

  it('awards nothing more: one, many, a CSV import, the API (its tokens refused)', async () => {
    const before = await db().select({ n: count() }).from(assertions).where(eq(assertions.structureId, closing.structure.id));
    const one = ctx.services.awarding.award(
      { structureId: closing.structure.id, badgeClassId: closing.badgeClasses[0]!.id, recipient: { email: 'y@example.org', name: 'Y' } },
      CLI,
    );
    await expect(one).rejects.toBeInstanceOf(StructureRefusal);
    await expect(one).rejects.toMatchObject({ code: 'structure_closed', status: 403 });
    const many = await ctx.services.awarding.awardMany(
      closing.structure.id,
      [{ badgeClassId: closing.badgeClasses[0]!.id, recipient: { email: 'z@example.org', name: 'Z' } }],
      CLI,
    );
    expect(many).toMatchObject([{ status: 'refused', error: { code: 'structure_closed' } }]);
    // The import confirmed now runs to its end, every row refused.
    await ctx.services.awardImports.confirm(closing.structure.id, importId, CLI);
    await ctx.platform.awardImportRunner!.drain();
    const record = await ctx.services.awardImports.get(closing.structure.id, importId);
    expect(record.status).toBe('done');
    expect(record.rows.map((r) => r.failure)).toEqual(['structure_closed']);

    const api = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/assertions',
      headers: { authorization: `Bearer ${closing.token}` },
      payload: { badgeClass: closing.badgeClasses[0]!.id, recipient: { email: 'w@example.org', name: 'W' } },
    });
    expect(api.statusCode).toBe(403);
    expect(api.json()).toEqual({
      error: { code: 'structure_closed', message: `La structure Mission Locale de Vire ${CLOSED_FR}` },
    });
    const english = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/badge-classes',
      headers: { authorization: `Bearer ${closing.token}`, 'accept-language': 'en' },
    });
    expect(english.statusCode).toBe(403);
    expect(english.json().error.message).toBe(
      'The structure Mission Locale de Vire is closed: it awards no more badges and its workspace is no longer available.',
    );
    await expect(ctx.services.apiTokens.create({ structureId: closing.structure.id, name: 'new' }, CLI)).rejects.toMatchObject({
      code: 'structure_closed',
    });
    const after = await db().select({ n: count() }).from(assertions).where(eq(assertions.structureId, closing.structure.id));
    expect(after).toEqual(before);
  });

  it('takes no one in: its invitation links do not work, and nobody can be invited', async () => {
    const link = await invitationLink('waiting@example.org');
    expect((await browser().get(link)).statusCode).toBe(410);
    const invite = await region.postFromWorkspace(`/espace/structures/${closing.structure.id}/invitations`, {
      email: 'new@example.org',
      once: crypto.randomUUID(),
    });
    expect(invite.statusCode).toBe(403);
    expect(text(invite.body)).toContain(`La structure Mission Locale de Vire ${CLOSED_FR}`);
    expect(await latestOutboxMail(db(), 'new@example.org')).toBeUndefined();
  });

  it('its badges stay verifiable and its public pages keep working', async () => {
    const issuer = await ctx.app.inject({
      method: 'GET',
      url: `/issuers/${closing.structure.id}`,
      headers: { accept: 'application/ld+json' },
    });
    expect(issuer.statusCode).toBe(200);
    expect(issuer.json().name).toBe('Mission Locale de Vire');
    const page = await ctx.app.inject({ method: 'GET', url: `/assertions/${assertionId}`, headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    const badgeClass = await ctx.app.inject({
      method: 'GET',
      url: `/badges/${closing.badgeClasses[0]!.id}`,
      headers: { accept: 'text/html' },
    });
    expect(badgeClass.statusCode).toBe(200);
    const assertion = await ctx.services.awarding.get(closing.structure.id, assertionId);
    const jws = await ctx.services.awarding.currentJws(assertion);
    const report = await ctx.services.publication.verify({ kind: 'jws', jws }, 'tom@example.org');
    expect(report.status).toBe('valid');
  });

  it('reopens it: its people, its tokens and its invitations work again; an audit event is written', async () => {
    const response = await postOnPage(region, closing.structure.id, `/espace/structures/${closing.structure.id}/rouvrir`);
    expect(response.statusCode).toBe(303);
    const page = await region.get(response.headers.location as string);
    expect(text(page.body)).toContain('La structure Mission Locale de Vire est rouverte');
    expect(page.body).toContain('Inviter un autre administrateur');
    expect(await auditCount('structure.reopened', closing.structure.id)).toBe(1);
    expect((await lea.get('/espace/delivrer')).statusCode).toBe(200);
    // The import that ran while it was closed says why its row was not awarded.
    expect(text((await lea.get(`/espace/delivrer/csv/${importId}`)).body)).toContain(
      'Non délivré : la structure a été fermée pendant l’envoi.',
    );
    expect((await both.get('/espace')).body).toContain(`value="${closing.structure.id}"`);
    const api = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/badge-classes',
      headers: { authorization: `Bearer ${closing.token}` },
    });
    expect(api.statusCode).toBe(200);
    expect((await browser().get(await invitationLink('waiting@example.org'))).statusCode).toBe(200);
    const again = await region.postFromWorkspace(`/espace/structures/${closing.structure.id}/rouvrir`, {});
    expect(again.statusCode).toBe(409);
    expect(text(again.body)).toContain('La structure Mission Locale de Vire est déjà ouverte.');
  });
});
