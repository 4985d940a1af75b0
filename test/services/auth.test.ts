import { createHash } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertMembership } from '../../src/db/repositories/users.ts';
import { auditEvents, memberships, platformSetup, sessions, signInAttempts, users } from '../../src/db/schema.ts';
import { AuthService, SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, THROTTLE, throttledUntil } from '../../src/services/staff-sign-in.ts';
import { DeviceCookies } from '../../src/services/device-cookies.ts';
import { DomainError } from '../../src/services/errors.ts';
import { MasterKey } from '../../src/services/master-key.ts';
import { seedStructure, startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * Getting in, below the HTTP layer: the one-time setup, signing in and the
 * slowing down of guesses, server-side sessions and their two expiries,
 * switching structures, signing out, and what the audit trail keeps (never a
 * password). The clock is the services' `now`, moved by the tests.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const CLI = { kind: 'cli' } as const;

let ctx: TestPlatform;
let clock = new Date('2026-03-02T08:00:00Z');
const advance = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};

const services = () => ctx.platform.services;
const auth = () => ctx.platform.services.auth;
const db = () => ctx.platform.database.db;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

const REGION = { name: 'Région Normandie', email: 'Formation@Normandie.example.org', password: 'une phrase de passe assez longue' };
const PASSWORD = 'mot de passe du conseiller 2026';
/** Whichever of the two concurrent setups won. */
let regionAdmin = REGION;

let structureA: string;
let structureB: string;
let structureC: string;
/** Admin of A; advisor of A and of B; nothing in C. */
let lea: { id: string; email: string };
/** Advisor of C only. */
let omar: { id: string; email: string };

let ipCounter = 0;
/** A fresh address per test, so that the per-address limit of one test does not leak into another. */
const freshIp = () => `198.51.100.${++ipCounter}`;

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a refusal');
}

async function auditRows(action: string) {
  return db().select().from(auditEvents).where(eq(auditEvents.action, action));
}

beforeAll(async () => {
  ctx = await startTestPlatform({ now: () => clock });
  const [a, b, c] = [
    await seedStructure(services(), { name: 'Mission Locale de Caen' }),
    await seedStructure(services(), { name: 'Cap Emploi Rouen' }),
    await seedStructure(services(), { name: 'AFPA Alençon' }),
  ];
  structureA = a.structure.id;
  structureB = b.structure.id;
  structureC = c.structure.id;
  const leaUser = await services().users.create(
    { email: 'lea.martin@example.org', name: 'Léa Martin', password: PASSWORD, structureId: structureA, role: 'admin' },
    CLI,
  );
  await insertMembership(db(), { userId: leaUser.id, structureId: structureB, role: 'advisor', createdAt: clock });
  lea = { id: leaUser.id, email: leaUser.email };
  const omarUser = await services().users.create(
    { email: 'omar.benali@example.org', name: 'Omar Benali', password: PASSWORD, structureId: structureC, role: 'advisor' },
    CLI,
  );
  omar = { id: omarUser.id, email: omarUser.email };
});

afterAll(async () => {
  await ctx?.close();
});

describe('the one-time setup', () => {
  it('is needed on a new platform; two setups at the same moment create exactly one administrator', async () => {
    expect(await auth().setupNeeded()).toBe(true);
    const candidates = [REGION, { ...REGION, email: 'autre@normandie.example.org', name: 'Quelqu’un d’autre' }];
    const results = await Promise.allSettled(candidates.map((input) => auth().setup(input, { ip: freshIp() })));
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toMatchObject({ code: 'setup_done', status: 409 });
    regionAdmin = candidates[results.findIndex((r) => r.status === 'fulfilled')]!;

    const admins = await db().select().from(users).where(eq(users.isPlatformAdmin, true));
    expect(admins).toHaveLength(1);
    const [setupRow] = await db().select().from(platformSetup);
    expect(setupRow!.adminUserId).toBe(admins[0]!.id);
    expect(await auth().setupNeeded()).toBe(false);
  });

  it('stores the password as argon2id only, and audits the setup without it', async () => {
    const [admin] = await db().select().from(users).where(eq(users.isPlatformAdmin, true));
    expect(admin!.passwordHash).toMatch(/^\$argon2id\$v=19\$/);
    expect(admin!.passwordHash).toContain('m=19456');
    const events = await auditRows('platform.setup');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorKind: 'user', actorUserId: admin!.id, targetId: admin!.id });
    expect(JSON.stringify(events)).not.toContain(REGION.password);
  });

  it('can never run again, even from another instance of the app', async () => {
    expect(await rejection(auth().setup({ ...REGION, email: 'encore@normandie.example.org' }, { ip: freshIp() }))).toMatchObject({
      code: 'setup_done',
    });
    // Another app instance on the same database: no cached answer, same refusal.
    const otherInstance = new AuthService(db(), () => clock, new DeviceCookies(MasterKey.random().deriveKey('insigne:device-cookie:v1')));
    expect(await otherInstance.setupNeeded()).toBe(false);
    expect(await rejection(otherInstance.setup({ ...REGION, email: 'encore@normandie.example.org' }, { ip: freshIp() }))).toMatchObject({
      code: 'setup_done',
    });
    const [{ n }] = (await db().select({ n: count() }).from(users).where(eq(users.isPlatformAdmin, true))) as [{ n: number }];
    expect(Number(n)).toBe(1);
  });

  it('counts as done when a platform administrator was created from the command line', async () => {
    // As on a platform set up before the setup page existed: an administrator, no setup row.
    await db().delete(platformSetup);
    const instance = new AuthService(db(), () => clock, new DeviceCookies(MasterKey.random().deriveKey('insigne:device-cookie:v1')));
    expect(await instance.setupNeeded()).toBe(false);
    expect(await rejection(instance.setup({ ...REGION, email: 'cli@normandie.example.org' }, { ip: freshIp() }))).toMatchObject({
      code: 'setup_done',
    });
  });
});

describe('signing in', () => {
  it('opens a session whose token only the browser holds', async () => {
    const ip = freshIp();
    const { token, user, expiresAt } = await auth().signIn({ email: '  LEA.Martin@Example.org ', password: PASSWORD }, { ip });
    expect(user.id).toBe(lea.id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresAt.getTime()).toBe(clock.getTime() + SESSION_ABSOLUTE_MS);

    const [row] = await db()
      .select()
      .from(sessions)
      .where(eq(sessions.idHash, sha256(token)));
    expect(row).toBeDefined();
    expect(JSON.stringify(await db().select().from(sessions))).not.toContain(token);
    expect(row!.csrfSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const resolved = await auth().resolve(token);
    expect(resolved?.user).toMatchObject({ id: lea.id, name: 'Léa Martin', isPlatformAdmin: false });
    // Another instance of the app (or this one after a restart) knows the session too: it lives in the database.
    expect(
      (await new AuthService(db(), () => clock, new DeviceCookies(MasterKey.random().deriveKey('insigne:device-cookie:v1'))).resolve(token))
        ?.user.id,
    ).toBe(lea.id);
    // Her structures by name: Cap Emploi Rouen (advisor), then Mission Locale de Caen (admin).
    expect(resolved?.memberships.map((m) => [m.structureId, m.role])).toEqual([
      [structureB, 'advisor'],
      [structureA, 'admin'],
    ]);
    expect(resolved?.current?.structureId).toBe(structureB);

    const [event] = (await auditRows('auth.signed_in')).filter((e) => e.actorUserId === lea.id);
    expect(event).toMatchObject({ actorKind: 'user', structureId: structureB, details: { ip } });
  });

  it('answers a wrong password and an unknown email the same way, and audits both without the password', async () => {
    const ip = freshIp();
    const wrong = await rejection(auth().signIn({ email: lea.email, password: 'pas le bon mot de passe' }, { ip }));
    const unknown = await rejection(auth().signIn({ email: 'personne@example.org', password: 'pas le bon mot de passe' }, { ip }));
    for (const error of [wrong, unknown]) expect(error).toMatchObject({ code: 'invalid_credentials', status: 401, params: {} });

    const failures = (await auditRows('auth.sign_in_failed')).filter((e) => (e.details as { ip?: string }).ip === ip);
    expect(failures.map((e) => (e.details as { reason: string }).reason).sort()).toEqual(['unknown_account', 'wrong_password']);
    expect(failures.find((e) => e.targetId === lea.id)).toBeDefined();
    const everything = JSON.stringify([await db().select().from(auditEvents), await db().select().from(signInAttempts)]);
    expect(everything).not.toContain('pas le bon mot de passe');
    expect(everything).not.toContain(PASSWORD);
    // An unknown address may be a password typed in the wrong field: it is kept nowhere in clear.
    expect(everything).not.toContain('personne@example.org');
  });

  it('refuses an empty or oversized email or password without looking anything up', async () => {
    const ip = freshIp();
    for (const input of [
      { email: '', password: PASSWORD },
      { email: lea.email, password: '' },
      { email: 'x'.repeat(10_000), password: PASSWORD },
      { email: lea.email, password: 'x'.repeat(10_000) },
      { email: 'lea.martin@example.org\u0000', password: PASSWORD },
    ]) {
      expect(await rejection(auth().signIn(input, { ip }))).toMatchObject({ code: 'invalid_credentials' });
    }
    expect(await db().select().from(signInAttempts).where(eq(signInAttempts.ip, ip))).toHaveLength(0);
  });
});

describe('slowing down guesses', () => {
  it('the delay rule: 5 failures within 15 minutes, or more than 5 remembered, then 1, 2, 4… minutes up to an hour', () => {
    const t0 = new Date('2026-01-01T10:00:00Z').getTime();
    const at = (...minutes: number[]) => minutes.map((m) => new Date(t0 + m * MINUTE)).reverse();
    const policy = THROTTLE.account;
    expect(throttledUntil(at(0, 1, 2, 3), policy, new Date(t0 + 3 * MINUTE))).toBeNull();
    expect(throttledUntil(at(0, 1, 2, 3, 4), policy, new Date(t0 + 4 * MINUTE))?.getTime()).toBe(t0 + 5 * MINUTE);
    expect(throttledUntil(at(0, 1, 2, 3, 4), policy, new Date(t0 + 5 * MINUTE))).toBeNull();
    // Five failures spread over more than 15 minutes: no delay yet; a sixth one starts it.
    expect(throttledUntil(at(0, 4, 8, 12, 16), policy, new Date(t0 + 16 * MINUTE))).toBeNull();
    expect(throttledUntil(at(0, 4, 8, 12, 16, 60), policy, new Date(t0 + 60 * MINUTE))?.getTime()).toBe(t0 + 62 * MINUTE);
    expect(throttledUntil(at(0, 1, 2, 3, 4, 6, 9), policy, new Date(t0 + 9 * MINUTE))?.getTime()).toBe(t0 + 13 * MINUTE);
    const many = at(...Array.from({ length: 30 }, (_, i) => i * 2));
    expect(throttledUntil(many, policy, new Date(t0 + 58 * MINUTE))?.getTime()).toBe(t0 + 58 * MINUTE + HOUR);
  });

  it('per account: after 5 failures even the right password waits, for longer each time', async () => {
    const ip = () => freshIp(); // a different address every time: only the account counts here
    const email = omar.email;
    for (let i = 0; i < 5; i++) {
      expect(await rejection(auth().signIn({ email, password: `essai ${i}` }, { ip: ip() }))).toMatchObject({
        code: 'invalid_credentials',
      });
    }
    const refused = await rejection(auth().signIn({ email: 'OMAR.benali@example.org', password: PASSWORD }, { ip: ip() }));
    expect(refused).toMatchObject({ code: 'too_many_attempts', status: 429, params: { minutes: 1, seconds: 60 } });
    const recorded = await db()
      .select()
      .from(signInAttempts)
      .where(eq(signInAttempts.emailHash, sha256(email)));
    expect(recorded).toHaveLength(5); // a refused attempt is not a sixth failure

    advance(61_000);
    expect(await rejection(auth().signIn({ email, password: 'essai 5' }, { ip: ip() }))).toMatchObject({ code: 'invalid_credentials' });
    expect(await rejection(auth().signIn({ email, password: PASSWORD }, { ip: ip() }))).toMatchObject({
      code: 'too_many_attempts',
      params: { minutes: 2 },
    });
    advance(2 * MINUTE + 1000);
    expect(await rejection(auth().signIn({ email, password: 'essai 6' }, { ip: ip() }))).toMatchObject({ code: 'invalid_credentials' });
    expect(await rejection(auth().signIn({ email, password: PASSWORD }, { ip: ip() }))).toMatchObject({
      code: 'too_many_attempts',
      params: { minutes: 4 },
    });

    // Once the wait is over, the right password gets in, and the account's slate is clean again.
    advance(4 * MINUTE + 1000);
    await auth().signIn({ email, password: PASSWORD }, { ip: ip() });
    for (let i = 0; i < 4; i++) await rejection(auth().signIn({ email, password: `encore ${i}` }, { ip: ip() }));
    await auth().signIn({ email, password: PASSWORD }, { ip: ip() });
  });

  it('per address: after 20 failures from one address, nobody signs in from it for a while; elsewhere they do', async () => {
    const ip = freshIp();
    for (let i = 0; i < 20; i++) {
      await rejection(auth().signIn({ email: `inconnu-${i}@example.org`, password: 'devinette' }, { ip }));
    }
    expect(await rejection(auth().signIn({ email: lea.email, password: PASSWORD }, { ip }))).toMatchObject({
      code: 'too_many_attempts',
      params: { minutes: 1 },
    });
    await auth().signIn({ email: lea.email, password: PASSWORD }, { ip: freshIp() });
    advance(61_000);
    await auth().signIn({ email: lea.email, password: PASSWORD }, { ip });
  });

  it('a burst of parallel guesses gets no more than 5 tries at an account', async () => {
    const email = 'cible@example.org';
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => auth().signIn({ email, password: `rafale ${i}` }, { ip: freshIp() })),
    );
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as DomainError).code : 'signed_in'));
    expect(codes.filter((c) => c === 'invalid_credentials')).toHaveLength(5);
    expect(codes.filter((c) => c === 'too_many_attempts')).toHaveLength(7);
    advance(HOUR);
  });
});

describe('sessions', () => {
  async function signedIn(email = lea.email) {
    return (await auth().signIn({ email, password: PASSWORD }, { ip: freshIp() })).token;
  }

  it('end after 8 hours without use', async () => {
    const token = await signedIn();
    advance(SESSION_IDLE_MS - MINUTE);
    expect(await auth().resolve(token)).not.toBeNull(); // used: the 8 hours start again
    advance(SESSION_IDLE_MS - MINUTE);
    expect(await auth().resolve(token)).not.toBeNull();
    advance(SESSION_IDLE_MS);
    expect(await auth().resolve(token)).toBeNull();
    expect(
      await db()
        .select()
        .from(sessions)
        .where(eq(sessions.idHash, sha256(token))),
    ).toHaveLength(0);
  });

  it('end 30 days after sign-in, however often they are used', async () => {
    const token = await signedIn();
    const end = clock.getTime() + SESSION_ABSOLUTE_MS;
    while (clock.getTime() + 7 * HOUR < end) {
      advance(7 * HOUR);
      expect(await auth().resolve(token), clock.toISOString()).not.toBeNull();
    }
    clock = new Date(end - 1000);
    expect(await auth().resolve(token)).not.toBeNull();
    clock = new Date(end);
    expect(await auth().resolve(token)).toBeNull();
    advance(MINUTE);
  });

  it('record their use at most once a minute', async () => {
    const token = await signedIn();
    const lastSeen = async () =>
      (
        await db()
          .select({ at: sessions.lastSeenAt })
          .from(sessions)
          .where(eq(sessions.idHash, sha256(token)))
      )[0]!.at.getTime();
    const start = await lastSeen();
    advance(30_000);
    await auth().resolve(token);
    expect(await lastSeen()).toBe(start);
    advance(31_000);
    await auth().resolve(token);
    expect(await lastSeen()).toBe(clock.getTime());
  });

  it('are replaced at each sign-in: the token the browser held before stops working', async () => {
    const before = await signedIn();
    const { token: after } = await auth().signIn({ email: lea.email, password: PASSWORD }, { ip: freshIp(), previousToken: before });
    expect(after).not.toBe(before);
    expect(await auth().resolve(before)).toBeNull();
    expect(await auth().resolve(after)).not.toBeNull();
  });

  it('open nothing for an unknown, malformed or oversized token', async () => {
    for (const token of ['', 'x', 'A'.repeat(43), 'A'.repeat(10_000), '../../etc/passwd', 'é'.repeat(43)]) {
      expect(await auth().resolve(token)).toBeNull();
    }
  });

  it('move between the person’s own structures, and no other', async () => {
    const token = await signedIn();
    const context = (await auth().resolve(token))!;
    expect(context.current?.structureId).toBe(structureB);

    const switched = await auth().switchStructure(context, structureA);
    expect(switched).toMatchObject({ structureId: structureA, role: 'admin' });
    expect((await auth().resolve(token))?.current).toMatchObject({ structureId: structureA, role: 'admin' });
    const [event] = (await auditRows('auth.structure_switched')).filter((e) => e.actorUserId === lea.id);
    expect(event).toMatchObject({ structureId: structureA, targetId: structureA, details: { from: structureB } });

    const now = (await auth().resolve(token))!;
    for (const target of [structureC, '00000000-0000-4000-8000-000000000000', 'pas-un-uuid', 'x'.repeat(10_000)]) {
      expect(await rejection(auth().switchStructure(now, target))).toMatchObject({ code: 'not_a_member', status: 403 });
    }
    expect((await auth().resolve(token))?.current?.structureId).toBe(structureA);
  });

  it('fall back to another structure when the person leaves the current one', async () => {
    const token = await signedIn();
    const context = (await auth().resolve(token))!;
    await auth().switchStructure(context, structureB);
    await db()
      .delete(memberships)
      .where(and(eq(memberships.userId, lea.id), eq(memberships.structureId, structureB)));
    expect((await auth().resolve(token))?.current?.structureId).toBe(structureA);
    await insertMembership(db(), { userId: lea.id, structureId: structureB, role: 'advisor', createdAt: clock });
  });

  it('of a platform administrator with no structure have no current structure', async () => {
    const { token } = await auth().signIn({ email: regionAdmin.email, password: regionAdmin.password }, { ip: freshIp() });
    const context = await auth().resolve(token);
    expect(context?.user.isPlatformAdmin).toBe(true);
    expect(context?.memberships).toEqual([]);
    expect(context?.current).toBeNull();
  });

  it('end at sign-out, which is audited', async () => {
    const token = await signedIn();
    const context = (await auth().resolve(token))!;
    await auth().signOut(context);
    expect(await auth().resolve(token)).toBeNull();
    const events = (await auditRows('auth.signed_out')).filter((e) => e.actorUserId === lea.id);
    expect(events.length).toBeGreaterThanOrEqual(1);
    // Signing out twice changes nothing and writes nothing more.
    await auth().signOut(context);
    expect((await auditRows('auth.signed_out')).filter((e) => e.actorUserId === lea.id)).toHaveLength(events.length);
  });

  it('that have ended are cleared at the next sign-in', async () => {
    const token = await signedIn();
    advance(SESSION_IDLE_MS + MINUTE);
    await signedIn(omar.email);
    expect(
      await db()
        .select()
        .from(sessions)
        .where(eq(sessions.idHash, sha256(token))),
    ).toHaveLength(0);
  });
});
