import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertions, auditEvents } from '../../src/db/schema.ts';
import type { BulkAwardItem } from '../../src/services/awarding.ts';
import { seedStructure, startTestPlatform } from '../support/platform.ts';

let ctx: Awaited<ReturnType<typeof startTestPlatform>>;
let seeded: Awaited<ReturnType<typeof seedStructure>>;
const actor = { kind: 'cli' } as const;

async function countAssertions(structureId: string) {
  const [row] = await ctx.platform.database.db.select({ n: count() }).from(assertions).where(eq(assertions.structureId, structureId));
  return Number(row!.n);
}

function learners(n: number, prefix: string, badgeClassId: string): BulkAwardItem[] {
  return Array.from({ length: n }, (_, i) => ({
    badgeClassId,
    recipient: { email: `${prefix}.${i}@example.org`, name: `Apprenant ${i}` },
    idempotencyKey: `${prefix}:${i}`,
  }));
}

beforeAll(async () => {
  ctx = await startTestPlatform();
  seeded = await seedStructure(ctx.platform.services);
});

afterAll(async () => {
  await ctx?.close();
});

describe('awardMany', () => {
  it('awards a batch large enough to sign on several threads, each assertion signed and verifiable', async () => {
    const { services } = ctx.platform;
    const badgeClassId = seeded.badgeClasses[0]!.id;
    const outcomes = await services.awarding.awardMany(seeded.structure.id, learners(150, 'lot1', badgeClassId), actor);
    expect(outcomes.map((o) => o.status)).toEqual(Array(150).fill('awarded'));
    expect(await countAssertions(seeded.structure.id)).toBe(150);
    const sample = outcomes[149]!;
    if (sample.status === 'refused') throw new Error('unexpected');
    expect(sample.assertion.recipientEmail).toBe('lot1.149@example.org');
    const report = await services.publication.verify({ kind: 'jws', jws: sample.assertion.jws! });
    expect(report.valid).toBe(true);
    expect(report.assertion?.id).toBe(`urn:uuid:${sample.assertion.id}`);
    const audits = await ctx.platform.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'assertion.bulk_awarded'));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.details).toMatchObject({ count: 150 });
    expect((audits[0]!.details.assertionIds as string[]).sort()).toEqual(
      outcomes.map((o) => (o.status === 'awarded' ? o.assertion.id : '')).sort(),
    );
  });

  it('refuses bad items one by one and awards the rest', async () => {
    const { services } = ctx.platform;
    const before = await countAssertions(seeded.structure.id);
    const ok = seeded.badgeClasses[1]!.id;
    const outcomes = await services.awarding.awardMany(
      seeded.structure.id,
      [
        { badgeClassId: ok, recipient: { email: 'a@example.org', name: 'A' } },
        { badgeClassId: '00000000-0000-4000-8000-000000000000', recipient: { email: 'b@example.org', name: 'B' } },
        { badgeClassId: ok, recipient: { email: 'c@example.org', name: 'C' }, expires: new Date('2001-01-01') },
      ],
      actor,
    );
    expect(outcomes.map((o) => o.status)).toEqual(['awarded', 'refused', 'refused']);
    expect(outcomes[1]!.status === 'refused' && outcomes[1]!.error.code).toBe('badge_class_not_found');
    expect(outcomes[2]!.status === 'refused' && outcomes[2]!.error.code).toBe('expires_before_issue');
    expect(await countAssertions(seeded.structure.id)).toBe(before + 1);
  });

  it('awards nothing twice when the same batch is sent again, or twice at once', async () => {
    const { services } = ctx.platform;
    const badgeClassId = seeded.badgeClasses[2]!.id;
    const batch = learners(80, 'lot2', badgeClassId);
    const before = await countAssertions(seeded.structure.id);
    const [first, second] = await Promise.all([
      services.awarding.awardMany(seeded.structure.id, batch, actor),
      services.awarding.awardMany(seeded.structure.id, batch, actor),
    ]);
    expect(await countAssertions(seeded.structure.id)).toBe(before + 80);
    const ids = (o: typeof first) => o.map((x) => (x.status === 'refused' ? null : x.assertion.id));
    expect(ids(first)).toEqual(ids(second));
    expect([...first, ...second].filter((o) => o.status === 'awarded')).toHaveLength(80);

    const again = await services.awarding.awardMany(seeded.structure.id, batch, actor);
    expect(again.every((o) => o.status === 'replayed')).toBe(true);
    expect(ids(again)).toEqual(ids(first));
    expect(await countAssertions(seeded.structure.id)).toBe(before + 80);
  });

  it('answers a repeated key within one batch with the first award, and refuses a key reused for another learner', async () => {
    const { services } = ctx.platform;
    const badgeClassId = seeded.badgeClasses[3]!.id;
    const item = { badgeClassId, recipient: { email: 'd@example.org', name: 'D' }, idempotencyKey: 'lot3:1' };
    const outcomes = await services.awarding.awardMany(
      seeded.structure.id,
      [item, item, { ...item, recipient: { email: 'e@example.org', name: 'E' } }],
      actor,
    );
    expect(outcomes.map((o) => o.status)).toEqual(['awarded', 'replayed', 'refused']);
    if (outcomes[0]!.status !== 'awarded' || outcomes[1]!.status !== 'replayed') throw new Error('unexpected');
    expect(outcomes[1]!.assertion.id).toBe(outcomes[0]!.assertion.id);
  });
});
