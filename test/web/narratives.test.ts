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
