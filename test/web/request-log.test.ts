import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggerOptions } from '../../src/logging.ts';
import { buildApp } from '../../src/web/app.ts';
import { InjectBrowser } from '../support/inject-browser.ts';
import { seedStructure, startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * People's addresses never reach the request log through a query string:
 * the API's `recipientEmail` filter, the members page's notice after an
 * invitation (`?email=`), a search typed as an address, or a return path
 * that carries one. Through the real app and the server's own logger.
 */

const PASSWORD = 'le mot de passe de l’équipe';
const LEARNER = 'lea.apprenante@example.org';
const INVITEE = 'camille.invitee@example.org';

let platform: TestPlatform;
let app: FastifyInstance;
let token: string;
const lines: string[] = [];

beforeAll(async () => {
  platform = await startTestPlatform();
  app = await buildApp(platform.platform, { logger: loggerOptions('info', { write: (line) => void lines.push(line) }) });
  await app.ready();
  const seeded = await seedStructure(platform.platform.services);
  token = seeded.token;
  await platform.platform.services.users.create(
    { email: 'lea.martin@example.org', name: 'Léa Martin', password: PASSWORD, structureId: seeded.structure.id, role: 'admin' },
    { kind: 'cli' },
  );
});
afterAll(async () => {
  await app?.close();
  await platform?.close();
});

/** What the log received during `run`, checked to hold the requests at all (a silent logger would pass anything). */
async function logged(run: () => Promise<void>): Promise<string> {
  const before = lines.length;
  await run();
  const written = lines.slice(before).join('');
  expect(written).toContain('"msg":"incoming request"');
  return written;
}

const spellings = (address: string) => [address, encodeURIComponent(address), address.split('@')[0]!];

describe('addresses in the request log', () => {
  it('hides the API’s recipientEmail filter', async () => {
    const written = await logged(async () => {
      const response = await app.inject({
        method: 'GET',
        url: `/api/v1/assertions?recipientEmail=${encodeURIComponent(LEARNER)}&perPage=5`,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.statusCode).toBe(200);
    });
    expect(written).toContain('"url":"/api/v1/assertions?recipientEmail=***&perPage=5"');
    for (const spelling of spellings(LEARNER)) expect(written).not.toContain(spelling);
  });

  it('hides the invited address of the members page’s notice', async () => {
    const admin = new InjectBrowser(() => app);
    await admin.signIn('lea.martin@example.org', PASSWORD);
    const written = await logged(async () => {
      const invited = await admin.submit('/espace/membres', '/espace/membres/invitations', { email: INVITEE, role: 'advisor' });
      expect(invited.statusCode).toBe(303);
      const location = invited.headers.location as string;
      expect(location).toContain('email=');
      const page = await admin.get(location);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(INVITEE);
    });
    expect(written).toContain('"url":"/espace/membres?fait=invite&email=***"');
    for (const spelling of spellings(INVITEE)) expect(written).not.toContain(spelling);
  });

  it('hides an address in any other parameter or path segment, signed in or not', async () => {
    const written = await logged(async () => {
      const admin = new InjectBrowser(() => app);
      await admin.signIn('lea.martin@example.org', PASSWORD);
      expect((await admin.get(`/espace/apprenants?q=${encodeURIComponent(LEARNER)}`)).statusCode).toBe(200);
      const stranger = new InjectBrowser(() => app);
      const sent = await stranger.get(`/espace/membres?fait=invite&email=${encodeURIComponent(INVITEE)}`);
      expect(sent.statusCode).toBe(303);
      await stranger.get(sent.headers.location as string);
      expect((await stranger.get(`/nulle-part/${LEARNER}?de=${encodeURIComponent(encodeURIComponent(INVITEE))}`)).statusCode).toBe(404);
    });
    expect(written).toContain('"url":"/espace/apprenants?q=***"');
    expect(written).toContain('"url":"/nulle-part/***?de=***"');
    for (const spelling of [...spellings(LEARNER), ...spellings(INVITEE)]) expect(written).not.toContain(spelling);
  });
});
