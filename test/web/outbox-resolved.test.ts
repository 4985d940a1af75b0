import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InjectBrowser, pageText as text } from '../support/inject-browser.ts';
import { latestOutboxMail, startSmtpServer } from '../support/mail.ts';
import { seedStructure, startTestApp } from '../support/platform.ts';
import { waitFor } from '../support/wait.ts';

/**
 * The Région's list of held and failed emails is what someone has to act on:
 * once the structure corrected a refused address and the email to the new one
 * was delivered (through a real SMTP server), the old failure leaves the list
 * and its figure; a failure nobody fixed stays.
 */
const PASSWORD = 'le mot de passe de l’équipe';
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let ctx: Awaited<ReturnType<typeof startTestApp>>;
let S: Awaited<ReturnType<typeof seedStructure>>;
const region = new InjectBrowser(() => ctx.app, '203.0.113.40');
const advisor = new InjectBrowser(() => ctx.app, '203.0.113.41');
const db = () => ctx.platform.database.db;

async function mailState(to: string, status: string) {
  return waitFor(
    async () => {
      const row = await latestOutboxMail(db(), to, 'award');
      return row?.status === status && row;
    },
    { message: `the email to ${to} never became ${status}`, timeout: 15_000 },
  );
}

async function award(email: string) {
  const { assertion } = await ctx.services.awarding.award(
    { structureId: S.structure.id, badgeClassId: S.badgeClasses[0]!.id, recipient: { email, name: 'Léa Martin' } },
    { kind: 'cli' },
  );
  return assertion;
}

/** The figure of failed emails and the addresses listed, as the Région reads them. */
async function regionList() {
  const page = await region.get('/espace/plateforme/courriels');
  expect(page.statusCode).toBe(200);
  const failed = /<dt>Échec : non remis<\/dt><dd>([^<]*)<\/dd>/.exec(page.body)?.[1];
  return { body: page.body, words: text(page.body), failed };
}

beforeAll(async () => {
  smtp = await startSmtpServer();
  ctx = await startTestApp({ env: { SMTP_URL: smtp.url, MAIL_POLL_INTERVAL_MS: '3600000' } });
  S = await seedStructure(ctx.services);
  await ctx.services.users.create(
    { email: 'camille@ml-caen.example.org', name: 'Camille', password: PASSWORD, structureId: S.structure.id, role: 'advisor' },
    { kind: 'cli' },
  );
  await ctx.services.users.create(
    { email: 'region@normandie.example.org', name: 'Région', password: PASSWORD, platformAdmin: true },
    { kind: 'cli' },
  );
  await region.signIn('region@normandie.example.org', PASSWORD);
  await advisor.signIn('camille@ml-caen.example.org', PASSWORD);
});

afterAll(async () => {
  await ctx?.close();
  await smtp?.close();
});

describe('the Région’s list of held and failed emails', () => {
  it('drops a failure once the address was corrected and the email delivered; keeps the one nobody fixed', async () => {
    smtp.rejectWith('No such user here', 550);
    const wrong = await award('lea.martin@exmaple.org');
    await award('personne@exmaple.org');
    await ctx.platform.mailDispatcher!.runOnce();
    await mailState('lea.martin@exmaple.org', 'failed');
    await mailState('personne@exmaple.org', 'failed');
    smtp.rejectWith(false);

    const before = await regionList();
    expect(before.words).toContain('lea.martin@exmaple.org');
    expect(before.words).toContain('personne@exmaple.org');
    expect(before.failed).toBe('2');

    const corrected = await advisor.postFromWorkspace(`/espace/delivres/${wrong.id}/adresse`, { email: 'lea.martin@example.org' });
    expect(corrected.statusCode).toBe(303);
    await ctx.platform.mailDispatcher!.runOnce();
    await mailState('lea.martin@example.org', 'sent');
    await smtp.waitFor((m) => m.envelope.to.includes('lea.martin@example.org'));

    const after = await regionList();
    expect(after.words).not.toContain('lea.martin@exmaple.org');
    expect(after.words).not.toContain('lea.martin@example.org');
    expect(after.words).toContain('personne@exmaple.org');
    expect(after.failed).toBe('1');
    // Filtered on failures alone, the same.
    const failedOnly = await region.get('/espace/plateforme/courriels?etat=failed');
    expect(text(failedOnly.body)).not.toContain('lea.martin@exmaple.org');
    expect(text(failedOnly.body)).toContain('personne@exmaple.org');

    // The structure's own outbox keeps its history: what failed, and what was delivered since.
    const own = await advisor.get('/espace/courriels');
    expect(text(own.body)).toContain('lea.martin@exmaple.org');
    expect(text(own.body)).toContain('lea.martin@example.org');
  });
});
