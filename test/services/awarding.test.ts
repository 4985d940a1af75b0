import { randomUUID } from 'node:crypto';
import { and, count, eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REGIONAL_CATALOGUE } from '../../src/catalogue/regional.ts';
import { assertions, auditEvents, badgeClasses, idempotencyKeys, signingKeys } from '../../src/db/schema.ts';
import type { AwardInput } from '../../src/services/awarding.ts';
import { DomainError } from '../../src/services/errors.ts';
import { clockFrom } from '../support/clock.ts';
import { seedStructure, startTestApp, TEST_PUBLIC_URL } from '../support/platform.ts';

/**
 * The awarding use cases called directly (ctx.services.*), below the HTTP
 * layer: dates, revocation, re-signing after a key rotation, what a new
 * structure starts with, and that a failed award leaves nothing behind.
 */
type Json = Record<string, any>;
type Seeded = Awaited<ReturnType<typeof seedStructure>>;

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let S: Seeded;
let other: Seeded;
/** The clock given to startTestApp({ now }); `undefined` means the real one. */
let clock: (() => Date) | undefined;

const CLI = { kind: 'cli' } as const;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const payloadOf = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString()) as Json;

const db = () => ctx.platform.database.db;

function input(overrides: Partial<AwardInput> = {}): AwardInput {
  return {
    structureId: S.structure.id,
    badgeClassId: S.badgeClasses[0]!.id,
    recipient: { email: 'lea.martin@example.org', name: 'Léa Martin' },
    // The same person is given the same badge again and again here: the duplicate rule has its own tests (programme-rules.test.ts).
    allowDuplicate: true,
    ...overrides,
  };
}

/** Rows an award writes, for one structure. */
async function footprint(structureId: string) {
  const [[a], [i], [e]] = await Promise.all([
    db().select({ n: count() }).from(assertions).where(eq(assertions.structureId, structureId)),
    db().select({ n: count() }).from(idempotencyKeys).where(eq(idempotencyKeys.structureId, structureId)),
    db()
      .select({ n: count() })
      .from(auditEvents)
      .where(and(eq(auditEvents.structureId, structureId), eq(auditEvents.action, 'assertion.awarded'))),
  ]);
  return { assertions: Number(a!.n), idempotencyKeys: Number(i!.n), awardAudits: Number(e!.n) };
}

/** The messages of an error and of its causes (drizzle wraps driver errors). */
function messages(error: unknown): string {
  const parts: string[] = [];
  for (let e: any = error; e; e = e.cause) parts.push(String(e.message ?? e));
  return parts.join(' <- ');
}

beforeAll(async () => {
  ctx = await startTestApp({ now: () => (clock ? clock() : new Date()) });
  S = await seedStructure(ctx.services);
  other = await seedStructure(ctx.services, { name: 'Autre structure', url: 'https://autre.example.org', email: 'a@autre.example.org' });
});

afterEach(() => {
  clock = undefined;
});

afterAll(async () => {
  await ctx?.close();
});

describe('issuedOn', () => {
  it('is whole seconds and never ahead of the real clock', async () => {
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const { assertion } = await ctx.services.awarding.award(input(), CLI);
      const finished = Date.now();
      expect(assertion.issuedOn.getUTCMilliseconds()).toBe(0);
      expect(assertion.issuedOn.getTime()).toBeLessThanOrEqual(finished);
      expect(assertion.issuedOn.getTime()).toBeGreaterThan(started - 1000);
    }
  });

  it('rounds down, never up: 10:00:00.999 is issued at 10:00:00', async () => {
    clock = () => new Date('2025-03-01T10:00:00.999Z');
    const { assertion } = await ctx.services.awarding.award(input(), CLI);
    expect(assertion.issuedOn.toISOString()).toBe('2025-03-01T10:00:00.000Z');
  });

  it('comes from the now given to startTestApp, in the row, the hosted document and the JWS', async () => {
    clock = () => new Date('2024-07-14T08:30:15.250Z');
    const { assertion } = await ctx.services.awarding.award(input(), CLI);
    expect(assertion.issuedOn.toISOString()).toBe('2024-07-14T08:30:15.000Z');
    const published = await ctx.services.publication.assertion(assertion.id);
    expect((published.document as Json).issuedOn).toBe('2024-07-14T08:30:15Z');
    expect(payloadOf(assertion.jws!).issuedOn).toBe('2024-07-14T08:30:15Z');
    // The stored row reads back the same.
    const [row] = await db().select().from(assertions).where(eq(assertions.id, assertion.id));
    expect(row!.issuedOn.toISOString()).toBe('2024-07-14T08:30:15.000Z');
  });

  it('judges expires against that issue date, not against the wall clock', async () => {
    clock = () => new Date('2024-07-14T08:30:15Z');
    // In the past for the wall clock, after the issue date: accepted.
    const { assertion } = await ctx.services.awarding.award(input({ expires: new Date('2025-01-01T00:00:00Z') }), CLI);
    expect(assertion.expires!.toISOString()).toBe('2025-01-01T00:00:00.000Z');
    // Equal to the issue date: refused.
    await expect(ctx.services.awarding.award(input({ expires: new Date('2024-07-14T08:30:15Z') }), CLI)).rejects.toMatchObject({
      code: 'expires_before_issue',
      status: 422,
    });
  });

  it('sets expires from the validity period, from the issue date', async () => {
    // Not the general badge (index 8): its rule asks for three « je maîtrise » first.
    const bc = S.badgeClasses[7]!;
    await db().update(badgeClasses).set({ validityDays: 365 }).where(eq(badgeClasses.id, bc.id));
    clock = () => new Date('2024-02-29T12:00:00.700Z');
    const { assertion } = await ctx.services.awarding.award(input({ badgeClassId: bc.id }), CLI);
    expect(assertion.expires!.toISOString()).toBe('2025-02-28T12:00:00.000Z');
    await db().update(badgeClasses).set({ validityDays: null }).where(eq(badgeClasses.id, bc.id));
  });
});

describe('revocation', () => {
  it('keeps the row, sets revokedAt and the trimmed reason, and deletes nothing', async () => {
    const { assertion } = await ctx.services.awarding.award(input({ recipient: { email: 'r@example.org', name: 'Révoquée' } }), CLI);
    const before = await footprint(S.structure.id);
    const revoked = await ctx.services.awarding.revoke(S.structure.id, assertion.id, '  Fraude constatée  ', CLI);
    expect(revoked.id).toBe(assertion.id);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect(revoked.revocationReason).toBe('Fraude constatée');
    expect(revoked.revokedByTokenId).toBeNull();
    expect(revoked.revokedByUserId).toBeNull();

    expect(await footprint(S.structure.id)).toEqual(before);
    const [row] = await db().select().from(assertions).where(eq(assertions.id, assertion.id));
    expect(row).toMatchObject({
      recipientEmail: 'r@example.org',
      recipientName: 'Révoquée',
      recipientSalt: assertion.recipientSalt,
      jws: assertion.jws,
      revocationReason: 'Fraude constatée',
    });
    expect(row!.revokedAt!.getTime()).toBe(revoked.revokedAt!.getTime());

    const published = await ctx.services.publication.assertion(assertion.id);
    expect(published.state).toBe('revoked');
    const list = (await ctx.services.publication.revocationList(S.structure.id)) as Json;
    expect(list.revokedAssertions).toContainEqual({ id: `urn:uuid:${assertion.id}`, revocationReason: 'Fraude constatée' });

    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, assertion.id), eq(auditEvents.action, 'assertion.revoked')));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorKind: 'cli', structureId: S.structure.id, details: { reason: 'Fraude constatée' } });
  });

  it('refuses to revoke twice, keeping the first reason and date', async () => {
    const { assertion } = await ctx.services.awarding.award(input(), CLI);
    const first = await ctx.services.awarding.revoke(S.structure.id, assertion.id, 'Première', CLI);
    const error = await ctx.services.awarding.revoke(S.structure.id, assertion.id, 'Seconde', CLI).catch((e) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'already_revoked', status: 409 });
    const row = await ctx.services.awarding.get(S.structure.id, assertion.id);
    expect(row.revocationReason).toBe('Première');
    expect(row.revokedAt!.getTime()).toBe(first.revokedAt!.getTime());
    const audits = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, assertion.id), eq(auditEvents.action, 'assertion.revoked')));
    expect(audits).toHaveLength(1);
  });

  it("refuses another structure's assertion as not found, and leaves it alone", async () => {
    const { assertion } = await ctx.services.awarding.award(
      input({ structureId: other.structure.id, badgeClassId: other.badgeClasses[0]!.id }),
      CLI,
    );
    await expect(ctx.services.awarding.revoke(S.structure.id, assertion.id, 'Intrus', CLI)).rejects.toMatchObject({
      code: 'assertion_not_found',
      status: 404,
    });
    await expect(ctx.services.awarding.get(S.structure.id, assertion.id)).rejects.toMatchObject({ code: 'assertion_not_found' });
    expect((await ctx.services.awarding.get(other.structure.id, assertion.id)).revokedAt).toBeNull();
  });
});

describe('currentJws after a key rotation', () => {
  let R: Seeded;

  beforeAll(async () => {
    R = await seedStructure(ctx.services, { name: 'Rotation', url: 'https://rotation.example.org', email: 'r@rotation.example.org' });
  });

  it('returns the stored JWS while the key is the same, without rewriting it', async () => {
    const { assertion } = await ctx.services.awarding.award(
      input({ structureId: R.structure.id, badgeClassId: R.badgeClasses[0]!.id }),
      CLI,
    );
    expect(await ctx.services.awarding.currentJws(assertion)).toBe(assertion.jws);
    const [row] = await db().select().from(assertions).where(eq(assertions.id, assertion.id));
    expect(row!.jws).toBe(assertion.jws);
    expect(row!.signingKeyId).toBe(assertion.signingKeyId);
  });

  it('re-signs with the new key, stores it with the new signingKeyId, and keeps the award as it was', async () => {
    // Awarded on a day of the test's: its expiry in 2031 is later than that, whatever today is.
    clock = clockFrom('2026-03-10T09:00:00Z');
    const { assertion } = await ctx.services.awarding.award(
      input({
        structureId: R.structure.id,
        badgeClassId: R.badgeClasses[1]!.id,
        narrative: 'Avant rotation',
        expires: new Date('2031-01-01T00:00:00Z'),
      }),
      CLI,
    );
    const oldKeyId = assertion.signingKeyId!;
    expect(oldKeyId).toBe(await ctx.services.keys.activeId(R.structure.id));

    const rotated = await ctx.services.keys.rotate(R.structure.id, CLI);
    expect(rotated.id).not.toBe(oldKeyId);
    expect(await ctx.services.keys.activeId(R.structure.id)).toBe(rotated.id);

    const jws = await ctx.services.awarding.currentJws(assertion);
    expect(jws).not.toBe(assertion.jws);
    const payload = payloadOf(jws);
    expect(payload.verification).toEqual({
      type: 'SignedBadge',
      creator: `${TEST_PUBLIC_URL}/issuers/${R.structure.id}/keys/${rotated.id}`,
    });
    const { verification: _old, ...oldRest } = payloadOf(assertion.jws!);
    const { verification: _new, ...newRest } = payload;
    expect(newRest).toEqual(oldRest);
    expect(newRest.recipient.salt).toBe(assertion.recipientSalt);

    const [row] = await db().select().from(assertions).where(eq(assertions.id, assertion.id));
    expect(row!.signingKeyId).toBe(rotated.id);
    expect(row!.jws).toBe(jws);
    // Once stored, the new JWS is handed out as is.
    expect(await ctx.services.awarding.currentJws(row!)).toBe(jws);

    const report = await ctx.services.publication.verify({ kind: 'jws', jws });
    expect(report.status).toBe('valid');

    // The old key is retired, not deleted.
    const keys = await db().select().from(signingKeys).where(eq(signingKeys.structureId, R.structure.id));
    expect(keys).toHaveLength(2);
    expect(keys.find((k) => k.id === oldKeyId)!.retiredAt).toBeInstanceOf(Date);
    expect(keys.find((k) => k.id === rotated.id)!.retiredAt).toBeNull();
  });

  it('signs new awards with the new key', async () => {
    const active = await ctx.services.keys.activeId(R.structure.id);
    const { assertion } = await ctx.services.awarding.award(
      input({ structureId: R.structure.id, badgeClassId: R.badgeClasses[2]!.id }),
      CLI,
    );
    expect(assertion.signingKeyId).toBe(active);
    expect(payloadOf(assertion.jws!).verification.creator).toBe(`${TEST_PUBLIC_URL}/issuers/${R.structure.id}/keys/${active}`);
  });
});

describe('a new structure', () => {
  it('comes with the nine catalogue badge classes in catalogue order, aligned to the framework, with PNG and SVG images', async () => {
    const structure = await ctx.services.structures.create(
      { name: 'Nouvelle structure', url: 'https://nouvelle.example.org', email: 'contact@nouvelle.example.org' },
      CLI,
    );
    const list = await ctx.services.badgeClasses.listAwardable(structure.id);
    expect(list).toHaveLength(9);
    expect(REGIONAL_CATALOGUE).toHaveLength(9);
    expect(list.map((b) => b.catalogueKey)).toEqual(REGIONAL_CATALOGUE.map((c) => c.key));
    expect(list.map((b) => b.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    for (const [i, row] of list.entries()) {
      const entry = REGIONAL_CATALOGUE[i]!;
      expect(row).toMatchObject({
        structureId: structure.id,
        name: entry.name,
        description: entry.description,
        criteriaNarrative: entry.criteriaNarrative,
        validityDays: null,
        archivedAt: null,
      });
      expect(row.alignment).toHaveLength(entry.alignment.length);
      for (const [j, alignment] of row.alignment.entries()) {
        // Stored as a path on the platform; published on PUBLIC_URL (see the next check).
        expect(alignment.targetUrl).toBe(`/referentiel#${entry.alignment[j]!.anchor}`);
        expect(alignment.targetName).toBe(entry.alignment[j]!.targetName);
      }
      expect([...row.imagePng.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
      expect(row.imagePng.length).toBeGreaterThan(1000);
      expect(row.imageSvg!.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    }
    // Published on PUBLIC_URL, whatever it was when the structure was created.
    const published = (await ctx.services.publication.badgeClass(list[0]!.id)) as { alignment: { targetUrl: string }[] };
    expect(published.alignment[0]!.targetUrl).toBe(`${TEST_PUBLIC_URL}/referentiel#${REGIONAL_CATALOGUE[0]!.alignment[0]!.anchor}`);

    // Its own rows, not another structure's.
    const ids = new Set(list.map((b) => b.id));
    expect(S.badgeClasses.some((b) => ids.has(b.id))).toBe(false);

    const keys = await db().select().from(signingKeys).where(eq(signingKeys.structureId, structure.id));
    expect(keys).toHaveLength(1);
    expect(keys[0]!.retiredAt).toBeNull();
    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.structureId, structure.id), eq(auditEvents.action, 'structure.created')));
    expect(audit).toHaveLength(1);

    // Ready to award at once.
    const { assertion } = await ctx.services.awarding.award(
      { structureId: structure.id, badgeClassId: list[0]!.id, recipient: { email: 'x@example.org', name: 'X' } },
      CLI,
    );
    expect(assertion.signingKeyId).toBe(keys[0]!.id);
  });
});

describe('a failed award writes nothing', () => {
  it("with another structure's badge class: no assertion, no idempotency row, no audit event", async () => {
    const before = await footprint(S.structure.id);
    const beforeOther = await footprint(other.structure.id);
    const error = await ctx.services.awarding
      .award(input({ badgeClassId: other.badgeClasses[0]!.id, idempotencyKey: 'foreign-class' }), CLI)
      .catch((e) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'badge_class_not_found', status: 404 });
    expect(await footprint(S.structure.id)).toEqual(before);
    expect(await footprint(other.structure.id)).toEqual(beforeOther);
  });

  it('with an unknown badge class, an archived one, or an expiry before the issue date', async () => {
    const archived = S.badgeClasses[7]!;
    await db().update(badgeClasses).set({ archivedAt: new Date() }).where(eq(badgeClasses.id, archived.id));
    try {
      const before = await footprint(S.structure.id);
      await expect(ctx.services.awarding.award(input({ badgeClassId: randomUUID(), idempotencyKey: 'k1' }), CLI)).rejects.toMatchObject({
        code: 'badge_class_not_found',
      });
      await expect(ctx.services.awarding.award(input({ badgeClassId: archived.id, idempotencyKey: 'k2' }), CLI)).rejects.toMatchObject({
        code: 'badge_class_archived',
        status: 409,
      });
      await expect(
        ctx.services.awarding.award(input({ expires: new Date('2001-01-01T00:00:00Z'), idempotencyKey: 'k3' }), CLI),
      ).rejects.toMatchObject({ code: 'expires_before_issue' });
      expect(await footprint(S.structure.id)).toEqual(before);
    } finally {
      await db().update(badgeClasses).set({ archivedAt: null }).where(eq(badgeClasses.id, archived.id));
    }
  });

  it('when the last write of the transaction fails: the assertion and its audit event are rolled back', async () => {
    // A trigger refuses one idempotency key: the failure comes after the assertion
    // and its audit event were inserted, inside the same transaction.
    await db().execute(
      sql.raw(`create or replace function insigne_test_refuse_key() returns trigger language plpgsql as $$
        begin
          if new.key = 'refuse-me' then raise exception 'refused by the test trigger'; end if;
          return new;
        end $$`),
    );
    await db().execute(
      sql.raw(
        'create trigger insigne_test_refuse_key before insert on idempotency_keys for each row execute function insigne_test_refuse_key()',
      ),
    );
    try {
      const before = await footprint(S.structure.id);
      const name = `Demi-écriture ${randomUUID()}`;
      const error = await ctx.services.awarding
        .award(input({ recipient: { email: 'half@example.org', name }, idempotencyKey: 'refuse-me' }), CLI)
        .catch((e) => e);
      expect(error).toBeInstanceOf(Error);
      expect(messages(error)).toContain('refused by the test trigger');
      expect(await footprint(S.structure.id)).toEqual(before);
      const rows = await db().select().from(assertions).where(eq(assertions.recipientName, name));
      expect(rows).toEqual([]);

      // The same request with another key goes through: the trigger, not the award, refused it.
      const ok = await ctx.services.awarding.award(
        input({ recipient: { email: 'half@example.org', name }, idempotencyKey: 'accept-me' }),
        CLI,
      );
      expect(ok.replayed).toBe(false);
      expect(await footprint(S.structure.id)).toEqual({
        assertions: before.assertions + 1,
        idempotencyKeys: before.idempotencyKeys + 1,
        awardAudits: before.awardAudits + 1,
      });
    } finally {
      await db().execute(sql.raw('drop trigger if exists insigne_test_refuse_key on idempotency_keys'));
      await db().execute(sql.raw('drop function if exists insigne_test_refuse_key()'));
    }
  });
});

describe('idempotency in the service', () => {
  it('replays an award with the same key and flags it as replayed', async () => {
    const first = await ctx.services.awarding.award(input({ idempotencyKey: 'svc-1' }), CLI);
    const again = await ctx.services.awarding.award(input({ idempotencyKey: 'svc-1' }), CLI);
    expect(first.replayed).toBe(false);
    expect(again.replayed).toBe(true);
    expect(again.assertion.id).toBe(first.assertion.id);
    await expect(ctx.services.awarding.award(input({ idempotencyKey: 'svc-1', narrative: 'autre' }), CLI)).rejects.toMatchObject({
      code: 'idempotency_key_reused',
      status: 422,
    });
  });

  it('makes one assertion of concurrent awards with one key, and writes one audit event', async () => {
    const before = await footprint(S.structure.id);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => ctx.services.awarding.award(input({ idempotencyKey: 'svc-race' }), CLI)),
    );
    expect(new Set(results.map((r) => r.assertion.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await footprint(S.structure.id)).toEqual({
      assertions: before.assertions + 1,
      idempotencyKeys: before.idempotencyKeys + 1,
      awardAudits: before.awardAudits + 1,
    });
  });
});

describe('listing', () => {
  it('normalises the email filter and pages with offsets', async () => {
    const L = await seedStructure(ctx.services, { name: 'Liste', url: 'https://liste.example.org', email: 'l@liste.example.org' });
    for (let i = 0; i < 3; i++) {
      clock = () => new Date(Date.UTC(2025, 5, 1, 9, 0, i));
      await ctx.services.awarding.award(
        {
          structureId: L.structure.id,
          badgeClassId: L.badgeClasses[0]!.id,
          recipient: { email: ` Noe.${i % 2}@Example.org `, name: `Noé ${i}` },
          allowDuplicate: true,
        },
        CLI,
      );
    }
    const found = await ctx.services.awarding.list({
      structureId: L.structure.id,
      recipientEmail: '  NOE.0@EXAMPLE.ORG',
      page: 1,
      perPage: 10,
    });
    expect(found.total).toBe(2);
    expect(found.rows.map((r) => r.recipientName)).toEqual(['Noé 2', 'Noé 0']);
    const second = await ctx.services.awarding.list({ structureId: L.structure.id, page: 2, perPage: 2 });
    expect(second.total).toBe(3);
    expect(second.rows.map((r) => r.recipientName)).toEqual(['Noé 0']);
  });
});
