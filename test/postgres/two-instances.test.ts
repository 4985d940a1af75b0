import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertions } from '../../src/db/schema.ts';
import { MasterKey } from '../../src/services/master-key.ts';
import { buildApp } from '../../src/web/app.ts';
import { InjectBrowser } from '../support/inject-browser.ts';
import { freshDatabase, seedStructure, startTestPlatform } from '../support/platform.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Two app instances on one PostgreSQL, as behind a load balancer: what one
 * does, the other serves; idempotency holds across them; and the documents
 * each caches for speed show a revocation or a key rotation within a second.
 */
type Instance = Awaited<ReturnType<typeof startInstance>>;
let database: Awaited<ReturnType<typeof freshDatabase>>;
let a: Instance;
let b: Instance;
let seeded: Awaited<ReturnType<typeof seedStructure>>;

// Instances of one platform share its master key, as they would share MASTER_KEY.
const masterKey = MasterKey.random();

async function startInstance() {
  const test = await startTestPlatform({ database: database.options, masterKey });
  const app = await buildApp(test.platform);
  return { ...test, app };
}

const awardVia = (instance: Instance, key: string, email: string) =>
  instance.app.inject({
    method: 'POST',
    url: '/api/v1/assertions',
    headers: { authorization: `Bearer ${seeded.token}`, 'idempotency-key': key },
    payload: { badgeClass: seeded.badgeClasses[0]!.id, allowDuplicate: true, recipient: { email, name: 'Alex' } },
  });

/** What one instance did, seen by the other within `withinMs`. */
function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, withinMs: number) {
  let seen: T | undefined;
  return waitFor(async () => done((seen = await read())), {
    message: () => `not seen by the other instance (last seen: ${JSON.stringify(seen)})`,
    timeout: withinMs,
  });
}

beforeAll(async () => {
  database = await freshDatabase();
  a = await startInstance();
  b = await startInstance();
  seeded = await seedStructure(a.platform.services);
});

afterAll(async () => {
  await a?.app.close();
  await b?.app.close();
  await a?.platform.close();
  await b?.platform.close();
  await database?.drop();
});

describe('two instances on one database', () => {
  it('serve each other’s awards, and one Idempotency-Key sent to both awards once', async () => {
    const [fromA, fromB] = await Promise.all([
      awardVia(a, 'shared-key', 'alex@example.org'),
      awardVia(b, 'shared-key', 'alex@example.org'),
    ]);
    expect([fromA.statusCode, fromB.statusCode].sort()).toEqual([200, 201]);
    expect(fromA.json().id).toBe(fromB.json().id);
    const [stored] = await a.platform.database.db.select({ n: count() }).from(assertions);
    expect(Number(stored!.n)).toBe(1);
    const onB = await b.app.inject({ url: `/assertions/${fromA.json().id}` });
    expect(onB.statusCode).toBe(200);
    expect(onB.json().id).toBe(fromA.json().url);
  });

  it('show a revocation made on one at once on the other’s assertion URL, and on its revocation list within a second', async () => {
    const awarded = (await awardVia(a, 'to-revoke', 'sam@example.org')).json();
    const listOnB = () =>
      b.app
        .inject({ url: `/issuers/${seeded.structure.id}/revocations`, headers: { accept: 'application/json' } })
        .then((r) => r.json().revokedAssertions as { id: string }[]);
    expect(await listOnB()).toEqual([]); // B now holds the list in its cache
    const revoked = await a.app.inject({
      method: 'POST',
      url: `/api/v1/assertions/${awarded.id}/revoke`,
      headers: { authorization: `Bearer ${seeded.token}` },
      payload: { reason: 'Erreur de saisie' },
    });
    expect(revoked.statusCode).toBe(200);
    expect((await b.app.inject({ url: `/assertions/${awarded.id}` })).statusCode).toBe(410);
    await eventually(listOnB, (list) => list.some((r) => r.id === `urn:uuid:${awarded.id}`), 1500);
  });

  it('show a key rotation made on one in the other’s issuer profile and signed downloads within a second', async () => {
    const awarded = (await awardVia(a, 'before-rotation', 'kim@example.org')).json();
    const issuerOnB = () =>
      b.app
        .inject({ url: `/issuers/${seeded.structure.id}`, headers: { accept: 'application/json' } })
        .then((r) => r.json().publicKey as string);
    const before = await issuerOnB();
    const key = await a.platform.services.keys.rotate(seeded.structure.id, { kind: 'cli' });
    const newKeyUrl = a.platform.services.urls.signingKey(seeded.structure.id, key.id);
    expect(newKeyUrl).not.toBe(before);
    await eventually(issuerOnB, (publicKey) => publicKey === newKeyUrl, 1500);
    await eventually(
      () => b.app.inject({ url: `/assertions/${awarded.id}/signed.jws` }).then((r) => r.body),
      (jws) => JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString()).verification.creator === newKeyUrl,
      1500,
    );
    const jws = (await b.app.inject({ url: `/assertions/${awarded.id}/signed.jws` })).body;
    const report = await b.platform.services.publication.verify({ kind: 'jws', jws });
    expect(report.valid).toBe(true);
  });

  it('share sessions: signed in through one, a person is signed in on the other, and signed out of both at once', async () => {
    await a.platform.services.auth.setup(
      { name: 'Région Normandie', email: 'region@example.org', password: 'une phrase de passe solide' },
      { ip: '203.0.113.9' },
    );
    // One browser, sent to instance A, then B, then A again (as a load balancer would).
    let instance = a;
    const person = new InjectBrowser(() => instance.app);
    await person.signIn('region@example.org', 'une phrase de passe solide');
    instance = b;
    const onB = await person.get('/espace');
    expect(onB.statusCode).toBe(200);
    expect(onB.body).toContain('Région Normandie');
    // The sign-out form of B's page carries a CSRF token that A accepts too.
    const signOut = await person.submit('/espace', '/deconnexion', {});
    expect(signOut.statusCode).toBe(303);
    instance = a;
    const afterOnA = await person.get('/espace');
    expect(afterOnA.statusCode).toBe(303);
    expect(afterOnA.headers.location).toMatch(/^\/connexion/);
  });
});
