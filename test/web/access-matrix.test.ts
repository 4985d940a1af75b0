import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogueImage } from '../../src/catalogue/assets.ts';
import { insertAwardImport } from '../../src/db/repositories/award-imports.ts';
import { StructureLearnerService } from '../../src/services/structure-learners.ts';
import { buildApp } from '../../src/web/app.ts';
import { InjectBrowser, pageText } from '../support/inject-browser.ts';
import { latestOutboxMail } from '../support/mail.ts';
import { seedStructure, startTestPlatform } from '../support/platform.ts';

/**
 * The access matrix: EVERY route of the workspace (/espace…), listed from the
 * app itself as it registers them, tried as each kind of person:
 *
 * - nobody signed in: a page sends to the sign-in page, a form post changes nothing;
 * - the platform administrator, who belongs to no structure: refused the structure pages;
 * - an advisor: refused the structure admin's pages, and the Région's;
 * - a structure admin: refused the Région's pages;
 * - the admin of ANOTHER structure, naming real objects of this one in the
 *   URL (a badge class, an assertion, an import, a token, a learner, a
 *   member, an invitation): 404 or 403, never the object.
 *
 * Every form post carries the session's real CSRF token, so a 403 is the
 * route's own refusal, not the CSRF check's. And the rightful person does get
 * each page, which proves the ids tried are real.
 *
 * A route with no entry in ROUTES fails this test: add one when you add a route.
 */

type Who = 'user' | 'member' | 'admin' | 'platform';

interface Ids {
  structureA: string;
  badgeClass: string;
  assertion: string;
  importId: string;
  line: string;
  token: string;
  learnerKey: string;
  hugo: string;
  invitation: string;
  outboxMessage: string;
  catalogueKey: string;
  /** A published shared entry of the catalogue (the Région's). */
  catalogueEntry: string;
  anyUuid: string;
}

interface Entry {
  /** Who may use it: any signed-in person, a member of the current structure, its admin, or the Région. */
  who: Who;
  /** The URL to try, with real ids of structure A's objects in it. */
  path?: (ids: Ids) => string;
  /** The path names objects of structure A: the admin of structure B must get 404 or 403. */
  scoped?: true;
  /** The rightful person's GET is not tried (why, in a comment). */
  noPositive?: true;
}

const a = (who: Who, extra: Omit<Entry, 'who'> = {}): Entry => ({ who, ...extra });

/** Every workspace route: who may use it, and which of structure A's objects its URL names. */
const ROUTES: Record<string, Entry> = {
  'GET /espace': a('user'),
  'POST /espace/structure/changer': a('user'),

  // The Région
  'GET /espace/structures': a('platform'),
  'POST /espace/structures': a('platform'),
  'GET /espace/structures/:id': a('platform', { path: (i) => `/espace/structures/${i.structureA}` }),
  'POST /espace/structures/:id/invitations': a('platform', { path: (i) => `/espace/structures/${i.structureA}/invitations` }),
  'POST /espace/structures/:id/invitations/:invitationId/renvoyer': a('platform', {
    path: (i) => `/espace/structures/${i.structureA}/invitations/${i.invitation}/renvoyer`,
  }),
  'POST /espace/structures/:id/invitations/:invitationId/annuler': a('platform', {
    path: (i) => `/espace/structures/${i.structureA}/invitations/${i.invitation}/annuler`,
  }),
  'POST /espace/structures/:id/fermer': a('platform', { path: (i) => `/espace/structures/${i.structureA}/fermer` }),
  'POST /espace/structures/:id/rouvrir': a('platform', { path: (i) => `/espace/structures/${i.structureA}/rouvrir` }),
  'GET /espace/plateforme/catalogue': a('platform'),
  'GET /espace/plateforme/catalogue/nouveau': a('platform'),
  'POST /espace/plateforme/catalogue/nouveau': a('platform'),
  'GET /espace/plateforme/catalogue/:id/modifier': a('platform', {
    path: (i) => `/espace/plateforme/catalogue/${i.catalogueEntry}/modifier`,
  }),
  'POST /espace/plateforme/catalogue/:id/modifier': a('platform', {
    path: (i) => `/espace/plateforme/catalogue/${i.catalogueEntry}/modifier`,
  }),
  'POST /espace/plateforme/catalogue/:id/retirer': a('platform', { path: (i) => `/espace/plateforme/catalogue/${i.anyUuid}/retirer` }),
  'POST /espace/plateforme/catalogue/:id/accepter': a('platform', { path: (i) => `/espace/plateforme/catalogue/${i.anyUuid}/accepter` }),
  'POST /espace/plateforme/catalogue/:id/refuser': a('platform', { path: (i) => `/espace/plateforme/catalogue/${i.anyUuid}/refuser` }),
  'GET /espace/plateforme/chiffres': a('platform'),
  'GET /espace/plateforme/chiffres.csv': a('platform', { path: () => '/espace/plateforme/chiffres.csv?table=mois' }),
  'GET /espace/plateforme/courriels': a('platform'),
  'GET /espace/plateforme/journal': a('platform'),
  'GET /espace/plateforme/journal.csv': a('platform'),
  'GET /espace/plateforme/courriels/:id': a('platform', { path: (i) => `/espace/plateforme/courriels/${i.outboxMessage}` }),
  'POST /espace/plateforme/courriels/:id/renvoyer': a('platform', {
    path: (i) => `/espace/plateforme/courriels/${i.outboxMessage}/renvoyer`,
  }),
  'POST /espace/plateforme/courriels/:id/reveler': a('platform', {
    path: (i) => `/espace/plateforme/courriels/${i.outboxMessage}/reveler`,
  }),

  // The structure's admin
  'GET /espace/structure': a('admin'),
  'POST /espace/structure': a('admin'),
  'POST /espace/structure/logo': a('admin'),
  'POST /espace/structure/logo/retirer': a('admin'),
  'GET /espace/membres': a('admin'),
  'POST /espace/membres/invitations': a('admin'),
  'POST /espace/membres/invitations/:id/renvoyer': a('admin', {
    path: (i) => `/espace/membres/invitations/${i.invitation}/renvoyer`,
    scoped: true,
  }),
  'POST /espace/membres/invitations/:id/annuler': a('admin', {
    path: (i) => `/espace/membres/invitations/${i.invitation}/annuler`,
    scoped: true,
  }),
  'POST /espace/membres/:userId/role': a('admin', { path: (i) => `/espace/membres/${i.hugo}/role`, scoped: true }),
  'POST /espace/membres/:userId/retirer': a('admin', { path: (i) => `/espace/membres/${i.hugo}/retirer`, scoped: true }),
  'GET /espace/jetons': a('admin'),
  'POST /espace/jetons': a('admin'),
  'GET /espace/jetons/:id/revoquer': a('admin', { path: (i) => `/espace/jetons/${i.token}/revoquer`, scoped: true }),
  'POST /espace/jetons/:id/revoquer': a('admin', { path: (i) => `/espace/jetons/${i.token}/revoquer`, scoped: true }),
  'GET /espace/journal': a('admin'),
  'GET /espace/journal.csv': a('admin'),
  'GET /espace/badges/nouveau': a('admin'),
  'POST /espace/badges/nouveau': a('admin'),
  'GET /espace/badges/catalogue': a('admin'),
  'POST /espace/badges/catalogue/adopter': a('admin'),
  'GET /espace/badges/:id/modifier': a('admin', { path: (i) => `/espace/badges/${i.badgeClass}/modifier`, scoped: true }),
  'POST /espace/badges/:id/modifier': a('admin', { path: (i) => `/espace/badges/${i.badgeClass}/modifier`, scoped: true }),
  'POST /espace/badges/:id/archiver': a('admin', { path: (i) => `/espace/badges/${i.badgeClass}/archiver`, scoped: true }),
  'POST /espace/badges/:id/desarchiver': a('admin', { path: (i) => `/espace/badges/${i.badgeClass}/desarchiver`, scoped: true }),
  'POST /espace/badges/:id/proposer': a('admin', { path: (i) => `/espace/badges/${i.badgeClass}/proposer`, scoped: true }),
  // Its page says at once that this badge, awarded, cannot be deleted; the post is refused (409) without deleting.
  'GET /espace/badges/:id/supprimer': a('admin', { path: (i) => `/espace/badges/${i.badgeClass}/supprimer`, scoped: true }),
  'POST /espace/badges/:id/supprimer': a('admin', { path: (i) => `/espace/badges/${i.badgeClass}/supprimer`, scoped: true }),
  'GET /espace/badges/:id/copier': a('admin', { path: (i) => `/espace/badges/${i.badgeClass}/copier`, scoped: true }),

  // Any member of the structure (advisors and admins)
  'GET /espace/badges': a('member'),
  'GET /espace/badges/:id': a('member', { path: (i) => `/espace/badges/${i.badgeClass}`, scoped: true }),
  'GET /espace/catalogue/images/:key': a('user', { path: (i) => `/espace/catalogue/images/${i.catalogueKey}` }),
  'GET /espace/delivrer': a('member'),
  'POST /espace/delivrer': a('member'),
  'POST /espace/delivrer/confirmer': a('member'),
  'GET /espace/delivrer/delivre/:assertionId': a('member', { path: (i) => `/espace/delivrer/delivre/${i.assertion}`, scoped: true }),
  'GET /espace/delivrer/csv': a('member'),
  'POST /espace/delivrer/csv': a('member'),
  'GET /espace/delivrer/csv/modele.csv': a('member'),
  'GET /espace/delivrer/csv/:importId': a('member', { path: (i) => `/espace/delivrer/csv/${i.importId}`, scoped: true }),
  'GET /espace/delivrer/csv/:importId/resultat.csv': a('member', {
    path: (i) => `/espace/delivrer/csv/${i.importId}/resultat.csv`,
    scoped: true,
    // A result exists once the import has run; this one is still in preview.
    noPositive: true,
  }),
  'POST /espace/delivrer/csv/:importId/confirmer': a('member', {
    path: (i) => `/espace/delivrer/csv/${i.importId}/confirmer`,
    scoped: true,
  }),
  'POST /espace/delivrer/csv/:importId/lignes/:line/retirer': a('member', {
    path: (i) => `/espace/delivrer/csv/${i.importId}/lignes/${i.line}/retirer`,
    scoped: true,
  }),
  'POST /espace/delivrer/csv/:importId/lignes/:line/retablir': a('member', {
    path: (i) => `/espace/delivrer/csv/${i.importId}/lignes/${i.line}/retablir`,
    scoped: true,
  }),
  'GET /espace/delivrer/csv/:importId/lignes/:line': a('member', {
    path: (i) => `/espace/delivrer/csv/${i.importId}/lignes/${i.line}`,
    scoped: true,
  }),
  'POST /espace/delivrer/csv/:importId/lignes/:line': a('member', {
    path: (i) => `/espace/delivrer/csv/${i.importId}/lignes/${i.line}`,
    scoped: true,
  }),
  'GET /espace/apprenants': a('member'),
  'GET /espace/apprenants/:learnerKey': a('member', { path: (i) => `/espace/apprenants/${i.learnerKey}`, scoped: true }),
  'POST /espace/apprenants/:learnerKey/badge-general': a('member', {
    path: (i) => `/espace/apprenants/${i.learnerKey}/badge-general`,
    scoped: true,
  }),
  'GET /espace/delivres': a('member'),
  'GET /espace/delivres.csv': a('member'),
  'GET /espace/delivres/:id': a('member', { path: (i) => `/espace/delivres/${i.assertion}`, scoped: true }),
  'GET /espace/delivres/:id/assertion.json': a('member', { path: (i) => `/espace/delivres/${i.assertion}/assertion.json`, scoped: true }),
  'GET /espace/delivres/:id/revoquer': a('member', { path: (i) => `/espace/delivres/${i.assertion}/revoquer`, scoped: true }),
  'POST /espace/delivres/:id/revoquer': a('member', { path: (i) => `/espace/delivres/${i.assertion}/revoquer`, scoped: true }),
  'POST /espace/delivres/:id/renvoyer': a('member', { path: (i) => `/espace/delivres/${i.assertion}/renvoyer`, scoped: true }),
  'GET /espace/delivres/:id/adresse': a('member', { path: (i) => `/espace/delivres/${i.assertion}/adresse`, scoped: true }),
  'POST /espace/delivres/:id/adresse': a('member', { path: (i) => `/espace/delivres/${i.assertion}/adresse`, scoped: true }),
  'GET /espace/chiffres': a('member'),
  'GET /espace/chiffres.csv': a('member', { path: () => '/espace/chiffres.csv?table=mois' }),
  'GET /espace/courriels': a('member'),
};

const CLI = { kind: 'cli' } as const;
const PASSWORD = 'le mot de passe de l’équipe';
const CSRF_REFUSAL = 'Cette demande a été refusée';

let test: Awaited<ReturnType<typeof startTestPlatform>>;
let app: Awaited<ReturnType<typeof buildApp>>;
const registered: { method: string; url: string }[] = [];
let ids: Ids;
const people = {
  anonymous: new InjectBrowser(() => app),
  region: new InjectBrowser(() => app),
  hugo: new InjectBrowser(() => app),
  lea: new InjectBrowser(() => app),
  nadia: new InjectBrowser(() => app),
};

beforeAll(async () => {
  test = await startTestPlatform();
  app = await buildApp(test.platform, {
    onRoute: (route: RouteOptions) => {
      for (const method of [route.method].flat()) registered.push({ method: String(method), url: route.url });
    },
  });
  await app.ready();

  const s = test.platform.services;
  const db = test.platform.database.db;
  await s.auth.setup({ name: 'Région', email: 'region@example.org', password: PASSWORD }, { ip: '127.0.0.1' });
  const A = await seedStructure(s, { name: 'Mission Locale de Caen' });
  const B = await seedStructure(s, { name: 'AFPA Alençon' });
  const lea = await s.users.create(
    { email: 'lea@example.org', name: 'Léa', password: PASSWORD, structureId: A.structure.id, role: 'admin' },
    CLI,
  );
  const hugo = await s.users.create(
    { email: 'hugo@example.org', name: 'Hugo', password: PASSWORD, structureId: A.structure.id, role: 'advisor' },
    CLI,
  );
  await s.users.create({ email: 'nadia@example.org', name: 'Nadia', password: PASSWORD, structureId: B.structure.id, role: 'admin' }, CLI);

  const { assertion } = await s.awarding.award(
    {
      allowDuplicate: true,
      structureId: A.structure.id,
      badgeClassId: A.badgeClasses[0]!.id,
      recipient: { email: 'ines@example.org', name: 'Inès Moreau' },
    },
    CLI,
  );
  const { record: token } = await s.apiTokens.create({ structureId: A.structure.id, name: 'logiciel' }, CLI);
  await s.accounts.invite(A.structure.id, { email: 'invitee@example.org', role: 'advisor' }, CLI, 'fr');
  const [invitation] = await s.accounts.openInvitations(A.structure.id);
  const imported = await insertAwardImport(db, {
    createdAt: s.clock(),
    structureId: A.structure.id,
    createdByUserId: lea.id,
    fileName: 'promo.csv',
    fileSha256: '0'.repeat(64),
    encoding: 'utf-8',
    delimiter: ';',
    status: 'preview',
    rows: [
      { line: 2, values: { email: 'jules@example.org', prenom: 'Jules', nom: 'Lambert', badge: A.badgeClasses[0]!.name }, errors: [] },
    ],
    total: 1,
  });
  const mail = await latestOutboxMail(db, 'invitee@example.org');
  const entryImage = loadCatalogueImage('communiquer-je-pratique');
  const entry = await s.catalogue.add(
    {
      name: 'Éco-gestes au travail',
      description: 'Les gestes simples qui économisent l’énergie.',
      criteriaNarrative: 'Observé en stage.',
      tags: [],
      alignment: [],
      validityDays: null,
    },
    { png: entryImage.png, svg: entryImage.svg },
    CLI,
  );

  ids = {
    structureA: A.structure.id,
    badgeClass: A.badgeClasses[0]!.id,
    assertion: assertion.id,
    importId: imported.id,
    line: '2',
    token: token.id,
    learnerKey: StructureLearnerService.keyOf(A.structure.id, 'ines@example.org'),
    hugo: hugo.id,
    invitation: invitation!.id,
    outboxMessage: mail!.id,
    catalogueKey: 'communiquer-je-pratique',
    catalogueEntry: entry.id,
    anyUuid: '00000000-0000-4000-8000-000000000000',
  };

  await people.region.signIn('region@example.org', PASSWORD);
  await people.hugo.signIn('hugo@example.org', PASSWORD);
  await people.lea.signIn('lea@example.org', PASSWORD);
  await people.nadia.signIn('nadia@example.org', PASSWORD);
});

afterAll(async () => {
  await app?.close();
  await test?.close();
});

const workspaceRoutes = () =>
  registered
    .filter((r) => r.url === '/espace' || r.url.startsWith('/espace/'))
    .filter((r) => r.method !== 'HEAD')
    .map((r) => `${r.method} ${r.url}`);

/** A request as this person: a POST carries their session's real token (the header's form). */
async function as(who: InjectBrowser, method: string, path: string) {
  if (method === 'GET') return who.get(path);
  const form: Record<string, string> = {};
  if (who !== people.anonymous) form._csrf = await who.token('/espace');
  return who.request('POST', path, { form });
}

describe('the access matrix of the workspace', () => {
  it('has an entry for every /espace route, and no entry for a route that no longer exists', () => {
    const routes = workspaceRoutes();
    expect(routes.length).toBeGreaterThan(10);
    const missing = routes.filter((key) => !ROUTES[key]);
    expect(
      missing,
      `These routes have no entry in the access matrix. Add each to ROUTES in test/web/access-matrix.test.ts, saying who may use it ('user', 'member', 'admin' or 'platform') and, if its URL names an object, a path with a real id of structure A's (scoped: true):\n${missing.join('\n')}`,
    ).toEqual([]);
    const stale = Object.keys(ROUTES).filter((key) => !routes.includes(key));
    expect(
      stale,
      `These entries of the access matrix name routes that no longer exist: remove or rename them:\n${stale.join('\n')}`,
    ).toEqual([]);
  });

  it('nobody signed in: pages send to the sign-in page; form posts are refused', async () => {
    for (const key of workspaceRoutes().filter((k) => ROUTES[k])) {
      const [method, url] = key.split(' ') as [string, string];
      const path = ROUTES[key]!.path?.(ids) ?? url;
      const response = await as(people.anonymous, method, path);
      if (method === 'GET') {
        expect(response.statusCode, key).toBe(303);
        expect(String(response.headers.location), key).toMatch(/^\/connexion/);
      } else if (response.statusCode === 303) {
        expect(String(response.headers.location), key).toMatch(/^\/connexion/);
      } else {
        expect([401, 403], key).toContain(response.statusCode);
      }
    }
  });

  it('each role is refused what is not theirs, with the route’s own 403', async () => {
    const refusals: [keyof typeof people, Who[], string][] = [
      // The Région's account belongs to no structure.
      ['region', ['member', 'admin'], 'Cette page est réservée aux membres d’une structure.'],
      ['hugo', ['admin'], 'Cette page est réservée aux administrateurs de la structure.'],
      ['hugo', ['platform'], 'Cette page est réservée à l’administration de la plateforme.'],
      ['lea', ['platform'], 'Cette page est réservée à l’administration de la plateforme.'],
    ];
    for (const [who, kinds, message] of refusals) {
      for (const key of workspaceRoutes().filter((k) => ROUTES[k] && kinds.includes(ROUTES[k]!.who))) {
        const [method, url] = key.split(' ') as [string, string];
        const response = await as(people[who], method, ROUTES[key]!.path?.(ids) ?? url);
        expect(response.statusCode, `${who} ${key}`).toBe(403);
        expect(pageText(response.body), `${who} ${key}`).toContain(message);
      }
    }
  });

  it('the admin of another structure gets 404 or 403 on every URL naming this structure’s objects', async () => {
    for (const key of workspaceRoutes().filter((k) => ROUTES[k]?.scoped)) {
      const [method] = key.split(' ') as [string, string];
      const response = await as(people.nadia, method, ROUTES[key]!.path!(ids));
      expect([403, 404], `nadia ${key}`).toContain(response.statusCode);
      expect(pageText(response.body), `nadia ${key}: refused by the CSRF check, not by the route`).not.toContain(CSRF_REFUSAL);
      expect(response.body, `nadia ${key}`).not.toContain('Inès Moreau');
    }
  });

  it('the rightful person gets each page (so the ids tried above are real)', async () => {
    const rightful: Record<Who, keyof typeof people> = { user: 'hugo', member: 'hugo', admin: 'lea', platform: 'region' };
    for (const key of workspaceRoutes().filter((k) => k.startsWith('GET ') && ROUTES[k] && !ROUTES[k]!.noPositive)) {
      const entry = ROUTES[key]!;
      const response = await people[rightful[entry.who]].get(entry.path?.(ids) ?? key.slice(4));
      expect(response.statusCode, `${rightful[entry.who]} ${key}`).toBeGreaterThanOrEqual(200);
      expect(response.statusCode, `${rightful[entry.who]} ${key}: ${pageText(response.body).slice(0, 300)}`).toBeLessThan(400);
    }
  });
});
