import iconv from 'iconv-lite';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertions, badgeClasses, generalBadgeNotices, outboxMessages } from '../../src/db/schema.ts';
import { StructureLearnerService } from '../../src/services/structure-learners.ts';
import { csrfOf, InjectBrowser, pageText as text } from '../support/inject-browser.ts';
import { seedStructure, startTestApp } from '../support/platform.ts';

/**
 * The programme's rules (issue 10), through every entry point: a catalogue
 * badge keeps its meaning; the general badge follows its rule (three « je
 * maîtrise » of four, valid, from any structures) and the structure whose
 * award made a learner eligible is told; a badge already held asks for
 * confirmation (the form, the CSV preview, the API's allowDuplicate).
 */
let ctx: Awaited<ReturnType<typeof startTestApp>>;
const db = () => ctx.platform.database.db;
const CLI = { kind: 'cli' } as const;
const PASSWORD = 'le mot de passe de l’équipe';
let caen: Awaited<ReturnType<typeof seedStructure>>;
let rouen: Awaited<ReturnType<typeof seedStructure>>;
let camille: InjectBrowser;
let romain: InjectBrowser;
let clock = new Date('2026-03-10T10:00:00Z');
const badgeId = (seeded: typeof caen, key: string) => seeded.badgeClasses.find((b) => b.catalogueKey === key)!.id;

const award = (structure: typeof caen, key: string, email: string, extra: { allowDuplicate?: boolean } = {}) =>
  ctx.services.awarding.award(
    { structureId: structure.structure.id, badgeClassId: badgeId(structure, key), recipient: { email, name: 'Nadia Benali' }, ...extra },
    CLI,
  );

const api = (token: string, payload: unknown, language = 'fr') =>
  ctx.app.inject({
    method: 'POST',
    url: '/api/v1/assertions',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'accept-language': language },
    payload: JSON.stringify(payload),
  });

async function assertionsTo(email: string) {
  const [row] = await db().select({ n: count() }).from(assertions).where(eq(assertions.recipientEmail, email));
  return row!.n;
}

async function eligibilityMails(structureId: string) {
  return db()
    .select()
    .from(outboxMessages)
    .where(and(eq(outboxMessages.kind, 'general-badge-eligible'), eq(outboxMessages.structureId, structureId)));
}

const HEADER = 'Courriel;Prénom;Nom;Badge;Preuve;Lien;Expiration';
async function uploadCsv(browser: InjectBrowser, rows: string[]) {
  const page = await browser.get('/espace/delivrer/csv');
  const body = new FormData();
  body.append('_csrf', csrfOf(page.body));
  body.append(
    'file',
    new Blob([new Uint8Array(iconv.encode([HEADER, ...rows].join('\r\n'), 'win1252'))], { type: 'text/csv' }),
    'promo.csv',
  );
  const response = await browser.request('POST', '/espace/delivrer/csv', { multipart: body });
  expect(response.statusCode, response.body.slice(0, 500)).toBe(303);
  return response.headers.location as string;
}

beforeAll(async () => {
  ctx = await startTestApp({ now: () => clock });
  caen = await seedStructure(ctx.services, { name: 'Mission Locale de Caen' });
  rouen = await seedStructure(ctx.services, {
    name: 'AFPA Rouen',
    url: 'https://afpa-rouen.example.org',
    email: 'contact@afpa-rouen.example.org',
  });
  await ctx.services.users.create(
    { email: 'camille@ml-caen.example.org', name: 'Camille Durand', password: PASSWORD, structureId: caen.structure.id, role: 'admin' },
    CLI,
  );
  await ctx.services.users.create(
    { email: 'romain@afpa-rouen.example.org', name: 'Romain Petit', password: PASSWORD, structureId: rouen.structure.id, role: 'admin' },
    CLI,
  );
  camille = new InjectBrowser(() => ctx.app);
  romain = new InjectBrowser(() => ctx.app);
  await camille.signIn('camille@ml-caen.example.org', PASSWORD);
  await romain.signIn('romain@afpa-rouen.example.org', PASSWORD);
});

afterAll(async () => {
  await ctx?.close();
});

describe('catalogue badges keep their meaning', () => {
  it('the service refuses any change of a copy’s name, description, criteria, image or alignment; tags, validity and a local note are the structure’s', async () => {
    const id = badgeId(caen, 'organiser-je-maitrise');
    const row = await ctx.services.badgeClasses.get(caen.structure.id, id);
    const definition = {
      name: row.name,
      description: row.description,
      criteriaNarrative: row.criteriaNarrative,
      tags: row.tags,
      alignment: row.alignment,
      validityDays: row.validityDays,
    };
    for (const change of [
      { name: 'Organiser à notre façon' },
      { description: 'Une autre description.' },
      { criteriaNarrative: 'D’autres critères.' },
      { alignment: [] },
    ]) {
      await expect(ctx.services.badgeClasses.update(caen.structure.id, id, { ...definition, ...change }, null, CLI)).rejects.toMatchObject({
        name: 'BadgeClassRefusal',
        code: 'catalogue_meaning',
        status: 409,
      });
    }
    const otherImage = await ctx.services.badgeClasses.get(caen.structure.id, badgeId(caen, 'general'));
    await expect(
      ctx.services.badgeClasses.update(caen.structure.id, id, definition, { png: otherImage.imagePng, svg: otherImage.imageSvg }, CLI),
    ).rejects.toMatchObject({ code: 'catalogue_meaning' });
    expect(await ctx.services.badgeClasses.get(caen.structure.id, id)).toMatchObject({
      name: row.name,
      description: row.description,
      version: 1,
    });

    const note = 'Apportez un planning que vous avez tenu au moins un mois.';
    const saved = await ctx.services.badgeClasses.update(caen.structure.id, id, { ...definition, tags: [...row.tags, 'caen'] }, null, CLI, {
      localNote: note,
    });
    expect(saved).toMatchObject({ versioned: false, changed: ['tags', 'localNote'] });
    expect(saved.row).toMatchObject({ localNote: note, name: row.name });
    await expect(
      ctx.services.badgeClasses.update(caen.structure.id, id, definition, null, CLI, { localNote: 'x'.repeat(2001) }),
    ).rejects.toMatchObject({ code: 'badge_class_invalid', field: 'localNote' });
  });

  it('the editor shows the catalogue’s fields read-only and saves the local note, shown on the pages but not in the Open Badges document', async () => {
    const id = badgeId(caen, 'communiquer-je-maitrise');
    const form = await camille.get(`/espace/badges/${id}/modifier`);
    expect(form.statusCode).toBe(200);
    const words = text(form.body);
    expect(words).toContain('Ce que dit le catalogue');
    expect(words).toContain('seul le catalogue les change');
    expect(form.body).not.toContain('name="name"');
    expect(form.body).not.toContain('name="criteriaNarrative"');
    expect(form.body).toContain('name="localNote"');
    expect(form.body).toContain(`href="/espace/badges/${id}/copier"`);

    const row = await ctx.services.badgeClasses.get(caen.structure.id, id);
    // A post that says otherwise changes nothing of the catalogue's fields.
    const saved = await camille.postFromWorkspace(
      `/espace/badges/${id}/modifier`,
      {
        action: 'save',
        name: 'Communiquer selon Caen',
        description: 'Autre chose.',
        criteriaNarrative: 'Autre chose.',
        tags: row.tags.join(', '),
        localNote: 'Une vidéo de deux minutes suffit.',
        validityAmount: '',
        validityUnit: 'months',
        imageSource: 'generate',
      },
      { multipart: true },
    );
    expect(saved.statusCode, text(saved.body).slice(0, 600)).toBe(303);
    const after = await ctx.services.badgeClasses.get(caen.structure.id, id);
    expect(after).toMatchObject({ name: row.name, description: row.description, criteriaNarrative: row.criteriaNarrative, version: 1 });
    expect(after.localNote).toBe('Une vidéo de deux minutes suffit.');
    expect(Buffer.from(after.imagePng).equals(Buffer.from(row.imagePng))).toBe(true);

    expect(text((await camille.get(`/espace/badges/${id}`)).body)).toContain('Une vidéo de deux minutes suffit.');
    const publicPage = text((await ctx.app.inject({ url: `/badges/${id}`, headers: { accept: 'text/html' } })).body);
    expect(publicPage).toContain('Précisions de Mission Locale de Caen sur les preuves attendues');
    expect(publicPage).toContain('Une vidéo de deux minutes suffit.');
    const document = (await ctx.app.inject({ url: `/badges/${id}`, headers: { accept: 'application/ld+json' } })).body;
    expect(document).not.toContain('Une vidéo');
  });

  it('« Faire mon propre badge à partir de celui-ci » makes the structure’s own badge: not regional, not counted for the general badge', async () => {
    const source = badgeId(caen, 's-integrer-je-maitrise');
    const page = await camille.get(`/espace/badges/${source}/copier`);
    expect(page.statusCode).toBe(200);
    expect(text(page.body)).toContain('ne comptera pas pour le badge général');
    expect(page.body).toContain('value="S’intégrer — je maîtrise — Mission Locale de Caen"');
    expect(page.body).not.toMatch(/name="framework" value="[^"]+" checked/);

    const row = await ctx.services.badgeClasses.get(caen.structure.id, source);
    const created = await camille.postFromWorkspace(
      '/espace/badges/nouveau',
      {
        action: 'save',
        name: 'S’intégrer à Caen',
        description: row.description,
        criteriaNarrative: row.criteriaNarrative,
        tags: '',
        validityAmount: '',
        validityUnit: 'months',
        imageSource: 'generate',
        shape: 'circle',
        palette: 'bleu',
        pictogram: 'checklist',
        level: '2',
      },
      { multipart: true },
    );
    expect(created.statusCode, text(created.body).slice(0, 600)).toBe(303);
    const ownId = /\/espace\/badges\/([0-9a-f-]{36})/.exec(created.headers.location as string)![1]!;
    const [own] = await db().select().from(badgeClasses).where(eq(badgeClasses.id, ownId));
    expect(own).toMatchObject({ catalogueKey: null, alignment: [] });
    expect(text((await camille.get(`/espace/badges/${ownId}`)).body)).toContain('Badge de la structure');

    // Two « je maîtrise » and the structure's own badge: not eligible.
    const email = 'own.copy@example.org';
    await award(caen, 'organiser-je-maitrise', email);
    await award(caen, 'communiquer-je-maitrise', email);
    await ctx.services.awarding.award(
      { structureId: caen.structure.id, badgeClassId: ownId, recipient: { email, name: 'Léo Copie' } },
      CLI,
    );
    const refused = await api(caen.token, { badgeClass: badgeId(caen, 'general'), recipient: { email, name: 'Léo Copie' } });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('not_eligible');
    expect(await eligibilityMails(caen.structure.id)).toHaveLength(0);
  });
});

describe('the catalogue changes its badges for every structure', () => {
  it('insigne catalogue sync carries the regional text to every copy: a new version where awarded, earlier awards keeping theirs', async () => {
    // Right after seeding, every copy says what the code says: nothing to do.
    expect(await ctx.services.catalogue.syncRegional(ctx.services.badgeClasses, CLI)).toEqual({ updated: 0, versioned: 0 });
    // A copy written by an earlier release (older words), awarded once at Rouen, never at Caen.
    const key = 's-adapter-je-pratique';
    for (const seeded of [caen, rouen])
      await db()
        .update(badgeClasses)
        .set({ description: 'Ancienne description.' })
        .where(eq(badgeClasses.id, badgeId(seeded, key)));
    const earlier = await award(rouen, key, 'ancienne.version@example.org');
    expect(await ctx.services.catalogue.syncRegional(ctx.services.badgeClasses, CLI)).toEqual({ updated: 1, versioned: 1 });
    const [caenCopy] = await db()
      .select()
      .from(badgeClasses)
      .where(eq(badgeClasses.id, badgeId(caen, key)));
    expect(caenCopy).toMatchObject({ version: 1, archivedAt: null });
    expect(caenCopy!.description).not.toBe('Ancienne description.');
    const rouenLive = (await ctx.services.badgeClasses.listAwardable(rouen.structure.id)).find((b) => b.catalogueKey === key)!;
    expect(rouenLive).toMatchObject({ version: 2, previousVersionId: badgeId(rouen, key), description: caenCopy!.description });
    const [kept] = await db().select().from(assertions).where(eq(assertions.id, earlier.assertion.id));
    expect(kept!.badgeClassId).toBe(badgeId(rouen, key));
    const oldDocument = (
      await ctx.app.inject({ url: `/badges/${badgeId(rouen, key)}`, headers: { accept: 'application/ld+json' } })
    ).json();
    expect(oldDocument.description).toBe('Ancienne description.');
    rouen.badgeClasses = await ctx.services.badgeClasses.listAwardable(rouen.structure.id);
  });
});

describe('the general badge follows its rule', () => {
  it('is refused (API, form, CSV) until three « je maîtrise » are held, naming the missing ones; nothing is written', async () => {
    const email = 'ines.general@example.org';
    await award(rouen, 'organiser-je-maitrise', email);
    const general = badgeId(caen, 'general');
    const before = await assertionsTo(email);

    const fr = await api(caen.token, { badgeClass: general, recipient: { email, name: 'Inès Moreau' } });
    expect(fr.statusCode).toBe(422);
    expect(fr.json().error.code).toBe('not_eligible');
    const message = fr.json().error.message as string;
    expect(message).toContain('en détient 1 sur 4 : il en manque 2');
    for (const missing of ['« Communiquer — je maîtrise »', '« S’adapter — je maîtrise »', '« S’intégrer — je maîtrise »'])
      expect(message).toContain(missing);
    expect(message).not.toContain('« Organiser — je maîtrise »');
    const en = await api(caen.token, { badgeClass: general, recipient: { email, name: 'Inès Moreau' } }, 'en');
    expect(en.json().error.message).toContain('This person holds 1 of 4: 2 more needed');

    // The one-award form says it on the form, next to the badge.
    const form = await camille.postFromWorkspace('/espace/delivrer', {
      email,
      firstName: 'Inès',
      lastName: 'Moreau',
      badgeClassId: general,
      key: '6a1d2a8e-2c43-4b0e-9b8e-0a5d1a3c7f10',
    });
    expect(form.statusCode).toBe(422);
    expect(text(form.body)).toContain('il en manque 2, à choisir parmi');
    const confirm = await camille.postFromWorkspace('/espace/delivrer/confirmer', {
      action: 'confirm',
      email,
      firstName: 'Inès',
      lastName: 'Moreau',
      badgeClassId: general,
      key: '6a1d2a8e-2c43-4b0e-9b8e-0a5d1a3c7f11',
    });
    expect(confirm.statusCode).toBe(422);

    // The CSV preview names the problem on the line.
    const preview = await camille.get(await uploadCsv(camille, [`${email};Inès;Moreau;general;;;`]));
    expect(text(preview.body)).toContain('il en manque 2, à choisir parmi');
    expect(await assertionsTo(email)).toBe(before);
  });

  it('the third « je maîtrise » tells the structure that awarded it (dashboard, email); one click awards it, once', async () => {
    const email = 'sami.trois@example.org';
    await award(rouen, 'organiser-je-maitrise', email);
    await award(rouen, 'communiquer-je-maitrise', email);
    expect(text((await camille.get('/espace')).body)).not.toContain('sami.trois@example.org');
    // The third, from Caen, by the API.
    const third = await api(caen.token, { badgeClass: badgeId(caen, 's-adapter-je-maitrise'), recipient: { email, name: 'Sami Haddad' } });
    expect(third.statusCode).toBe(201);

    const mails = await eligibilityMails(caen.structure.id);
    expect(mails.filter((m) => m.textBody.includes(email))).toHaveLength(1);
    const mail = mails.find((m) => m.textBody.includes(email))!;
    expect(mail.toAddress).toBe('contact@mission-locale-caen.example.org');
    expect(mail.subject).toBe('Sami Haddad peut recevoir le badge général');
    expect(mail.textBody).toContain('S’adapter — je maîtrise');
    expect((await eligibilityMails(rouen.structure.id)).filter((m) => m.textBody.includes(email))).toHaveLength(0);

    const dashboard = await camille.get('/espace');
    const words = text(dashboard.body);
    expect(words).toContain('Badge général : à vous de décider');
    expect(words).toContain('Sami Haddad (sami.trois@example.org)');
    const key = StructureLearnerService.keyOf(caen.structure.id, email);
    expect(dashboard.body).toContain(`action="/espace/apprenants/${key}/badge-general"`);
    expect(text((await romain.get('/espace')).body)).not.toContain('sami.trois@example.org');

    // A fourth « je maîtrise » tells nobody again.
    await award(caen, 's-integrer-je-maitrise', email);
    expect((await eligibilityMails(caen.structure.id)).filter((m) => m.textBody.includes(email))).toHaveLength(1);

    const awarded = await camille.postFromWorkspace(`/espace/apprenants/${key}/badge-general`, {});
    expect(awarded.statusCode).toBe(303);
    const again = await camille.postFromWorkspace(`/espace/apprenants/${key}/badge-general`, {});
    expect(again.headers.location).toBe(awarded.headers.location);
    const held = await db()
      .select()
      .from(assertions)
      .where(and(eq(assertions.recipientEmail, email), eq(assertions.badgeClassId, badgeId(caen, 'general'))));
    expect(held).toHaveLength(1);
    expect(text((await camille.get('/espace')).body)).not.toContain('sami.trois@example.org');
  });

  it('an erasure the learner asked for leaves no eligibility email naming them: the one not sent yet is never sent', async () => {
    const email = 'efface.eligible@example.org';
    await award(rouen, 'organiser-je-maitrise', email);
    await award(rouen, 'communiquer-je-maitrise', email);
    await award(caen, 's-adapter-je-maitrise', email);
    const [queued] = (await eligibilityMails(caen.structure.id)).filter((m) => m.textBody.includes(email));
    // Not sent yet (this test platform has no SMTP server: held).
    expect(queued!.status).not.toBe('sent');

    await ctx.services.learners.erase({ id: 'x', email, csrfSecret: 'x', expiresAt: new Date(0) });
    const [after] = await db().select().from(outboxMessages).where(eq(outboxMessages.id, queued!.id));
    expect(after!.status).toBe('suppressed');
    expect(`${after!.subject} ${after!.textBody} ${after!.htmlBody}`).not.toContain('efface.eligible');
    expect(text((await camille.get('/espace')).body)).not.toContain(email);
  });

  it('an expired or revoked « je maîtrise » does not count; a general badge from another structure means no notice and no second award', async () => {
    const email = 'lou.autre@example.org';
    // An award that expired on 2 March…
    clock = new Date('2026-03-01T10:00:00Z');
    await ctx.services.awarding.award(
      {
        structureId: caen.structure.id,
        badgeClassId: badgeId(caen, 's-integrer-je-maitrise'),
        recipient: { email, name: 'Lou' },
        expires: new Date('2026-03-02T10:00:00Z'),
      },
      CLI,
    );
    clock = new Date('2026-03-10T10:00:00Z');
    // …and a revoked one do not count: with a third valid one, two are held.
    const organiser = await award(rouen, 'organiser-je-maitrise', email);
    await award(rouen, 'communiquer-je-maitrise', email);
    await ctx.services.awarding.revoke(rouen.structure.id, organiser.assertion.id, 'Erreur de personne', CLI);
    await award(caen, 's-adapter-je-maitrise', email);
    expect((await db().select().from(generalBadgeNotices).where(eq(generalBadgeNotices.recipientEmail, email))).length).toBe(0);
    const refused = await api(caen.token, { badgeClass: badgeId(caen, 'general'), recipient: { email, name: 'Lou' } });
    expect(refused.json().error.message).toContain('en détient 2 sur 4');

    // Rouen makes them eligible and awards the general badge; Caen is told nothing and cannot award it again.
    await award(rouen, 'organiser-je-maitrise', email);
    expect(await eligibilityMails(rouen.structure.id).then((m) => m.filter((x) => x.textBody.includes(email)))).toHaveLength(1);
    expect((await award(rouen, 'general', email)).assertion.id).toBeTruthy();
    await award(caen, 's-integrer-je-maitrise', email);
    expect((await eligibilityMails(caen.structure.id)).filter((m) => m.textBody.includes(email))).toHaveLength(0);
    const elsewhere = await api(caen.token, { badgeClass: badgeId(caen, 'general'), recipient: { email, name: 'Lou' } });
    expect(elsewhere.statusCode).toBe(422);
    expect(elsewhere.json().error).toMatchObject({ code: 'held_elsewhere' });
    expect(elsewhere.json().error.message).not.toContain('AFPA Rouen');
  });

  it('a CSV that gives the third « je maîtrise » tells the structure once', async () => {
    const email = 'csv.trois@example.org';
    await award(rouen, 'organiser-je-maitrise', email);
    const url = await uploadCsv(camille, [
      `${email};Zoé;Lambert;communiquer-je-maitrise;;;`,
      `${email};Zoé;Lambert;s-adapter-je-maitrise;;;`,
      `${email};Zoé;Lambert;s-integrer-je-maitrise;;;`,
    ]);
    const id = url.split('/').pop()!;
    expect((await camille.postFromWorkspace(`${url}/confirmer`, {})).statusCode).toBe(303);
    await ctx.platform.awardImportRunner!.drain();
    expect((await ctx.services.awardImports.get(caen.structure.id, id)).awarded).toBe(3);
    expect((await eligibilityMails(caen.structure.id)).filter((m) => m.textBody.includes(email))).toHaveLength(1);
    expect(text((await camille.get('/espace')).body)).toContain('Zoé Lambert (csv.trois@example.org)');
  });
});

describe('a badge already held asks for confirmation', () => {
  it('the API answers 409 duplicate_award unless allowDuplicate is true; another structure’s award, a revoked one or an expired one is no duplicate', async () => {
    const email = 'double.api@example.org';
    const body = { badgeClass: badgeId(caen, 'organiser-je-pratique'), recipient: { email, name: 'Double' } };
    expect((await api(caen.token, body)).statusCode).toBe(201);
    const refused = await api(caen.token, body);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('duplicate_award');
    expect(refused.json().error.message).toContain('détient déjà ce badge, délivré par votre structure le 2026-03-10');
    expect(refused.json().error.message).toContain('"allowDuplicate": true');
    expect(await assertionsTo(email)).toBe(1);
    expect((await api(caen.token, { ...body, allowDuplicate: true })).statusCode).toBe(201);
    expect((await api(rouen.token, { ...body, badgeClass: badgeId(rouen, 'organiser-je-pratique') })).statusCode).toBe(201);
    expect((await api(caen.token, { ...body, allowDuplicate: 'oui' })).statusCode).toBe(400);

    const other = 'double.revoked@example.org';
    const first = await award(caen, 'communiquer-je-pratique', other);
    await ctx.services.awarding.revoke(caen.structure.id, first.assertion.id, 'Erreur', CLI);
    expect(
      (await api(caen.token, { badgeClass: badgeId(caen, 'communiquer-je-pratique'), recipient: { email: other, name: 'R' } })).statusCode,
    ).toBe(201);
  });

  it('the form warns on the confirmation page and needs the box ticked', async () => {
    const email = 'double.form@example.org';
    await award(caen, 's-adapter-je-pratique', email);
    const fields = {
      email,
      firstName: 'Jules',
      lastName: 'Martin',
      badgeClassId: badgeId(caen, 's-adapter-je-pratique'),
      key: '1f0b7e0a-8c6e-4d7e-a1f3-3b1c0d2e4f50',
    };
    const confirmation = await camille.postFromWorkspace('/espace/delivrer', fields);
    expect(confirmation.statusCode).toBe(200);
    expect(text(confirmation.body)).toContain('Cette personne détient déjà ce badge, délivré par votre structure le 10 mars 2026');
    expect(confirmation.body).toContain('name="allowDuplicate"');

    const unticked = await camille.postFromWorkspace('/espace/delivrer/confirmer', { ...fields, action: 'confirm' });
    expect(unticked.statusCode).toBe(409);
    expect(text(unticked.body)).toContain('Cochez la case pour délivrer ce badge une seconde fois');
    expect(await assertionsTo(email)).toBe(1);

    const ticked = await camille.postFromWorkspace('/espace/delivrer/confirmer', { ...fields, action: 'confirm', allowDuplicate: 'yes' });
    expect(ticked.statusCode).toBe(303);
    expect(await assertionsTo(email)).toBe(2);
    // Not held: no warning.
    const fresh = await camille.postFromWorkspace('/espace/delivrer', { ...fields, email: 'pas.double@example.org' });
    expect(fresh.body).not.toContain('name="allowDuplicate"');
  });

  it('the CSV preview flags the lines and the confirmation needs an explicit choice: skip them, or award them again', async () => {
    const held = 'double.csv@example.org';
    await award(caen, 's-integrer-je-pratique', held);
    const rows = [`${held};Anna;Roy;s-integrer-je-pratique;;;`, `nouvelle.csv@example.org;Paul;Roy;s-integrer-je-pratique;;;`];

    const url = await uploadCsv(camille, rows);
    const preview = await camille.get(url);
    expect(text(preview.body)).toContain('Déjà détenu et valide (délivré par votre structure)');
    expect(text(preview.body)).toContain('1 ligne donne un badge que la personne détient déjà');
    const noChoice = await camille.postFromWorkspace(`${url}/confirmer`, {});
    expect(noChoice.statusCode).toBe(422);
    expect(text(noChoice.body)).toContain('Choisissez ce que deviennent les lignes d’un badge déjà détenu.');
    expect((await camille.postFromWorkspace(`${url}/confirmer`, { duplicates: 'peut-être' })).statusCode).toBe(422);
    expect((await camille.postFromWorkspace(`${url}/confirmer`, { duplicates: 'skip' })).statusCode).toBe(303);
    await ctx.platform.awardImportRunner!.drain();
    const skipped = await camille.get(url);
    expect(text(skipped.body)).toContain('Non délivré : la personne détient déjà ce badge (votre choix)');
    expect(await assertionsTo(held)).toBe(1);
    expect(await assertionsTo('nouvelle.csv@example.org')).toBe(1);

    // The same lines again (another file): award them a second time.
    const second = await uploadCsv(camille, [`${held};Anna;Roy;s-integrer-je-pratique;Deuxième atelier;;`]);
    expect((await camille.postFromWorkspace(`${second}/confirmer`, { duplicates: 'award' })).statusCode).toBe(303);
    await ctx.platform.awardImportRunner!.drain();
    expect(await assertionsTo(held)).toBe(2);
  });
});
