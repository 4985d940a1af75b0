import type { Database } from '../db/database.ts';
import type { BadgeClassRow } from '../db/repositories/badge-classes.ts';
import { enqueueMail } from '../db/repositories/outbox.ts';
import {
  insertGeneralBadgeNotice,
  validAwardsOfStructureTo,
  validCatalogueAwardsOf,
  versionRoots,
} from '../db/repositories/programme-rules.ts';
import { translator } from '../i18n/index.ts';
import { normaliseEmail } from '../openbadges/index.ts';
import { DomainError } from './errors.ts';
import { composeMail } from './mail/compose.ts';
import { DuplicateAward, heldSameBadge } from './rules/duplicate-award.ts';
import { becameEligible, checkGeneralBadgeAward, competenceOfMastery, GENERAL_BADGE_KEY, MASTERY_KEYS } from './rules/general-badge.ts';
import type { PublicUrls } from './urls.ts';

/** The catalogue keys the general badge's rule reads: the four « je maîtrise » and the general badge itself. */
const RULE_KEYS = [...Object.values(MASTERY_KEYS), GENERAL_BADGE_KEY];

/** One award about to be made, as the rules see it. */
export interface RuleCandidate {
  email: string;
  badgeClass: Pick<BadgeClassRow, 'id' | 'catalogueKey'>;
  /** The awarder confirmed that the person may hold this badge twice. */
  allowDuplicate?: boolean;
}

/** One award just stored, as the eligibility check sees it. */
export interface StoredAward {
  id: string;
  email: string;
  name: string;
  catalogueKey: string | null;
  badgeName: string;
}

/**
 * The programme's rules around an award, applied by AwardingService for every
 * entry point (the form, the CSV import, the API, the general badge's button):
 * before, the general badge's rule (rules/general-badge.ts) and the duplicate
 * rule (rules/duplicate-award.ts); after, telling the structure whose award
 * made a learner eligible for the general badge (its dashboard and an email).
 */
export class ProgrammeRules {
  constructor(private readonly urls: PublicUrls) {}

  /** Why each candidate cannot be awarded now (null: it can), with the queries of all of them at once. */
  async refusals(db: Database, structureId: string, candidates: readonly RuleCandidate[], now: Date): Promise<(DomainError | null)[]> {
    const emails = (list: readonly RuleCandidate[]) => list.map((c) => normaliseEmail(c.email));
    const general = candidates.filter((c) => c.badgeClass.catalogueKey === GENERAL_BADGE_KEY);
    const checkDuplicates = candidates.filter((c) => !c.allowDuplicate);
    const [holdings, held] = await Promise.all([
      general.length ? validCatalogueAwardsOf(db, emails(general), RULE_KEYS, now) : [],
      checkDuplicates.length ? validAwardsOfStructureTo(db, structureId, emails(checkDuplicates), now) : [],
    ]);
    const roots = held.length
      ? await versionRoots(db, [...held.map((h) => h.badgeClassId), ...candidates.map((c) => c.badgeClass.id)])
      : new Map();
    return candidates.map((candidate) => {
      const email = normaliseEmail(candidate.email);
      try {
        if (candidate.badgeClass.catalogueKey === GENERAL_BADGE_KEY) {
          checkGeneralBadgeAward(
            structureId,
            holdings.filter((h) => h.email === email),
          );
        }
        if (!candidate.allowDuplicate) {
          const same = heldSameBadge(
            candidate.badgeClass,
            held.filter((h) => h.email === email),
            roots,
          );
          if (same) throw new DuplicateAward(same);
        }
        return null;
      } catch (error) {
        if (error instanceof DomainError) return error;
        throw error;
      }
    });
  }

  /**
   * Call in the awards' transaction, after they are stored: each learner these
   * awards made eligible for the general badge (their third valid « je
   * maîtrise », from any structures, and no valid general badge from anyone)
   * is noticed on this structure's dashboard and emailed to the structure,
   * once per learner. Returns how many emails were queued.
   */
  async afterAwards(
    db: Database,
    structure: { id: string; name: string; email: string },
    awards: readonly StoredAward[],
    options: { now: Date; createdByUserId: string | null },
  ): Promise<number> {
    const mastery = awards.filter((a) => competenceOfMastery(a.catalogueKey));
    if (!mastery.length) return 0;
    const holdings = await validCatalogueAwardsOf(
      db,
      mastery.map((a) => a.email),
      RULE_KEYS,
      options.now,
    );
    const newIds = new Set(awards.map((a) => a.id));
    let queued = 0;
    for (const email of new Set(mastery.map((a) => a.email))) {
      if (
        !becameEligible(
          holdings.filter((h) => h.email === email),
          newIds,
        )
      )
        continue;
      const last = mastery.filter((a) => a.email === email).at(-1)!;
      const fresh = await insertGeneralBadgeNotice(db, {
        structureId: structure.id,
        recipientEmail: email,
        recipientName: last.name,
        assertionId: last.id,
        createdAt: options.now,
      });
      if (!fresh) continue;
      await enqueueMail(db, { ...this.eligibilityMail(structure, last), createdByUserId: options.createdByUserId }, { now: options.now });
      queued++;
    }
    return queued;
  }

  /** The email that tells a structure a learner can receive the general badge from it. */
  private eligibilityMail(structure: { id: string; name: string; email: string }, award: StoredAward) {
    // Structures read in French: the programme is regional.
    const t = translator('fr');
    const subject = t('mail.generalEligible.subject', { name: award.name });
    const { text, html } = composeMail({
      lang: 'fr',
      title: subject,
      greeting: t('mail.generalEligible.greeting', { structure: structure.name }),
      paragraphs: [
        t('mail.generalEligible.eligible', { name: award.name, email: award.email, badge: award.badgeName }),
        t('mail.generalEligible.decide'),
      ],
      action: { label: t('mail.generalEligible.action'), url: this.urls.workspace() },
      footer: [t('mail.generalEligible.footer', { structure: structure.name })],
    });
    return {
      kind: 'general-badge-eligible' as const,
      to: structure.email,
      subject,
      text,
      html,
      // Not tied to the assertion: correcting its address or revoking it concerns the learner's emails, not this one.
      structureId: structure.id,
    };
  }
}
