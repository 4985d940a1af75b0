import type { Clock } from '../../clock.ts';
import type { Database } from '../../db/database.ts';
import {
  deleteLearnerSessionsOf,
  deleteSignInLinksOf,
  eraseAssertion,
  findLearnerPreferences,
  findStructuresByIds,
  listBadgesOfRecipient,
  listMailsTo,
  lockAssertionsOfRecipient,
  scrubImportRows,
  scrubMailsTo,
  scrubStaffMailsNaming,
  setNameHidden,
  trimPreferencesAfterErasure,
} from '../../db/repositories/learners.ts';
import { enqueueMail } from '../../db/repositories/outbox.ts';
import { deleteGeneralBadgeNoticesOf } from '../../db/repositories/programme-rules.ts';
import { formatDate, translator } from '../../i18n/index.ts';
import { normaliseEmail } from '../../openbadges/index.ts';
import { recordAudit } from '../audit.ts';
import type { LocalChanges } from '../changes.ts';
import { composeMail } from '../mail/compose.ts';
import { awardStatus } from '../rules/award-status.ts';
import type { PublicUrls } from '../urls.ts';
import type { LearnerSession } from './sign-in.ts';

export const ERASURE_REASON = 'Données personnelles effacées à la demande de la personne';

/**
 * The learner's say over their personal data: their name hidden or shown,
 * everything held about them exported, or all of it erased.
 */
export class LearnerPrivacy {
  constructor(
    private readonly db: Database,
    private readonly urls: PublicUrls,
    private readonly changes: LocalChanges,
    private readonly now: Clock,
  ) {}

  async preferences(session: LearnerSession) {
    const row = await findLearnerPreferences(this.db, session.email);
    return { hideName: row?.hideName ?? false, emailsStoppedAt: row?.emailsStoppedAt ?? null };
  }

  /** Shows or hides the learner's name on the public pages of all their badges, present and future. */
  async setNameHidden(session: LearnerSession, hide: boolean): Promise<void> {
    const now = this.now();
    await this.db.transaction(async (tx) => {
      const structureIds = await setNameHidden(tx, session.email, hide, now);
      for (const structureId of structureIds) {
        await recordAudit(
          tx,
          { kind: 'system' },
          {
            at: now,
            structureId,
            action: hide ? 'learner.name_hidden' : 'learner.name_shown',
            details: { by: 'learner' },
          },
        );
      }
    });
  }

  /** Everything the platform holds about this address, as one JSON document. */
  async exportData(session: LearnerSession) {
    const [badges, preferences, mails] = [
      await listBadgesOfRecipient(this.db, session.email),
      await findLearnerPreferences(this.db, session.email),
      await listMailsTo(this.db, session.email),
    ];
    return {
      exportedAt: this.now().toISOString(),
      platform: this.urls.home(),
      email: session.email,
      preferences: {
        hideNameOnPublicPages: preferences?.hideName ?? false,
        emailsStoppedAt: preferences?.emailsStoppedAt?.toISOString() ?? null,
        language: preferences?.lang ?? null,
        updatedAt: preferences?.updatedAt?.toISOString() ?? null,
      },
      badges: badges.map((b) => ({
        id: b.id,
        verificationUrl: this.urls.assertion(b.id),
        recipientName: b.recipientName,
        recipientEmail: b.recipientEmail,
        issuedOn: b.issuedOn.toISOString(),
        expires: b.expires?.toISOString() ?? null,
        status: awardStatus(b, this.now()),
        revokedAt: b.revokedAt?.toISOString() ?? null,
        revocationReason: b.revocationReason,
        evidence: b.evidence,
        narrative: b.narrative,
        badge: {
          id: b.badgeClassId,
          url: this.urls.badgeClass(b.badgeClassId),
          name: b.badgeName,
          description: b.badgeDescription,
          criteria: b.criteriaNarrative,
        },
        structure: { id: b.structureId, name: b.structureName, url: b.structureUrl, email: b.structureEmail },
      })),
      emails: mails.map((m) => ({
        kind: m.kind,
        subject: m.subject,
        status: m.status,
        recordedAt: m.createdAt.toISOString(),
        sentAt: m.sentAt?.toISOString() ?? null,
      })),
    };
  }

  /**
   * Erases the learner's personal data, in one transaction: every badge of
   * the address is revoked (with a reason saying why) and stripped of name,
   * address and signed copy; their sessions, links and emails go; each
   * structure concerned is told by email and in its audit trail.
   */
  async erase(session: LearnerSession): Promise<{ badges: number; structures: number }> {
    const email = session.email;
    const now = this.now();
    const t = translator('fr');
    const result = await this.db.transaction(async (tx) => {
      const rows = await lockAssertionsOfRecipient(tx, email);
      for (const row of rows) await eraseAssertion(tx, row.id, ERASURE_REASON, now);
      await deleteLearnerSessionsOf(tx, email);
      await deleteSignInLinksOf(tx, email);
      await scrubMailsTo(tx, email, 'erased');
      await scrubStaffMailsNaming(tx, email);
      await deleteGeneralBadgeNoticesOf(tx, email);
      await trimPreferencesAfterErasure(tx, email, now);
      await scrubImportRows(
        tx,
        [...new Set(rows.map((r) => r.structureId))],
        rows.map((r) => r.id),
        email,
      );

      const byStructure = new Map<string, typeof rows>();
      for (const row of rows) byStructure.set(row.structureId, [...(byStructure.get(row.structureId) ?? []), row]);
      const structures = await findStructuresByIds(tx, [...byStructure.keys()]);
      for (const structure of structures) {
        const erased = byStructure.get(structure.id) ?? [];
        const subject = t('learner.erasureNotice.subject');
        const body = composeMail({
          lang: 'fr',
          title: subject,
          greeting: t('learner.erasureNotice.greeting', { structure: structure.name }),
          paragraphs: [
            t('learner.erasureNotice.intro', { count: erased.length }),
            erased
              .map((a) =>
                t('learner.erasureNotice.item', {
                  badge: a.badgeName,
                  date: formatDate(a.issuedOn, 'fr'),
                  url: this.urls.assertion(a.id),
                }),
              )
              .join('\n'),
            t('learner.erasureNotice.meaning', { reason: ERASURE_REASON }),
          ],
          footer: [t('learner.erasureNotice.footer')],
        });
        await enqueueMail(
          tx,
          {
            kind: 'erasure-notice',
            to: normaliseEmail(structure.email),
            structureId: structure.id,
            subject,
            text: body.text,
            html: body.html,
          },
          { now },
        );
        await recordAudit(
          tx,
          { kind: 'system' },
          {
            at: now,
            structureId: structure.id,
            action: 'learner.erased',
            targetType: 'assertion',
            targetId: erased[0]?.id,
            details: { by: 'learner', assertionIds: erased.map((a) => a.id), reason: ERASURE_REASON },
          },
        );
      }
      return { badges: rows.length, structures: structures.map((s) => s.id) };
    });
    // The revocation lists this process caches now name these badges.
    for (const structureId of result.structures) this.changes.structureChanged(structureId);
    return { badges: result.badges, structures: result.structures.length };
  }
}
