import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogueImage } from '../../src/catalogue/assets.ts';
import { assertions, auditEvents, badgeClasses, catalogueEntries } from '../../src/db/schema.ts';
import { type FormFields, InjectBrowser, pageText as text } from '../support/inject-browser.ts';
import { seedStructure, startTestApp } from '../support/platform.ts';

/**
 * The badge class pages through fastify's real request path, on the real
 * database: the editor (multipart forms, uploads, the generator), versions
 * once a badge class is awarded, archiving, the shared catalogue, the roles
 * and structures that may do each thing, CSRF, and hostile input in every field.
 */
const CLI = { kind: 'cli' } as const;
const PASSWORD = 'le mot de passe de l’équipe';

let ctx: Awaited<ReturnType<typeof startTestApp>>;
const db = () => ctx.platform.database.db;
let ipCounter = 0;

type Fields = FormFields;

/** A person's browser (test/support/inject-browser.ts), signing in with the team's password. */
class Browser extends InjectBrowser {
  constructor() {
    super(() => ctx.app, `198.51.100.${++ipCounter}`);
  }

  override signIn(email: string) {
    return super.signIn(email, PASSWORD);
  }
}

const idFrom = (location: string | undefined) => /\/espace\/badges\/([0-9a-f-]{36})/.exec(String(location))![1]!;

async function auditCount(action: string, targetId?: string) {
  const [row] = await db()
    .select({ n: count() })
    .from(auditEvents)
    .where(and(eq(auditEvents.action, action), targetId ? eq(auditEvents.targetId, targetId) : undefined));
  return Number(row!.n);
}

async function badgeClassCount(structureId: string) {
  const [row] = await db().select({ n: count() }).from(badgeClasses).where(eq(badgeClasses.structureId, structureId));
  return Number(row!.n);
}

async function badgeClassRow(id: string) {
  const [row] = await db().select().from(badgeClasses).where(eq(badgeClasses.id, id));
  return row!;
}

/** The editor's fields for a badge made with the generator. */
const badgeForm = (overrides: Fields = {}): Fields => ({
  action: 'save',
  name: 'Travailler en équipe',
  description: 'La personne contribue au travail d’une équipe et respecte ses règles.',
  criteriaNarrative: 'Observé pendant un chantier collectif :\n\n- partage les tâches\n- **écoute** les autres',
  tags: 'équipe, coopération',
  framework: 'INT-P',
  'alignment-0-name': 'Travailler en équipe',
  'alignment-0-url': 'https://competences.example.org/equipe',
  'alignment-0-description': '',
  'alignment-0-framework': 'Référentiel maison',
  'alignment-0-code': 'EQ-1',
  validityAmount: '12',
  validityUnit: 'months',
  imageSource: 'generate',
  shape: 'hexagon',
  palette: 'vert',
  pictogram: 'people',
  level: '1',
  ...overrides,
});

const SVG_UPLOAD =
  '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" onload="alert(1)">' +
  '<script>alert(1)</script><circle cx="50" cy="50" r="45" fill="#5a2d82"/>' +
  '<image href="https://evil.example/t.png" width="10" height="10"/></svg>';
const svgFile = (svg = SVG_UPLOAD, fileName = 'badge.svg') => ({ fileName, bytes: new TextEncoder().encode(svg), type: 'image/svg+xml' });

const people = { region: new Browser(), admin: new Browser(), advisor: new Browser(), otherAdmin: new Browser() };
let caen: string;
let rouen: string;

beforeAll(async () => {
  ctx = await startTestApp();
  const s = ctx.services;
  caen = (await seedStructure(s, { name: 'Mission Locale de Caen' })).structure.id;
  rouen = (await seedStructure(s, { name: 'Cap Emploi Rouen' })).structure.id;
  await s.users.create({ email: 'region@example.org', name: 'Région', password: PASSWORD, platformAdmin: true }, CLI);
  await s.users.create({ email: 'admin@caen.example.org', name: 'Awa Diallo', password: PASSWORD, structureId: caen, role: 'admin' }, CLI);
  await s.users.create(
    { email: 'conseil@caen.example.org', name: 'Hugo Petit', password: PASSWORD, structureId: caen, role: 'advisor' },
    CLI,
  );
  await s.users.create(
    { email: 'admin@rouen.example.org', name: 'Nina Leroy', password: PASSWORD, structureId: rouen, role: 'admin' },
    CLI,
  );
  await people.region.signIn('region@example.org');
  await people.admin.signIn('admin@caen.example.org');
  await people.advisor.signIn('conseil@caen.example.org');
  await people.otherAdmin.signIn('admin@rouen.example.org');
});

afterAll(async () => {
  await ctx?.close();
});

describe('the list of badge classes', () => {
  it('members see the structure’s badges with image, version and number awarded; only admins get the editor', async () => {
    const list = await people.advisor.get('/espace/badges');
    expect(list.statusCode).toBe(200);
    const words = text(list.body);
    expect(words).toContain('Badges à délivrer (9)');
    expect(words).toContain('Organiser — je pratique');
    expect(words).toContain('version 1 · 0 délivré');
    expect(words).toContain('Badges archivés (0)');
    expect(list.body).toMatch(/<img src="\/badges\/[0-9a-f-]{36}\/image\.png"/);
    expect(list.body).not.toContain('href="/espace/badges/nouveau"');
    expect((await people.admin.get('/espace/badges')).body).toContain('href="/espace/badges/nouveau"');

    for (const url of ['/espace/badges/nouveau', '/espace/badges/catalogue', '/espace/plateforme/catalogue']) {
      expect((await people.advisor.get(url)).statusCode, url).toBe(403);
    }
    expect((await people.admin.get('/espace/plateforme/catalogue')).statusCode).toBe(403);
    const anonymous = await new Browser().get('/espace/badges');
    expect(anonymous.statusCode).toBe(303);
  });

  it('in English, the badges’ French names and criteria say they are French', async () => {
    const english = await new Browser().get('/espace/badges', { 'accept-language': 'en' });
    expect(english.statusCode).toBe(303);
    const list = await people.advisor.get('/espace/badges?lang=en');
    expect(list.body).toContain('<html lang="en"');
    expect(list.body).toMatch(/<strong lang="fr">Organiser — je pratique<\/strong>/);
    const shown = await people.advisor.get(/href="(\/espace\/badges\/[0-9a-f-]{36})"/.exec(list.body)![1]!);
    expect(shown.body).toMatch(/<h1 class="badge-name" lang="fr">/);
    expect(shown.body).toMatch(/<div class="prose narrative" lang="fr">/);
    expect(shown.body).not.toContain('undefined');
    // Back to French: no lang attribute where the page is French already.
    const french = await people.advisor.get('/espace/badges?lang=fr');
    expect(french.body).toMatch(/<strong>Organiser — je pratique<\/strong>/);
  });
});

describe('creating and editing a badge class', () => {
  let generatedId: string;

  it('an admin creates a badge with a generated image; it is published at once', async () => {
    const page = await people.admin.get('/espace/badges/nouveau');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('enctype="multipart/form-data"');
    expect(page.body).toMatch(/<svg class="swatch"[^>]*>.*fill="#11665a"/);

    const preview = await people.admin.postFromWorkspace('/espace/badges/nouveau', badgeForm({ action: 'preview' }), { multipart: true });
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('src="data:image/svg+xml;base64,');
    expect(await badgeClassCount(caen)).toBe(9);

    const created = await people.admin.postFromWorkspace('/espace/badges/nouveau', badgeForm(), { multipart: true });
    expect(created.statusCode, created.body.slice(0, 800)).toBe(303);
    generatedId = idFrom(created.headers.location);
    const row = await badgeClassRow(generatedId);
    expect(row).toMatchObject({ structureId: caen, version: 1, catalogueKey: null, validityDays: 365, tags: ['équipe', 'coopération'] });
    expect(row.alignment.map((a) => a.targetCode)).toEqual(['INT-P', 'EQ-1']);
    expect(row.imageSvg).toContain('aria-label="Travailler en équipe"');
    expect(await auditCount('badge_class.created', generatedId)).toBe(1);

    const shown = await people.advisor.get(`/espace/badges/${generatedId}`);
    expect(shown.statusCode).toBe(200);
    expect(text(shown.body)).toContain('Durée de validité 1 an');
    expect(shown.body).toContain('<strong>écoute</strong>');
    expect(shown.body).not.toContain(`/espace/badges/${generatedId}/modifier`); // advisors do not edit

    const document = await ctx.app.inject({ url: `/badges/${generatedId}`, headers: { accept: 'application/ld+json' } });
    expect(document.json()).toMatchObject({
      type: 'BadgeClass',
      name: 'Travailler en équipe',
      alignment: [
        { targetCode: 'INT-P', targetUrl: 'https://badges.insigne.test/referentiel#s-integrer' },
        { targetCode: 'EQ-1', targetUrl: 'https://competences.example.org/equipe' },
      ],
    });
    const awardable = await ctx.services.badgeClasses.listAwardable(caen);
    expect(awardable.map((b) => b.id)).toContain(generatedId);
  });

  it('an uploaded SVG is published cleaned, with a PNG rendered from it', async () => {
    const created = await people.admin.postFromWorkspace(
      '/espace/badges/nouveau',
      badgeForm({ name: 'Badge importé', imageSource: 'upload', image: svgFile() }),
      { multipart: true },
    );
    expect(created.statusCode, created.body.slice(0, 800)).toBe(303);
    const id = idFrom(created.headers.location);
    const svg = await ctx.app.inject({ url: `/badges/${id}/image.svg` });
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    expect(svg.body).toContain('<circle');
    expect(svg.body).not.toMatch(/script|onload|evil\.example/);
    const png = await ctx.app.inject({ url: `/badges/${id}/image.png` });
    expect(png.rawPayload.subarray(0, 4).toString('latin1')).toBe('\x89PNG');
  });

  it('an upload is previewed, kept across the preview, and saved', async () => {
    const png = loadCatalogueImage('general').png;
    const preview = await people.admin.postFromWorkspace(
      '/espace/badges/nouveau',
      badgeForm({
        action: 'preview',
        name: 'Badge PNG',
        imageSource: 'upload',
        image: { fileName: 'logo.png', bytes: png, type: 'image/png' },
      }),
      { multipart: true },
    );
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('src="data:image/png;base64,');
    const kept = /name="keptImage" value="([^"]+)"/.exec(preview.body)![1]!;
    expect(text(preview.body)).toContain('Fichier retenu : logo.png');
    const saved = await people.admin.postFromWorkspace(
      '/espace/badges/nouveau',
      badgeForm({ name: 'Badge PNG', imageSource: 'upload', keptImage: kept, keptImageName: 'logo.png' }),
      { multipart: true },
    );
    expect(saved.statusCode).toBe(303);
    const row = await badgeClassRow(idFrom(saved.headers.location));
    expect(row.imageSvg).toBeNull();
    expect(Buffer.from(row.imagePng).subarray(0, 8).equals(Buffer.from(png).subarray(0, 8))).toBe(true);
  });

  it('refuses bad uploads with a message, and creates nothing', async () => {
    const before = await badgeClassCount(caen);
    const cases: [Fields['image'] | undefined, string][] = [
      [{ fileName: 'badge.png', bytes: new TextEncoder().encode('pas une image') }, 'Ce fichier n’est pas une image PNG ou SVG lisible.'],
      [{ fileName: 'badge.svg', bytes: loadCatalogueImage('general').png }, 'Le nom du fichier ne correspond pas à son contenu'],
      [{ fileName: 'grand.png', bytes: new Uint8Array(600 * 1024) }, 'Ce fichier est trop lourd : 512 Ko au maximum.'],
      [svgFile('<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'), 'contient des éléments refusés'],
      [undefined, 'Choisissez un fichier PNG ou SVG, ou créez une image.'],
    ];
    for (const [image, message] of cases) {
      const response = await people.admin.postFromWorkspace(
        '/espace/badges/nouveau',
        badgeForm({ imageSource: 'upload', ...(image ? { image } : {}) }),
        { multipart: true },
      );
      expect(response.statusCode, message).toBe(422);
      expect(text(response.body)).toContain(message);
      expect(response.body).toContain('href="#image"');
      // What was typed is kept.
      expect(response.body).toContain('value="Travailler en équipe"');
    }
    const tooBig = await people.admin.postFromWorkspace(
      '/espace/badges/nouveau',
      badgeForm({ imageSource: 'upload', image: { fileName: 'énorme.png', bytes: new Uint8Array(3 * 1024 * 1024) } }),
      { multipart: true },
    );
    expect(tooBig.statusCode).toBe(413);
    // The editor again, saying why, never a bare error page.
    expect(tooBig.headers['content-type']).toContain('text/html');
    expect(text(tooBig.body)).toContain('Ce fichier est trop lourd : 512 Ko au maximum.');
    expect(tooBig.body).toContain('href="#image"');
    expect(tooBig.body).toContain('action="/espace/badges/nouveau"');
    expect(await badgeClassCount(caen)).toBe(before);
  });

  it('the same form saved twice (a double click) makes one badge', async () => {
    const before = await badgeClassCount(caen);
    const form = await people.admin.get('/espace/badges/nouveau');
    const once = /name="once" value="([^"]+)"/.exec(form.body)?.[1];
    expect(once).toBeDefined();
    const post = () =>
      people.admin.postFromWorkspace('/espace/badges/nouveau', badgeForm({ name: 'Doublon évité', imageSource: 'generate', once: once! }), {
        multipart: true,
      });
    const first = await post();
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toMatch(/^\/espace\/badges\/[0-9a-f-]{36}\?fait=cree$/);
    const second = await post();
    expect(second.statusCode).toBe(303);
    expect(second.headers.location).toBe('/espace/badges');
    expect(await badgeClassCount(caen)).toBe(before + 1);
  });

  it('edits a badge never awarded in place', async () => {
    const form = await people.admin.get(`/espace/badges/${generatedId}/modifier`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="keep" checked');
    expect(form.body).toMatch(/value="INT-P" checked/);
    const saved = await people.admin.postFromWorkspace(
      `/espace/badges/${generatedId}/modifier`,
      badgeForm({ imageSource: 'keep', description: 'Nouvelle description.', validityAmount: '90', validityUnit: 'days' }),
      { multipart: true },
    );
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`/espace/badges/${generatedId}?fait=modifie`);
    const row = await badgeClassRow(generatedId);
    expect(row).toMatchObject({ version: 1, description: 'Nouvelle description.', validityDays: 90, archivedAt: null });
    expect(await auditCount('badge_class.updated', generatedId)).toBe(1);
    const same = await people.admin.postFromWorkspace(
      `/espace/badges/${generatedId}/modifier`,
      badgeForm({ imageSource: 'keep', description: 'Nouvelle description.', validityAmount: '90', validityUnit: 'days' }),
      { multipart: true },
    );
    expect(same.headers.location).toBe(`/espace/badges/${generatedId}?fait=inchange`);
    // A file far over the limit: the editor of this badge again, with its stored fields, saying why.
    const tooBig = await people.admin.postFromWorkspace(
      `/espace/badges/${generatedId}/modifier`,
      badgeForm({ imageSource: 'upload', image: { fileName: 'énorme.png', bytes: new Uint8Array(3 * 1024 * 1024) } }),
      { multipart: true },
    );
    expect(tooBig.statusCode).toBe(413);
    expect(text(tooBig.body)).toContain('Ce fichier est trop lourd : 512 Ko au maximum.');
    expect(tooBig.body).toContain(`action="/espace/badges/${generatedId}/modifier"`);
    expect(tooBig.body).toContain('Nouvelle description.');
  });

  it('once awarded, a change of meaning makes version 2; the old assertion keeps the old version', async () => {
    const before = await badgeClassRow(generatedId);
    const { assertion } = await ctx.services.awarding.award(
      { allowDuplicate: true, structureId: caen, badgeClassId: generatedId, recipient: { email: 'ines@example.org', name: 'Inès Moreau' } },
      CLI,
    );
    // Tags only classify: changed in place.
    const tagsOnly = await people.admin.postFromWorkspace(
      `/espace/badges/${generatedId}/modifier`,
      badgeForm({ imageSource: 'keep', description: before.description, validityAmount: '90', validityUnit: 'days', tags: 'équipe' }),
      { multipart: true },
    );
    expect(tagsOnly.headers.location).toBe(`/espace/badges/${generatedId}?fait=modifie`);
    expect((await badgeClassRow(generatedId)).tags).toEqual(['équipe']);
    const oldImage = (await ctx.app.inject({ url: `/badges/${generatedId}/image.png` })).rawPayload;

    const edit = await people.admin.get(`/espace/badges/${generatedId}/modifier`);
    expect(text(edit.body)).toContain('Ce badge a été délivré 1 fois');
    const saved = await people.admin.postFromWorkspace(
      `/espace/badges/${generatedId}/modifier`,
      badgeForm({
        name: 'Travailler en équipe (2026)',
        imageSource: 'generate',
        palette: 'rouge',
        validityAmount: '90',
        validityUnit: 'days',
        tags: 'équipe',
      }),
      { multipart: true },
    );
    expect(saved.statusCode).toBe(303);
    const nextId = idFrom(saved.headers.location);
    expect(saved.headers.location).toContain('fait=version');
    expect(nextId).not.toBe(generatedId);
    const [old, next] = [await badgeClassRow(generatedId), await badgeClassRow(nextId)];
    expect(old.archivedAt).not.toBeNull();
    expect(old.name).toBe('Travailler en équipe');
    expect(next).toMatchObject({ version: 2, previousVersionId: generatedId, name: 'Travailler en équipe (2026)', archivedAt: null });
    expect(await auditCount('badge_class.versioned', nextId)).toBe(1);

    // The old assertion still points to the old version, whose document and image did not change.
    const [stored] = await db().select().from(assertions).where(eq(assertions.id, assertion.id));
    expect(stored!.badgeClassId).toBe(generatedId);
    const hosted = (await ctx.app.inject({ url: `/assertions/${assertion.id}`, headers: { accept: 'application/ld+json' } })).json();
    expect(hosted.badge).toBe(`https://badges.insigne.test/badges/${generatedId}`);
    const oldAgain = (await ctx.app.inject({ url: `/badges/${generatedId}`, headers: { accept: 'application/ld+json' } })).json();
    expect(oldAgain).toMatchObject({
      id: `https://badges.insigne.test/badges/${generatedId}`,
      name: 'Travailler en équipe',
      description: before.description,
      criteria: { narrative: before.criteriaNarrative },
      tags: ['équipe'],
    });
    expect((await ctx.app.inject({ url: `/badges/${generatedId}/image.png` })).rawPayload.equals(oldImage)).toBe(true);

    const awardable = (await ctx.services.badgeClasses.listAwardable(caen)).map((b) => b.id);
    expect(awardable).toContain(nextId);
    expect(awardable).not.toContain(generatedId);

    const list = text((await people.advisor.get('/espace/badges')).body);
    expect(list).toMatch(/Badges archivés \(1\).*Travailler en équipe version 1 · 1 délivré(?!s)/);
    const oldPage = await people.admin.get(`/espace/badges/${generatedId}`);
    expect(text(oldPage.body)).toContain('Cette version a été remplacée par la version 2.');
    // An archived version is not edited, and cannot come back while version 2 stands for it.
    expect((await people.admin.get(`/espace/badges/${generatedId}/modifier`)).statusCode).toBe(409);
    const back = await people.admin.postFromWorkspace(`/espace/badges/${generatedId}/desarchiver`, {});
    expect(back.statusCode).toBe(409);
    expect(text(back.body)).toContain('remplacée par la version 2');
    expect((await badgeClassRow(generatedId)).archivedAt).not.toBeNull();
  });

  it('a catalogue badge keeps its key and its meaning in its new version', async () => {
    const organiser = (await ctx.services.badgeClasses.listAwardable(caen)).find((b) => b.catalogueKey === 'organiser-je-pratique')!;
    await ctx.services.awarding.award(
      { structureId: caen, badgeClassId: organiser.id, recipient: { email: 'jules@example.org', name: 'Jules Lambert' } },
      CLI,
    );
    // The catalogue's fields are shown, not offered for editing (programme-rules.test.ts has the rest).
    const form = await people.admin.get(`/espace/badges/${organiser.id}/modifier`);
    expect(text(form.body)).toContain('Ce que dit le catalogue');
    expect(form.body).not.toContain('name="description"');
    const saved = await people.admin.postFromWorkspace(
      `/espace/badges/${organiser.id}/modifier`,
      {
        action: 'save',
        name: organiser.name,
        description: organiser.description + ' Révisé.',
        criteriaNarrative: organiser.criteriaNarrative,
        tags: organiser.tags.join(', '),
        validityAmount: '12',
        validityUnit: 'months',
        imageSource: 'keep',
      },
      { multipart: true },
    );
    expect(saved.statusCode, saved.body.slice(0, 1000)).toBe(303);
    const next = await badgeClassRow(idFrom(saved.headers.location));
    expect(next).toMatchObject({
      version: 2,
      catalogueKey: 'organiser-je-pratique',
      previousVersionId: organiser.id,
      description: organiser.description,
      validityDays: 365,
    });
    expect(next.alignment).toEqual(organiser.alignment);
    expect(Buffer.from(next.imagePng).equals(Buffer.from(organiser.imagePng))).toBe(true);
  });

  it('archives and unarchives (admins only, with CSRF), never deletes', async () => {
    const target = (await ctx.services.badgeClasses.listAwardable(caen)).find((b) => b.name === 'Badge importé')!;
    expect((await people.advisor.postFromWorkspace(`/espace/badges/${target.id}/archiver`, {})).statusCode).toBe(403);
    expect((await people.admin.postFromWorkspace(`/espace/badges/${target.id}/archiver`, {}, { token: null })).statusCode).toBe(403);
    expect((await badgeClassRow(target.id)).archivedAt).toBeNull();

    const archived = await people.admin.postFromWorkspace(`/espace/badges/${target.id}/archiver`, {});
    expect(archived.headers.location).toBe(`/espace/badges/${target.id}?fait=archive`);
    expect((await badgeClassRow(target.id)).archivedAt).not.toBeNull();
    expect((await ctx.services.badgeClasses.listAwardable(caen)).map((b) => b.id)).not.toContain(target.id);
    expect((await ctx.app.inject({ url: `/badges/${target.id}`, headers: { accept: 'application/ld+json' } })).statusCode).toBe(200);
    expect((await people.admin.postFromWorkspace(`/espace/badges/${target.id}/archiver`, {})).statusCode).toBe(409);

    const back = await people.admin.postFromWorkspace(`/espace/badges/${target.id}/desarchiver`, {});
    expect(back.headers.location).toBe(`/espace/badges/${target.id}?fait=desarchive`);
    expect((await badgeClassRow(target.id)).archivedAt).toBeNull();
    expect(await auditCount('badge_class.archived', target.id)).toBe(1);
    expect(await auditCount('badge_class.unarchived', target.id)).toBe(1);
  });
});

describe('another structure, other roles', () => {
  it('a member of another structure gets 404 for every badge class route of this one', async () => {
    const id = (await ctx.services.badgeClasses.listAwardable(caen))[0]!.id;
    for (const url of [`/espace/badges/${id}`, `/espace/badges/${id}/modifier`]) {
      expect((await people.otherAdmin.get(url)).statusCode, url).toBe(404);
    }
    for (const url of [
      `/espace/badges/${id}/modifier`,
      `/espace/badges/${id}/archiver`,
      `/espace/badges/${id}/desarchiver`,
      `/espace/badges/${id}/proposer`,
    ]) {
      const response = await people.otherAdmin.postFromWorkspace(url, badgeForm({ imageSource: 'keep' }), {
        multipart: url.endsWith('modifier'),
      });
      expect(response.statusCode, url).toBe(404);
    }
    expect((await badgeClassRow(id)).archivedAt).toBeNull();
    expect((await people.admin.get('/espace/badges/not-a-uuid')).statusCode).toBe(404);
    expect((await people.admin.get('/espace/badges/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });

  it('an advisor cannot create or edit (403), even with a valid token', async () => {
    const id = (await ctx.services.badgeClasses.listAwardable(caen))[0]!.id;
    const before = await badgeClassCount(caen);
    expect((await people.advisor.get(`/espace/badges/${id}/modifier`)).statusCode).toBe(403);
    expect((await people.advisor.postFromWorkspace('/espace/badges/nouveau', badgeForm(), { multipart: true })).statusCode).toBe(403);
    expect((await people.advisor.postFromWorkspace(`/espace/badges/${id}/modifier`, badgeForm(), { multipart: true })).statusCode).toBe(
      403,
    );
    expect(await badgeClassCount(caen)).toBe(before);
  });

  it('refuses a form without the session’s token (multipart or not), changing nothing', async () => {
    const before = await badgeClassCount(caen);
    for (const token of [null, 'forged-token', await people.otherAdmin.token()]) {
      const response = await people.admin.postFromWorkspace('/espace/badges/nouveau', badgeForm(), { multipart: true, token });
      expect(response.statusCode).toBe(403);
    }
    const noToken = await people.admin.request('POST', '/espace/badges/catalogue/adopter', {
      form: { key: 'general' },
    });
    expect(noToken.statusCode).toBe(403);
    expect(await badgeClassCount(caen)).toBe(before);
  });
});

describe('hostile input in every field', () => {
  const MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>';

  it('markup is stored as text and shown escaped, on the pages and in the documents', async () => {
    const created = await people.admin.postFromWorkspace(
      '/espace/badges/nouveau',
      badgeForm({
        name: `Nom ${MARKUP}`,
        description: `Description ${MARKUP}`,
        criteriaNarrative: `- ${MARKUP}\n- **${MARKUP}**`,
        tags: `<b>gras</b>, ${MARKUP.slice(0, 40)}`,
        'alignment-0-name': `Compétence ${MARKUP}`,
        'alignment-0-description': MARKUP,
        'alignment-0-framework': MARKUP,
        'alignment-0-code': '<i>X</i>',
      }),
      { multipart: true },
    );
    expect(created.statusCode, created.body.slice(0, 1000)).toBe(303);
    const id = idFrom(created.headers.location);
    for (const url of [`/espace/badges/${id}`, `/espace/badges/${id}/modifier`, '/espace/badges']) {
      const page = await people.admin.get(url);
      expect(page.statusCode).toBe(200);
      expect(page.body, url).not.toContain('<script>alert');
      expect(page.body, url).not.toContain('<img src=x');
      expect(page.body, url).not.toContain('<b>gras');
      expect(page.body).toContain('&lt;script&gt;');
    }
    const document = (await ctx.app.inject({ url: `/badges/${id}`, headers: { accept: 'application/ld+json' } })).json();
    expect(document.name).toBe(`Nom ${MARKUP}`);
    expect((await badgeClassRow(id)).imageSvg).toContain('aria-label="Nom &lt;script&gt;');
  });

  it('refuses overlong text, control characters, mis-decoded text, bad URLs and numbers, with a message per field', async () => {
    const before = await badgeClassCount(caen);
    const cases: [Fields, string, string][] = [
      [{ name: 'x'.repeat(201) }, 'name', 'Ce texte est trop long : 200 caractères au maximum.'],
      [{ name: '   ' }, 'name', 'Ce champ est obligatoire.'],
      [{ name: 'Nom\u0000caché' }, 'name', 'caractères non autorisés'],
      [{ name: 'Caf\ufffd' }, 'name', 'caractères non autorisés'],
      [{ description: 'x'.repeat(2001) }, 'description', '2000 caractères au maximum'],
      [{ description: 'ok\u0007' }, 'description', 'caractères non autorisés'],
      [{ criteriaNarrative: 'x'.repeat(5001) }, 'criteriaNarrative', '5000 caractères au maximum'],
      [{ criteriaNarrative: '' }, 'criteriaNarrative', 'Ce champ est obligatoire.'],
      [{ tags: Array.from({ length: 11 }, (_, i) => `t${i}`).join(',') }, 'tags', '10 mots-clés au maximum'],
      [{ tags: 'x'.repeat(51) }, 'tags', '50 caractères au maximum'],
      [{ 'alignment-0-url': 'javascript:alert(1)' }, 'alignment-0-url', 'adresse web complète'],
      [{ 'alignment-0-url': 'https://exemple.fr/<script>' }, 'alignment-0-url', 'adresse web complète'],
      [{ 'alignment-0-url': '' }, 'alignment-0-url', 'Ce champ est obligatoire.'],
      [{ 'alignment-0-name': '' }, 'alignment-0-name', 'Ce champ est obligatoire.'],
      [{ 'alignment-0-code': 'x'.repeat(51) }, 'alignment-0-code', '50 caractères au maximum'],
      [{ validityAmount: '-3' }, 'validityAmount', 'nombre entier entre 1 et 120'],
      [{ validityAmount: '1e3' }, 'validityAmount', 'nombre entier'],
      [{ validityAmount: '4000', validityUnit: 'days' }, 'validityAmount', 'entre 1 et 3650'],
    ];
    for (const [overrides, field, message] of cases) {
      const response = await people.admin.postFromWorkspace('/espace/badges/nouveau', badgeForm(overrides), { multipart: true });
      expect(response.statusCode, `${field}: ${JSON.stringify(overrides).slice(0, 80)}`).toBe(422);
      expect(text(response.body), field).toContain(message);
      expect(response.body).toContain(`href="#${field}"`);
      expect(response.body).toContain(`id="${field}-error"`);
    }
    // Unknown generator choices fall back to defaults rather than failing.
    const odd = await people.admin.postFromWorkspace(
      '/espace/badges/nouveau',
      badgeForm({
        name: 'Choix inconnus',
        shape: '"><script>',
        palette: 'url(x)',
        pictogram: '../../etc',
        level: '9',
        imageSource: 'weird',
      }),
      { multipart: true },
    );
    expect(odd.statusCode).toBe(303);
    expect(await badgeClassCount(caen)).toBe(before + 1);
  });

  it('a malformed multipart body is a 400, not a 500', async () => {
    const token = await people.admin.token();
    const response = await people.admin.request('POST', '/espace/badges/nouveau', {
      headers: { 'content-type': 'multipart/form-data; boundary=XYZ' },
      raw: `--XYZ\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n--XYZ\r\nContent-Disposition: form-dat`,
    });
    expect(response.statusCode).toBe(400);

    // Text in Windows-1252 rather than UTF-8: refused with a message, not stored garbled.
    const before = await badgeClassCount(caen);
    const part = (name: string, value: Buffer | string) =>
      Buffer.concat([
        Buffer.from(`--XYZ\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`),
        Buffer.from(value),
        Buffer.from('\r\n'),
      ]);
    const fields = { ...badgeForm(), _csrf: token } as Record<string, string>;
    const latin1 = await people.admin.request('POST', '/espace/badges/nouveau', {
      headers: { 'content-type': 'multipart/form-data; boundary=XYZ' },
      raw: Buffer.concat([
        ...Object.entries(fields)
          .filter(([k]) => k !== 'name')
          .map(([k, v]) => part(k, v)),
        part('name', Buffer.from("Badge de l'\xe9quipe", 'latin1')),
        Buffer.from('--XYZ--\r\n'),
      ]),
    });
    expect(latin1.statusCode).toBe(422);
    expect(text(latin1.body)).toContain('caractères non autorisés');
    expect(await badgeClassCount(caen)).toBe(before);
  });
});

describe('the shared catalogue', () => {
  let entryKey: string;

  it('the platform administrator adds a badge to the catalogue', async () => {
    const page = await people.region.get('/espace/plateforme/catalogue');
    expect(page.statusCode).toBe(200);
    expect(text(page.body)).toContain('Badges du catalogue (9)');
    expect((await people.region.get('/espace/plateforme/catalogue/nouveau')).statusCode).toBe(200);
    const refused = await people.region.postFromWorkspace('/espace/plateforme/catalogue/nouveau', badgeForm({ name: '' }), {
      multipart: true,
    });
    expect(refused.statusCode).toBe(422);
    const tooBig = await people.region.postFromWorkspace(
      '/espace/plateforme/catalogue/nouveau',
      badgeForm({ imageSource: 'upload', image: { fileName: 'énorme.png', bytes: new Uint8Array(3 * 1024 * 1024) } }),
      { multipart: true },
    );
    expect(tooBig.statusCode).toBe(413);
    expect(text(tooBig.body)).toContain('Ce fichier est trop lourd : 512 Ko au maximum.');
    expect(tooBig.body).toContain('action="/espace/plateforme/catalogue/nouveau"');
    const added = await people.region.postFromWorkspace(
      '/espace/plateforme/catalogue/nouveau',
      badgeForm({ name: 'Éco-gestes au travail', pictogram: 'leaf', imageSource: 'generate' }),
      { multipart: true },
    );
    expect(added.statusCode, added.body.slice(0, 500)).toBe(303);
    const [entry] = await db().select().from(catalogueEntries).where(eq(catalogueEntries.name, 'Éco-gestes au travail'));
    expect(entry).toMatchObject({ status: 'published' });
    entryKey = entry!.key;
    expect(entryKey).toMatch(/^eco-gestes-au-travail-[0-9a-f]{6}$/);
    expect(await auditCount('catalogue.entry_added', entry!.id)).toBe(1);
    expect(
      (await people.admin.postFromWorkspace('/espace/plateforme/catalogue/nouveau', badgeForm(), { multipart: true })).statusCode,
    ).toBe(403);
  });

  it('a structure admin adopts it once; the copy carries the key and the image', async () => {
    const page = await people.admin.get('/espace/badges/catalogue');
    expect(page.statusCode).toBe(200);
    expect(text(page.body)).toContain('Éco-gestes au travail');
    expect(page.body).toContain(`value="${entryKey}"`);
    const image = await people.admin.get(`/espace/catalogue/images/${entryKey}`);
    expect(image.headers['content-type']).toBe('image/png');

    const adopted = await people.admin.postFromWorkspace('/espace/badges/catalogue/adopter', { key: entryKey });
    expect(adopted.statusCode).toBe(303);
    const row = await badgeClassRow(idFrom(adopted.headers.location));
    const [entry] = await db().select().from(catalogueEntries).where(eq(catalogueEntries.key, entryKey));
    expect(row).toMatchObject({ structureId: caen, catalogueKey: entryKey, name: 'Éco-gestes au travail', validityDays: 365 });
    expect(Buffer.from(row.imagePng).equals(Buffer.from(entry!.imagePng))).toBe(true);
    expect(await auditCount('catalogue.adopted', row.id)).toBe(1);

    const again = await people.admin.postFromWorkspace('/espace/badges/catalogue/adopter', { key: entryKey });
    expect(again.statusCode).toBe(409);
    expect(text(again.body)).toContain('Votre structure a déjà ce badge');
    expect((await people.admin.postFromWorkspace('/espace/badges/catalogue/adopter', { key: 'inconnu' })).statusCode).toBe(404);
    expect((await people.admin.postFromWorkspace('/espace/badges/catalogue/adopter', { key: '../x' })).statusCode).toBe(404);
    expect(text((await people.admin.get('/espace/badges/catalogue')).body)).toContain('Déjà parmi vos badges');
  });

  it('a structure proposes its own badge; the Région declines with a note, then accepts', async () => {
    const own = (await ctx.services.badgeClasses.listAwardable(caen)).find((b) => b.name === 'Badge PNG')!;
    const catalogueBadge = (await ctx.services.badgeClasses.listAwardable(caen)).find((b) => b.catalogueKey === 'general')!;
    expect((await people.admin.postFromWorkspace(`/espace/badges/${catalogueBadge.id}/proposer`, {})).statusCode).toBe(409);
    expect((await people.advisor.postFromWorkspace(`/espace/badges/${own.id}/proposer`, {})).statusCode).toBe(403);

    const proposed = await people.admin.postFromWorkspace(`/espace/badges/${own.id}/proposer`, {});
    expect(proposed.headers.location).toBe(`/espace/badges/${own.id}?fait=propose`);
    expect((await people.admin.postFromWorkspace(`/espace/badges/${own.id}/proposer`, {})).statusCode).toBe(409);
    const [proposal] = await db().select().from(catalogueEntries).where(eq(catalogueEntries.proposedFromBadgeClassId, own.id));
    expect(proposal).toMatchObject({ status: 'proposed', proposedByStructureId: caen });
    // Another structure does not see the proposal, nor its image.
    expect(text((await people.otherAdmin.get('/espace/badges/catalogue')).body)).not.toContain('Badge PNG');
    expect((await people.otherAdmin.get(`/espace/catalogue/images/${proposal!.key}`)).statusCode).toBe(404);
    expect((await people.region.get(`/espace/catalogue/images/${proposal!.key}`)).statusCode).toBe(200);

    const platform = text((await people.region.get('/espace/plateforme/catalogue')).body);
    expect(platform).toContain('Propositions des structures (1)');
    expect(platform).toContain('Proposé par Mission Locale de Caen');

    const noNote = await people.region.postFromWorkspace(`/espace/plateforme/catalogue/${proposal!.id}/refuser`, { note: '  ' });
    expect(noNote.statusCode).toBe(422);
    expect(text(noNote.body)).toContain('Ce champ est obligatoire.');
    expect((await people.admin.postFromWorkspace(`/espace/plateforme/catalogue/${proposal!.id}/refuser`, { note: 'x' })).statusCode).toBe(
      403,
    );
    const declined = await people.region.postFromWorkspace(`/espace/plateforme/catalogue/${proposal!.id}/refuser`, {
      note: 'Trop proche de « Organiser ». <b>Merci</b> !',
    });
    expect(declined.statusCode).toBe(303);
    expect(await auditCount('catalogue.declined', proposal!.id)).toBe(1);
    const seen = await people.admin.get('/espace/badges/catalogue');
    expect(text(seen.body)).toContain('Refusée');
    expect(text(seen.body)).toContain('Trop proche de « Organiser ». <b>Merci</b> !');
    expect(seen.body).not.toContain('<b>Merci</b>');
    expect((await people.region.postFromWorkspace(`/espace/plateforme/catalogue/${proposal!.id}/accepter`, {})).statusCode).toBe(409);

    const again = await people.admin.postFromWorkspace(`/espace/badges/${own.id}/proposer`, {});
    expect(again.statusCode).toBe(303);
    const [second] = await db()
      .select()
      .from(catalogueEntries)
      .where(and(eq(catalogueEntries.proposedFromBadgeClassId, own.id), eq(catalogueEntries.status, 'proposed')));
    const accepted = await people.region.postFromWorkspace(`/espace/plateforme/catalogue/${second!.id}/accepter`, {});
    expect(accepted.statusCode).toBe(303);
    expect(await auditCount('catalogue.accepted', second!.id)).toBe(1);
    expect((await badgeClassRow(own.id)).catalogueKey).toBe(second!.key);

    // Rouen can now adopt it.
    const rouenCatalogue = await people.otherAdmin.get('/espace/badges/catalogue');
    expect(text(rouenCatalogue.body)).toContain('Proposé par Mission Locale de Caen');
    const adopted = await people.otherAdmin.postFromWorkspace('/espace/badges/catalogue/adopter', { key: second!.key });
    expect(adopted.statusCode).toBe(303);
    expect((await badgeClassRow(idFrom(adopted.headers.location))).structureId).toBe(rouen);
  });

  it('the Région withdraws an entry: no longer offered, kept where adopted', async () => {
    const [entry] = await db().select().from(catalogueEntries).where(eq(catalogueEntries.key, entryKey));
    expect((await people.admin.postFromWorkspace(`/espace/plateforme/catalogue/${entry!.id}/retirer`, {})).statusCode).toBe(403);
    const withdrawn = await people.region.postFromWorkspace(`/espace/plateforme/catalogue/${entry!.id}/retirer`, {});
    expect(withdrawn.statusCode).toBe(303);
    expect(await auditCount('catalogue.entry_withdrawn', entry!.id)).toBe(1);
    expect(text((await people.otherAdmin.get('/espace/badges/catalogue')).body)).not.toContain('Éco-gestes au travail');
    expect((await people.otherAdmin.postFromWorkspace('/espace/badges/catalogue/adopter', { key: entryKey })).statusCode).toBe(404);
    expect((await ctx.services.badgeClasses.listAwardable(caen)).some((b) => b.catalogueKey === entryKey)).toBe(true);
    expect((await people.region.postFromWorkspace(`/espace/plateforme/catalogue/${entry!.id}/retirer`, {})).statusCode).toBe(409);
    expect((await people.region.postFromWorkspace('/espace/plateforme/catalogue/not-an-id/retirer', {})).statusCode).toBe(404);
  });

  it('an archived regional badge can be adopted again', async () => {
    const general = (await ctx.services.badgeClasses.listAwardable(rouen)).find((b) => b.catalogueKey === 'general')!;
    await people.otherAdmin.postFromWorkspace(`/espace/badges/${general.id}/archiver`, {});
    const adopted = await people.otherAdmin.postFromWorkspace('/espace/badges/catalogue/adopter', { key: 'general' });
    expect(adopted.statusCode).toBe(303);
    const copy = await badgeClassRow(idFrom(adopted.headers.location));
    expect(copy).toMatchObject({ catalogueKey: 'general', version: 1 });
    // The archived one cannot come back while the copy stands for it.
    const back = await people.otherAdmin.postFromWorkspace(`/espace/badges/${general.id}/desarchiver`, {});
    expect(back.statusCode).toBe(409);
  });
});
