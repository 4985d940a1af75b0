import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StructureLearnerService } from '../../src/services/structure-learners.ts';
import { InjectBrowser, pageText as text } from '../support/inject-browser.ts';
import { seedStructure, startTestApp } from '../support/platform.ts';

/**
 * An advisor sees another structure's awards only as far as the general
 * badge's rule needs: which competences are mastered, and whether the
 * general badge is held; never the structure that awarded them, nor when,
 * nor a link to them. The personal-data page says so.
 */
let ctx: Awaited<ReturnType<typeof startTestApp>>;
let caen: Awaited<ReturnType<typeof seedStructure>>;
let rouen: Awaited<ReturnType<typeof seedStructure>>;
let advisor: InjectBrowser;
const PASSWORD = 'le mot de passe de l’équipe';
const CLI = { kind: 'cli' } as const;
const badgeId = (seeded: typeof caen, key: string) => seeded.badgeClasses.find((b) => b.catalogueKey === key)!.id;
/** The platform's clock, set by the test: the other structure's awards are months older. */
let clock = new Date('2025-11-03T10:00:00Z');
const award = (structure: typeof caen, key: string, email: string) =>
  ctx.services.awarding.award(
    { structureId: structure.structure.id, badgeClassId: badgeId(structure, key), recipient: { email, name: 'Sami Haddad' } },
    CLI,
  );

beforeAll(async () => {
  ctx = await startTestApp({ now: () => clock });
  caen = await seedStructure(ctx.services, { name: 'Mission Locale de Caen' });
  rouen = await seedStructure(ctx.services, {
    name: 'Cap Emploi Rouen',
    url: 'https://cap-rouen.example.org',
    email: 'contact@cap-rouen.example.org',
  });
  await ctx.services.users.create(
    { email: 'camille@ml-caen.example.org', name: 'Camille', password: PASSWORD, structureId: caen.structure.id, role: 'advisor' },
    CLI,
  );
  advisor = new InjectBrowser(() => ctx.app);
});

afterAll(async () => {
  await ctx?.close();
});

describe('the general-badge panel of a learner', () => {
  it('says which competences another structure recognised, never which structure nor when', async () => {
    const email = 'sami@example.org';
    clock = new Date('2025-11-03T10:00:00Z');
    const elsewhere = [
      await award(rouen, 'organiser-je-maitrise', email),
      await award(rouen, 'communiquer-je-maitrise', email),
      await award(rouen, 's-integrer-je-maitrise', email),
      await award(rouen, 'general', email),
    ];
    clock = new Date('2026-03-10T10:00:00Z');
    await award(caen, 's-adapter-je-maitrise', email);
    await advisor.signIn('camille@ml-caen.example.org', PASSWORD);
    const page = await advisor.get(`/espace/apprenants/${StructureLearnerService.keyOf(caen.structure.id, email)}`);
    expect(page.statusCode).toBe(200);
    const words = text(page.body);
    expect(words).toContain('« je maîtrise », badge d’une autre structure');
    expect(words).toContain('détient déjà le badge général, délivré par une autre structure');
    // Its own award, it sees as before.
    expect(words).toContain('délivré par Mission Locale de Caen le 10 mars 2026');
    expect(page.body).not.toContain('Cap Emploi Rouen');
    for (const date of ['3 novembre 2025', '03/11/2025', '2025-11-03']) expect(page.body).not.toContain(date);
    for (const { assertion } of elsewhere) expect(page.body).not.toContain(assertion.id);
  });

  it('is said on the personal-data page, in French and in English', async () => {
    const fr = text((await new InjectBrowser(() => ctx.app).get('/donnees-personnelles')).body);
    expect(fr).toContain('Ce que les structures voient les unes des autres');
    expect(fr).toContain('ni la structure qui l’a délivré, ni sa date');
    const en = text((await new InjectBrowser(() => ctx.app).get('/donnees-personnelles?lang=en')).body);
    expect(en).toContain('What structures see of one another');
  });
});
