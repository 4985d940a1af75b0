import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MasterKey } from '../../src/services/master-key.ts';
import { buildApp } from '../../src/web/app.ts';
import { freshDatabase, seedStructure, startTestPlatform } from '../support/platform.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Open Badges 3.0 on two app instances over one PostgreSQL: a revocation made
 * through one shows in the status list the other serves within a second; a
 * key added through one is listed by the other's Profile within a second;
 * two first downloads at once, one on each, give one credential and one slot.
 */
type Json = Record<string, any>;
type Instance = Awaited<ReturnType<typeof startInstance>>;
let database: Awaited<ReturnType<typeof freshDatabase>>;
let a: Instance;
let b: Instance;
let seeded: Awaited<ReturnType<typeof seedStructure>>;
const masterKey = MasterKey.random();

async function startInstance() {
  const test = await startTestPlatform({ database: database.options, masterKey });
  const app = await buildApp(test.platform);
  return { ...test, app };
}

async function award(instance: Instance, email: string): Promise<Json> {
  const response = await instance.app.inject({
    method: 'POST',
    url: '/api/v1/assertions',
    headers: { authorization: `Bearer ${seeded.token}` },
    payload: { badgeClass: seeded.badgeClasses[0]!.id, recipient: { email, name: 'Alex' } },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as Json;
}

const credential = async (instance: Instance, id: string) => {
  const response = await instance.app.inject({ method: 'GET', url: `/assertions/${id}/credential.json` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Json;
};

async function bitAt(instance: Instance, entry: Json): Promise<boolean> {
  const list = (await instance.app.inject({ method: 'GET', url: new URL(entry.statusListCredential).pathname })).json() as Json;
  const bits = gunzipSync(Buffer.from(list.credentialSubject.encodedList.slice(1), 'base64url'));
  const index = Number(entry.statusListIndex);
  return (bits[index >> 3]! & (0x80 >> (index & 7))) !== 0;
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

describe('Open Badges 3.0 across two instances', () => {
  it('a revocation through one instance sets the bit in the list the other serves, within a second', async () => {
    const awarded = await award(a, 'revoque@example.org');
    const entry = (await credential(a, awarded.id)).credentialStatus;
    expect(await bitAt(b, entry)).toBe(false); // b now holds the list in its cache
    const revoke = await a.app.inject({
      method: 'POST',
      url: `/api/v1/assertions/${awarded.id}/revoke`,
      headers: { authorization: `Bearer ${seeded.token}` },
      payload: { reason: 'Erreur' },
    });
    expect(revoke.statusCode).toBe(200);
    const started = Date.now();
    await waitFor(() => bitAt(b, entry), { timeout: 1500, message: () => 'the other instance still serves the bit clear' });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('a key added through one instance is listed by the other within a second', async () => {
    const before = ((await b.app.inject({ method: 'GET', url: `/ob3/issuers/${seeded.structure.id}` })).json() as Json).assertionMethod
      .length;
    await a.platform.services.ob3Keys.add(seeded.structure.id, { kind: 'cli' });
    await waitFor(
      async () =>
        ((await b.app.inject({ method: 'GET', url: `/ob3/issuers/${seeded.structure.id}` })).json() as Json).assertionMethod.length ===
        before + 1,
      { timeout: 1500, message: () => 'the other instance does not list the new key' },
    );
  });

  it('two first downloads at once, one on each instance, give one slot and the same subject', async () => {
    const awarded = await award(a, 'ensemble@example.org');
    const [x, y] = await Promise.all([credential(a, awarded.id), credential(b, awarded.id)]);
    expect(x.credentialStatus).toEqual(y.credentialStatus);
    expect(x.credentialSubject).toEqual(y.credentialSubject);
    expect(await credential(b, awarded.id)).toEqual(await credential(a, awarded.id));
  });
});
