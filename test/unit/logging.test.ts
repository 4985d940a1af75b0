import { describe, expect, it } from 'vitest';
import { briefError, errorForLog, redactUrl, requestForLog } from '../../src/logging.ts';

describe('URLs in the log', () => {
  it.each([
    ['/mon-espace/lien/abcDEF123_-xyz', '/mon-espace/lien/***'],
    ['/mot-de-passe/abcDEF123_-xyz', '/mot-de-passe/***'],
    ['/invitation/abcDEF123_-xyz?lang=en', '/invitation/***?lang=en'],
    ['/courriels/arret/bGVhQGV4YW1wbGUub3Jn.mac', '/courriels/arret/***'],
    ['/courriels/arret?jeton=bGVhQGV4YW1wbGUub3Jn.mac&lang=fr', '/courriels/arret?jeton=***&lang=fr'],
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
