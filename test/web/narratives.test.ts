import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/platform.ts';

/**
 * Descriptions and narratives on the public pages go through the one
 * Markdown renderer (src/services/narrative.ts): paragraphs kept, **bold**
 * bold, never literal stars, never raw HTML.
 */
const DESCRIPTION = [
  'La Mission Locale accompagne les jeunes de **16 à 25 ans**.',
  'Nos ateliers :\n- emploi\n- logement',
  'Écrivez-nous : [contact](mailto:contact@ml.example.org) <script>alert(1)</script>',
].join('\n\n');

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let structureId: string;
let token: string;
const html = (url: string) => ctx.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });

beforeAll(async () => {
  ctx = await startTestApp();
  const structure = await ctx.services.structures.create(
    { name: 'Mission Locale du Bessin', url: 'https://ml-bessin.example.org', email: 'contact@ml.example.org', description: DESCRIPTION },
    { kind: 'cli' },
  );
  structureId = structure.id;
  token = (await ctx.services.apiTokens.create({ structureId, name: 'tests' }, { kind: 'cli' })).token;
});

afterAll(async () => {
  await ctx?.close();
});

describe('the issuer page', () => {
  it('shows the description as written: its paragraphs, its list, bold as bold', async () => {
    const page = await html(`/issuers/${structureId}`);
    expect(page.statusCode).toBe(200);
    const block = /<div class="prose issuer-description"[^>]*>([\s\S]*?)<\/div>/.exec(page.body)?.[1] ?? '';
    expect(block).toContain('<p>La Mission Locale accompagne les jeunes de <strong>16 à 25 ans</strong>.</p>');
    expect(block).toContain('<p>Nos ateliers :</p>\n<ul>\n<li>emploi</li>\n<li>logement</li>\n</ul>');
    expect(block).toContain('<a href="mailto:contact@ml.example.org" rel="nofollow noopener noreferrer">contact</a>');
    expect(block.match(/<p>/g)).toHaveLength(3);
    expect(page.body).not.toContain('**');
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(block).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('the assertion page', () => {
  it('renders the comment and the evidence with the same subset', async () => {
    const [badgeClass] = await ctx.services.badgeClasses.listAwardable(structureId);
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/assertions',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        badgeClass: badgeClass!.id,
        recipient: { email: 'lea@example.org', name: 'Léa Martin' },
        narrative: 'A **mené** le projet.\n\nAvec constance.',
        evidence: [{ narrative: 'Carnet :\n- *séance 1*\n- [javascript](javascript:alert(1))' }],
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    const id = (response.json() as { id: string }).id.split('/').pop()!;
    const page = await html(`/assertions/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<p>A <strong>mené</strong> le projet.</p>\n<p>Avec constance.</p>');
    expect(page.body).toContain('<li><em>séance 1</em></li>');
    expect(page.body).toContain('[javascript](javascript:alert(1))');
    expect(page.body).not.toMatch(/href="javascript:/i);
    expect(page.body).not.toContain('**');
  });
});

describe('« Vérifier un badge », for a badge from elsewhere', () => {
  const CONTEXT = 'https://w3id.org/openbadges/v2';
  const PNG_1PX = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
  let foreign: Server;
  let verifierApp: Awaited<ReturnType<typeof startTestApp>>;

  beforeAll(async () => {
    const documents = new Map<string, { type: string; body: string | Buffer }>();
    foreign = createServer((request, response) => {
      const doc = documents.get(request.url ?? '');
      if (!doc) return response.writeHead(404).end();
      response.writeHead(200, { 'content-type': doc.type }).end(doc.body);
    });
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}`;
    const json = (value: unknown) => ({ type: 'application/json', body: JSON.stringify(value) });
    documents.set(
      '/issuer',
      json({
        '@context': CONTEXT,
        type: 'Issuer',
        id: `${base}/issuer`,
        name: 'Pôle Compétences',
        url: 'https://pole.example.org',
        email: 'contact@pole.example.org',
      }),
    );
    documents.set('/badge.png', { type: 'image/png', body: PNG_1PX });
    documents.set(
      '/badge',
      json({
        '@context': CONTEXT,
        type: 'BadgeClass',
        id: `${base}/badge`,
        name: 'Animer une réunion',
        description: 'Anime une réunion **de bout en bout**.\n\nSeconde phrase.',
        image: `${base}/badge.png`,
        criteria: {
          narrative: 'La personne :\n- prépare **l’ordre du jour**\n- [conclut](javascript:alert(1))\n\n<img src=x onerror=alert(1)>',
        },
        issuer: `${base}/issuer`,
      }),
    );
    documents.set(
      '/assertions/1',
      json({
        '@context': CONTEXT,
        type: 'Assertion',
        id: `${base}/assertions/1`,
        recipient: { type: 'email', hashed: false, identity: 'lea@example.org' },
        badge: `${base}/badge`,
        verification: { type: 'HostedBadge' },
        issuedOn: '2024-03-01T10:00:00Z',
      }),
    );
    verifierApp = await startTestApp({ env: { VERIFIER_ALLOW_PRIVATE_NETWORKS: 'true' } });
  });

  afterAll(async () => {
    await verifierApp?.close();
    await new Promise<void>((resolve) => (foreign ? foreign.close(() => resolve()) : resolve()));
  });

  it('renders its criteria and description with the same subset, its HTML and unsafe links as text', async () => {
    const base = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}`;
    const boundary = '----insigne-narratives';
    const payload = `--${boundary}\r\nContent-Disposition: form-data; name="text"\r\n\r\n${base}/assertions/1\r\n--${boundary}--\r\n`;
    const response = await verifierApp.app.inject({
      method: 'POST',
      url: '/verifier',
      remoteAddress: '192.0.2.200',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, accept: 'text/html' },
      payload,
    });
    expect(response.statusCode, response.body.slice(0, 500)).toBe(200);
    const html = response.body;
    expect(html).toContain('<p>Anime une réunion <strong>de bout en bout</strong>.</p>\n<p>Seconde phrase.</p>');
    expect(html).toContain('<p>La personne :</p>\n<ul>\n<li>prépare <strong>l’ordre du jour</strong></li>');
    expect(html).toContain('[conclut](javascript:alert(1))');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/href="javascript:|<img src=x/i);
    expect(html).not.toContain('**');
  });
});
