import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueMail } from '../../src/db/repositories/outbox.ts';
import { outboxMessages } from '../../src/db/schema.ts';
import { latestOutboxMail, linkIn } from '../support/mail.ts';
import { seedStructure, startTestApp, TEST_PUBLIC_URL } from '../support/platform.ts';

let ctx: Awaited<ReturnType<typeof startTestApp>>;
const db = () => ctx.platform.database.db;

beforeAll(async () => {
  ctx = await startTestApp();
});
afterAll(async () => {
  await ctx?.close();
});

describe('a password reset', () => {
  it('ends every other reset link of the account', async () => {
    const { structure } = await seedStructure(ctx.services);
    await ctx.services.users.create(
      { email: 'nora@example.org', name: 'Nora', password: 'un ancien mot de passe', structureId: structure.id, role: 'advisor' },
      { kind: 'cli' },
    );
    const links: string[] = [];
    for (let i = 0; i < 2; i++) {
      await ctx.services.accounts.requestPasswordReset({ email: 'nora@example.org' }, 'fr', { ip: `203.0.113.${i + 1}` });
      // The link is sent in the background (LinkRequests).
      await ctx.platform.linkRequestRunner!.drain();
      const mail = await latestOutboxMail(db(), 'nora@example.org', 'password-reset');
      links.push(linkIn(mail!.textBody, `${TEST_PUBLIC_URL}/mot-de-passe/`).split('/').pop()!);
    }
    expect(new Set(links).size).toBe(2);
    await ctx.services.accounts.resetPassword(links[1]!, { password: 'un nouveau mot de passe solide' }, { ip: '203.0.113.9' });
    expect(await ctx.services.accounts.passwordResetLink(links[0]!)).toBeNull();
    await expect(
      ctx.services.accounts.resetPassword(links[0]!, { password: 'celui d’un intrus, bien long' }, { ip: '203.0.113.66' }),
    ).rejects.toMatchObject({ code: 'link_invalid' });
  });
});

describe('stopping the emails', () => {
  it('also stops what was queued before, but not the links the person asks for', async () => {
    const to = 'sacha@example.org';
    const mail = (kind: 'award' | 'learner-sign-in') => ({ kind, to, subject: kind, text: kind, html: kind });
    const now = new Date('2026-05-04T08:00:00Z');
    const [award] = await enqueueMail(db(), mail('award'), { now });
    const [signIn] = await enqueueMail(db(), mail('learner-sign-in'), { now });
    await ctx.services.mail.stopEmails(to);
    const status = async (id: string) =>
      (await db().select({ status: outboxMessages.status }).from(outboxMessages).where(eq(outboxMessages.id, id)))[0]!.status;
    expect(await status(award!)).toBe('suppressed');
    expect(['pending', 'held']).toContain(await status(signIn!));
  });
});

describe('revoking a badge', () => {
  it('suppresses its award email if it has not gone yet', async () => {
    const { structure, badgeClasses } = await seedStructure(ctx.services, { name: 'Centre de Rouen' });
    const { assertion } = await ctx.services.awarding.award(
      {
        allowDuplicate: true,
        structureId: structure.id,
        badgeClassId: badgeClasses[0]!.id,
        recipient: { email: 'hugo@example.org', name: 'Hugo' },
      },
      { kind: 'cli' },
    );
    await ctx.services.awarding.revoke(structure.id, assertion.id, 'Erreur de saisie', { kind: 'cli' });
    const [mail] = await db()
      .select({ status: outboxMessages.status })
      .from(outboxMessages)
      .where(eq(outboxMessages.assertionId, assertion.id));
    expect(mail?.status).toBe('suppressed');
  });
});
