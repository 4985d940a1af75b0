import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogueImage } from '../../src/catalogue/assets.ts';
import { assertions, auditEvents, badgeClasses, catalogueEntries } from '../../src/db/schema.ts';
import { type FormFields, InjectBrowser, pageText as text } from '../support/inject-browser.ts';
import { seedStructure, startTestApp } from '../support/platform.ts';

/**
 * The Région edits a shared catalogue entry it published: the entry and, in
 * the same transaction, every structure's live copy change (in place where
 * never awarded, as a new version where awarded, earlier awards keeping
 * theirs); only the platform administrator may; bad input writes nothing.
 */
const CLI = { kind: 'cli' } as const;
const PASSWORD = 'le mot de passe de l’équipe';

let ctx: Awaited<ReturnType<typeof startTestApp>>;
const db = () => ctx.platform.database.db;
let ipCounter = 0;

class Browser extends InjectBrowser {
  constructor() {
    super(() => ctx.app, `198.51.100.${++ipCounter}`);
  }

  override signIn(email: string) {
    return super.signIn(email, PASSWORD);
  }
}

const people = { region: new Browser(), caenAdmin: new Browser() };
let caen: string;
let rouen: string;
let entryId: string;
let entryKey: string;
let caenCopy: string;
let rouenCopy: string;
let earlierAssertion: string;
const image = loadCatalogueImage('communiquer-je-pratique');

async function auditCount(action: string) {
  const [row] = await db().select({ n: count() }).from(auditEvents).where(eq(auditEvents.action, action));
  return Number(row!.n);
}

async function badgeClassRow(id: string) {
  const [row] = await db().select().from(badgeClasses).where(eq(badgeClasses.id, id));
  return row!;
}

async function entryRow() {
  const [row] = await db().select().from(catalogueEntries).where(eq(catalogueEntries.id, entryId));
  return row!;
}

const editForm = (overrides: FormFields = {}): FormFields => ({
  action: 'save',
  name: 'Éco-gestes au travail — édition 2027',
  description: 'La personne applique les gestes qui économisent l’énergie et les ressources au travail.',
  criteriaNarrative: 'Observé pendant deux semaines :\n\n- éteint ce qui ne sert pas\n- **trie** les déchets',
  tags: 'environnement, sobriété',
  framework: 'INT-P',
  validityAmount: '12',
  validityUnit: 'months',
  imageSource: 'keep',
  ...overrides,
});

beforeAll(async () => {
  ctx = await startTestApp();
  const s = ctx.services;
  caen = (await seedStructure(s, { name: 'Mission Locale de Caen' })).structure.id;
  rouen = (await seedStructure(s, { name: 'Cap Emploi Rouen', url: 'https://cap-emploi-rouen.example.org' })).structure.id;
  await s.users.create({ email: 'region@example.org', name: 'Région', password: PASSWORD, platformAdmin: true }, CLI);
  await s.users.create({ email: 'admin@caen.example.org', name: 'Awa Diallo', password: PASSWORD, structureId: caen, role: 'admin' }, CLI);
  const entry = await s.catalogue.add(
    {
      name: 'Éco-gestes au travail',
      description: 'La personne connaît les gestes simples qui économisent l’énergie.',
      criteriaNarrative: 'Observé pendant un stage.',
      tags: ['environnement'],
      alignment: [],
      validityDays: null,
    },
    { png: image.png, svg: image.svg },
    CLI,
  );
  entryId = entry.id;
  entryKey = entry.key;
  caenCopy = (await s.catalogue.adopt(caen, entryKey, CLI)).id;
  rouenCopy = (await s.catalogue.adopt(rouen, entryKey, CLI)).id;
  // Rouen's own choices for its copy, which the catalogue's change leaves alone.
  await db()
    .update(badgeClasses)
    .set({ tags: ['rouen'], validityDays: 90, localNote: 'Une photo du tri suffit.' })
    .where(eq(badgeClasses.id, rouenCopy));
  const { assertion } = await s.awarding.award(
    { structureId: rouen, badgeClassId: rouenCopy, recipient: { email: 'ines.eco@example.org', name: 'Inès Moreau' } },
    CLI,
  );
  earlierAssertion = assertion.id;
  await people.region.signIn('region@example.org');
  await people.caenAdmin.signIn('admin@caen.example.org');
});

afterAll(async () => {
  await ctx?.close();
});

describe('the Région edits a shared catalogue entry', () => {
  it('is refused to a structure admin, and nothing changes', async () => {
    expect((await people.caenAdmin.get(`/espace/plateforme/catalogue/${entryId}/modifier`)).statusCode).toBe(403);
    const post = await people.caenAdmin.postFromWorkspace(`/espace/plateforme/catalogue/${entryId}/modifier`, editForm(), {
      multipart: true,
    });
    expect(post.statusCode).toBe(403);
    expect((await entryRow()).name).toBe('Éco-gestes au travail');
    expect(await auditCount('catalogue.entry_updated')).toBe(0);
  });

  it('bad input shows the editor again with the field errors (422), and nothing is written', async () => {
    const refused = await people.region.postFromWorkspace(
      `/espace/plateforme/catalogue/${entryId}/modifier`,
      editForm({ name: '', description: 'x'.repeat(5000) }),
      { multipart: true },
    );
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain(`action="/espace/plateforme/catalogue/${entryId}/modifier"`);
    expect(refused.body).toContain('aria-invalid="true"');
    expect(text(refused.body)).toContain('Ce champ est obligatoire');
    expect((await entryRow()).name).toBe('Éco-gestes au travail');
    expect((await badgeClassRow(caenCopy)).name).toBe('Éco-gestes au travail');
    expect((await badgeClassRow(rouenCopy)).archivedAt).toBeNull();
    expect(await auditCount('catalogue.entry_updated')).toBe(0);
    const tooBig = await people.region.postFromWorkspace(
      `/espace/plateforme/catalogue/${entryId}/modifier`,
      editForm({ imageSource: 'upload', image: { fileName: 'énorme.png', bytes: new Uint8Array(3 * 1024 * 1024) } }),
      { multipart: true },
    );
    expect(tooBig.statusCode).toBe(413);
    expect(text(tooBig.body)).toContain('Ce fichier est trop lourd : 512 Ko au maximum.');
    expect(tooBig.body).toContain(`action="/espace/plateforme/catalogue/${entryId}/modifier"`);
    expect((await entryRow()).name).toBe('Éco-gestes au travail');
    expect(await auditCount('catalogue.entry_updated')).toBe(0);
    expect((await people.region.get(`/espace/plateforme/catalogue/00000000-0000-4000-8000-000000000000/modifier`)).statusCode).toBe(404);
  });

  it('changes the entry and every copy: in place where never awarded, a version 2 where awarded, the earlier award keeping its text', async () => {
    const list = await people.region.get('/espace/plateforme/catalogue');
    expect(list.body).toContain(`href="/espace/plateforme/catalogue/${entryId}/modifier"`);
    const form = await people.region.get(`/espace/plateforme/catalogue/${entryId}/modifier`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="Éco-gestes au travail"');
    expect(form.body).toContain('value="keep"');

    const saved = await people.region.postFromWorkspace(`/espace/plateforme/catalogue/${entryId}/modifier`, editForm(), {
      multipart: true,
    });
    expect(saved.statusCode, saved.body.slice(0, 500)).toBe(303);
    expect(saved.headers.location).toBe('/espace/plateforme/catalogue?fait=catalogue-modifie&structures=2');
    expect(text((await people.region.get(String(saved.headers.location))).body)).toContain(
      'Le badge du catalogue est modifié, et avec lui les badges de 2 structures.',
    );

    const entry = await entryRow();
    expect(entry).toMatchObject({ name: 'Éco-gestes au travail — édition 2027', tags: ['environnement', 'sobriété'], status: 'published' });
    expect(entry.alignment.map((a) => a.targetCode)).toEqual(['INT-P']);

    // Caen never awarded it: the same badge class, changed in place.
    const caenRow = await badgeClassRow(caenCopy);
    expect(caenRow).toMatchObject({ version: 1, archivedAt: null, name: entry.name, description: entry.description });
    expect(caenRow.criteriaNarrative).toBe(entry.criteriaNarrative);
    expect(caenRow.alignment.map((a) => a.targetCode)).toEqual(['INT-P']);

    // Rouen awarded it: a version 2 with the new text and its own tags, validity and note; the old one archived.
    const rouenLive = (await ctx.services.badgeClasses.listAwardable(rouen)).find((b) => b.catalogueKey === entryKey)!;
    expect(rouenLive).toMatchObject({
      version: 2,
      previousVersionId: rouenCopy,
      name: entry.name,
      description: entry.description,
      tags: ['rouen'],
      validityDays: 90,
      localNote: 'Une photo du tri suffit.',
    });
    expect((await badgeClassRow(rouenCopy)).archivedAt).not.toBeNull();
    const [kept] = await db().select().from(assertions).where(eq(assertions.id, earlierAssertion));
    expect(kept!.badgeClassId).toBe(rouenCopy);
    const oldDocument = (await ctx.app.inject({ url: `/badges/${rouenCopy}`, headers: { accept: 'application/ld+json' } })).json();
    expect(oldDocument.name).toBe('Éco-gestes au travail');
    expect(oldDocument.description).toBe('La personne connaît les gestes simples qui économisent l’énergie.');
    const newDocument = (await ctx.app.inject({ url: `/badges/${rouenLive.id}`, headers: { accept: 'application/ld+json' } })).json();
    expect(newDocument.name).toBe('Éco-gestes au travail — édition 2027');

    expect(await auditCount('catalogue.entry_updated')).toBe(1);
    const [updated] = await db()
      .select({ n: count() })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'badge_class.updated'), eq(auditEvents.targetId, caenCopy)));
    expect(Number(updated!.n)).toBe(1);
    const [versioned] = await db()
      .select({ n: count() })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'badge_class.versioned'), eq(auditEvents.targetId, rouenLive.id)));
    expect(Number(versioned!.n)).toBe(1);
    const journal = text((await people.region.get('/espace/plateforme/journal')).body);
    expect(journal).toContain(
      'a modifié « Éco-gestes au travail — édition 2027 » au catalogue régional ; les badges de 2 structures ont changé avec lui.',
    );

    // The same text again changes no structure's badge.
    const again = await people.region.postFromWorkspace(`/espace/plateforme/catalogue/${entryId}/modifier`, editForm(), {
      multipart: true,
    });
    expect(again.headers.location).toBe('/espace/plateforme/catalogue?fait=catalogue-modifie&structures=0');
    expect((await ctx.services.badgeClasses.listAwardable(rouen)).find((b) => b.catalogueKey === entryKey)!.version).toBe(2);

    // A new image reaches every copy too; Rouen's version 2 was never awarded, so it changes in place.
    const drawn = await people.region.postFromWorkspace(
      `/espace/plateforme/catalogue/${entryId}/modifier`,
      editForm({ imageSource: 'generate', shape: 'hexagon', palette: 'vert', pictogram: 'leaf', level: '1' }),
      { multipart: true },
    );
    expect(drawn.headers.location).toBe('/espace/plateforme/catalogue?fait=catalogue-modifie&structures=2');
    const newImage = Buffer.from((await entryRow()).imagePng);
    expect(newImage.equals(Buffer.from(image.png))).toBe(false);
    expect(Buffer.from((await badgeClassRow(caenCopy)).imagePng).equals(newImage)).toBe(true);
    const rouenNow = await badgeClassRow(rouenLive.id);
    expect(rouenNow.version).toBe(2);
    expect(Buffer.from(rouenNow.imagePng).equals(newImage)).toBe(true);
    expect(Buffer.from((await badgeClassRow(rouenCopy)).imagePng).equals(Buffer.from(image.png))).toBe(true);
  });

  it('a withdrawn entry can no longer be edited (409)', async () => {
    await ctx.services.catalogue.withdraw(entryId, CLI);
    const page = await people.region.get(`/espace/plateforme/catalogue/${entryId}/modifier`);
    expect(page.statusCode).toBe(409);
    const post = await people.region.postFromWorkspace(`/espace/plateforme/catalogue/${entryId}/modifier`, editForm({ name: 'Autre' }), {
      multipart: true,
    });
    expect(post.statusCode).toBe(409);
    expect((await entryRow()).name).toBe('Éco-gestes au travail — édition 2027');
  });
});
