import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogueImage } from '../../src/catalogue/assets.ts';
import { badgeClasses } from '../../src/db/schema.ts';
import { type FormFields, InjectBrowser, pageText as text } from '../support/inject-browser.ts';
import { seedStructure, startTestApp } from '../support/platform.ts';

/**
 * The badge editor's image choice when a file is given while « Créer une
 * image » (or « Garder l'image ») is still ticked: the file is not silently
 * ignored, nor the choice silently overridden. The form asks, with the file
 * now chosen and previewed; a save then uses it. (In a browser, the page's
 * script ticks the last one given: test/browser/documents-and-words.test.ts.)
 */
const CLI = { kind: 'cli' } as const;
const PASSWORD = 'le mot de passe de l’équipe';

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let caen: string;
const admin = new InjectBrowser(() => ctx.app, '198.51.100.77');
const png = () => loadCatalogueImage('general').png;

const form = (overrides: FormFields = {}): FormFields => ({
  action: 'save',
  name: 'Badge au fichier',
  description: 'Une description.',
  criteriaNarrative: 'Des critères.',
  tags: '',
  'alignment-0-name': '',
  'alignment-0-url': '',
  'alignment-0-description': '',
  'alignment-0-framework': '',
  'alignment-0-code': '',
  validityAmount: '',
  validityUnit: 'months',
  imageSource: 'generate',
  shape: 'circle',
  palette: 'bleu',
  pictogram: 'checklist',
  level: '0',
  ...overrides,
});

async function badgeCount() {
  const [row] = await ctx.platform.database.db.select({ n: count() }).from(badgeClasses).where(eq(badgeClasses.structureId, caen));
  return Number(row!.n);
}

beforeAll(async () => {
  ctx = await startTestApp();
  caen = (await seedStructure(ctx.services)).structure.id;
  await ctx.services.users.create(
    { email: 'admin@caen.example.org', name: 'Awa Diallo', password: PASSWORD, structureId: caen, role: 'admin' },
    CLI,
  );
  await admin.signIn('admin@caen.example.org', PASSWORD);
});

afterAll(async () => {
  await ctx?.close();
});

describe('a file given while « Créer une image » is ticked', () => {
  it('is neither ignored nor taken silently: the form asks, with the file chosen and previewed; a save then uses it', async () => {
    const before = await badgeCount();
    const asked = await admin.postFromWorkspace(
      '/espace/badges/nouveau',
      form({ image: { fileName: 'logo.png', bytes: png(), type: 'image/png' } }),
      {
        multipart: true,
      },
    );
    expect(asked.statusCode).toBe(422);
    expect(await badgeCount()).toBe(before);
    expect(text(asked.body)).toContain(
      'Vous avez choisi un fichier alors que « Créer une image à partir d’une forme et d’une couleur » était coché. Le fichier est maintenant retenu',
    );
    expect(asked.body).toMatch(/name="imageSource" value="upload" checked/);
    expect(asked.body).not.toMatch(/name="imageSource" value="generate" checked/);
    expect(asked.body).toContain('src="data:image/png;base64,');
    expect(asked.body).toContain('href="#image"');
    const kept = /name="keptImage" value="([^"]+)"/.exec(asked.body)![1]!;

    const saved = await admin.postFromWorkspace(
      '/espace/badges/nouveau',
      form({ imageSource: 'upload', keptImage: kept, keptImageName: 'logo.png' }),
      { multipart: true },
    );
    expect(saved.statusCode).toBe(303);
    const id = /\/espace\/badges\/([0-9a-f-]{36})/.exec(String(saved.headers.location))![1]!;
    const [row] = await ctx.platform.database.db.select().from(badgeClasses).where(eq(badgeClasses.id, id));
    expect(row!.imageSvg).toBeNull(); // the uploaded PNG, not a generated SVG
    expect(Buffer.from(row!.imagePng).subarray(0, 8).equals(Buffer.from(png()).subarray(0, 8))).toBe(true);
  });

  it('asks the same on a preview, and in English', async () => {
    const asked = await admin.postFromWorkspace(
      '/espace/badges/nouveau?lang=en',
      form({ action: 'preview', image: { fileName: 'logo.png', bytes: png(), type: 'image/png' } }),
      { multipart: true },
    );
    expect(asked.statusCode).toBe(422);
    expect(text(asked.body)).toMatch(/You chose a file while “.+” was selected\. The file is now the one chosen/);
  });

  it('a bad file given so is refused with its own message', async () => {
    const refused = await admin.postFromWorkspace(
      '/espace/badges/nouveau?lang=fr',
      form({ image: { fileName: 'badge.png', bytes: new TextEncoder().encode('pas une image'), type: 'image/png' } }),
      { multipart: true },
    );
    expect(refused.statusCode).toBe(422);
    expect(text(refused.body)).toContain('Ce fichier n’est pas une image PNG ou SVG lisible.');
  });

  it('no file and « Créer une image » ticked still makes the image', async () => {
    const saved = await admin.postFromWorkspace('/espace/badges/nouveau', form({ name: 'Badge généré' }), { multipart: true });
    expect(saved.statusCode).toBe(303);
  });
});
