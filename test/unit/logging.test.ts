import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { briefError, errorForLog, loggerOptions, redactUrl, requestForLog } from '../../src/logging.ts';
import { MAX_PATH_TOKEN, SECRET_LINKS, secretPath, type SecretLink } from '../../src/services/urls.ts';
import { buildApp } from '../../src/web/app.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

describe('URLs in the log', () => {
  it.each([
    ['/mon-espace/lien/abcDEF123_-xyz', '/mon-espace/lien/***'],
    ['/mot-de-passe/abcDEF123_-xyz', '/mot-de-passe/***'],
    ['/invitation/abcDEF123_-xyz?lang=en', '/invitation/***?lang=en'],
    ['/courriels/arret/bGVhQGV4YW1wbGUub3Jn.mac', '/courriels/arret/***'],
    ['/courriels/arret?jeton=bGVhQGV4YW1wbGUub3Jn.mac&lang=fr', '/courriels/arret?jeton=***&lang=fr'],
    ['/api/v1/assertions?recipientEmail=lea%40example.org&page=2', '/api/v1/assertions?recipientEmail=***&page=2'],
    ['/espace/membres?fait=invite&email=camille%40example.org', '/espace/membres?fait=invite&email=***'],
    ['/espace/apprenants?q=lea@example.org', '/espace/apprenants?q=***'],
    ['/espace/apprenants/lea%40example.org?lang=en', '/espace/apprenants/***?lang=en'],
  ])('hides the secret of %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('leaves other URLs alone', () => {
    expect(redactUrl('/assertions/8f1c2e9a-0000-4000-8000-000000000000?lang=en')).toBe(
      '/assertions/8f1c2e9a-0000-4000-8000-000000000000?lang=en',
    );
    expect(redactUrl('/mon-espace')).toBe('/mon-espace');
  });

  it('is what the request serializer writes', () => {
    expect(requestForLog({ method: 'GET', url: '/mot-de-passe/secret', ip: '203.0.113.1' }).url).toBe('/mot-de-passe/***');
  });
});

describe('errors in the log', () => {
  it('keep a failed query’s SQL and cause, never its parameters', async () => {
    const { DrizzleQueryError } = await import('drizzle-orm/errors');
    const error = new DrizzleQueryError('select * from users where email = $1', ['lea@example.org'], new Error('Connection terminated'));
    expect(JSON.stringify(errorForLog(error))).not.toContain('lea@example.org');
    expect(JSON.stringify(errorForLog(error))).toContain('Connection terminated');
    expect(briefError(error)).toBe('Connection terminated');
  });
});

/**
 * Through the real app and the server's own logger: every secret-bearing link
 * PublicUrls declares, requested in each form it can take, leaves its token
 * nowhere in what the log received.
 */
describe('the request log of the secret-bearing links PublicUrls declares', () => {
  let platform: TestPlatform;
  let app: FastifyInstance;
  const lines: string[] = [];
  const tokenRoutes: string[] = [];

  beforeAll(async () => {
    platform = await startTestPlatform();
    app = await buildApp(platform.platform, {
      logger: loggerOptions('info', { write: (line) => void lines.push(line) }),
      onRoute: (route) => {
        if (/:token\b/.test(route.url)) tokenRoutes.push(route.url);
      },
    });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  const links = Object.keys(SECRET_LINKS) as SecretLink[];
  const token = (length = 43) => randomBytes(length).toString('base64url').slice(0, length);

  it.each(links)('%s: no token in the log, whatever the request', async (link) => {
    const declared: { prefix: string; param?: string } = SECRET_LINKS[link];
    const secrets: string[] = [];
    const urls: string[] = [];
    let unlogged = 0;
    const add = (secret: string, url: string, logged = true) => {
      secrets.push(secret);
      urls.push(url);
      if (!logged) unlogged++;
    };
    let t = token();
    add(t, secretPath(link, t));
    t = token();
    add(t, `${secretPath(link, t)}?lang=en`);
    // A segment after the token: no route matches, the log still hides it.
    t = token();
    add(t, `${secretPath(link, t)}/plus`);
    // A token too long for a path segment: the router answers 414 before any log line.
    t = token(MAX_PATH_TOKEN + 20);
    add(t, `${declared.prefix}${t}`, false);
    if (declared.param) {
      t = token(MAX_PATH_TOKEN + 20);
      const built = secretPath(link, t);
      expect(built).toContain(`?${declared.param}=`);
      add(t, built);
      t = token();
      add(t, `${declared.prefix.slice(0, -1)}?lang=fr&${declared.param}=${t}`);
    }

    const before = lines.length;
    for (const url of urls) {
      for (const method of ['GET', 'POST'] as const) {
        const response = await app.inject({ method, url, ...(method === 'POST' && { payload: { action: 'x' } }) });
        expect(response.statusCode).toBeLessThan(500);
      }
    }
    const written = lines.slice(before).join('');
    // The requests did reach the log (a silent logger would pass anything)…
    expect(written).toContain(`"url":"${declared.prefix}***`);
    expect(written.match(/"msg":"incoming request"/g)?.length).toBe((urls.length - unlogged) * 2);
    // …and none of their secrets did.
    for (const secret of secrets) expect(written).not.toContain(secret);
  });

  it('knows every route that takes a token in its path', () => {
    expect(tokenRoutes.length).toBeGreaterThan(0);
    for (const url of tokenRoutes) {
      expect(
        links.some((link) => url === `${SECRET_LINKS[link].prefix}:token`),
        url,
      ).toBe(true);
    }
  });
});
