import { createHash } from 'node:crypto';
import type { Database } from '../db/database.ts';
import { type AssertionRow, findAssertionOfStructure, findIdempotentAward } from '../db/repositories/assertions.ts';
import { listLiveBadgeClasses } from '../db/repositories/badge-classes.ts';
import {
  findLearnerByKey,
  type LearnerSummary,
  listAwardsOfLearner,
  listLearners,
  recentLearners,
  validAssertionsOfCatalogue,
} from '../db/repositories/learners-of-structure.ts';
import { COMPETENCES, type Competence } from '../catalogue/regional.ts';
import { normaliseEmail } from '../openbadges/index.ts';
import type { Actor } from './audit.ts';
import type { AwardingService } from './awarding.ts';
import { notFound } from './errors.ts';
import type { PublicUrls } from './urls.ts';
import type { Clock } from '../clock.ts';
import { listGeneralBadgeNotices, validCatalogueAwardsOf } from '../db/repositories/programme-rules.ts';
import { GENERAL_BADGE_KEY, GENERAL_BADGE_THRESHOLD, MASTERY_KEYS, MASTERY_LABELS, masteredCompetences } from './rules/general-badge.ts';

const LEARNER_KEY = /^[0-9a-f]{64}$/;

export interface QualifyingAssertion {
  id: string;
  url: string;
  structureId: string;
  structureName: string;
  issuedOn: Date;
  expires: Date | null;
}

/**
 * One competence of the general badge's rule as this structure sees it.
 * Another structure's awards tell it only what the rule needs: whether the
 * competence is mastered, never by whom nor when (that is the learner's to
 * tell, and the other structure's record).
 */
export interface CompetenceStatus {
  competence: Competence;
  /** A valid « je maîtrise » badge of this competence, from any structure. */
  mastered: boolean;
  /** This structure's own valid « je maîtrise » awards of it, oldest first. */
  ownAssertions: QualifyingAssertion[];
}

export interface GeneralBadgeStatus {
  competences: CompetenceStatus[];
  /** How many competences are held at « je maîtrise », and how many are still missing for the general badge. */
  held: number;
  missing: number;
  eligible: boolean;
  /** Whether the learner holds a valid general badge, from any structure… */
  holdsGeneral: boolean;
  /** …and this structure's, when it is the one that awarded it. */
  generalHere: QualifyingAssertion | null;
  /** This structure's general badge class, if it has one it can award. */
  badgeClass: { id: string; name: string } | null;
  /** Eligible, not holding it, and this structure can award it. */
  proposed: boolean;
}

/** The rule applied with every structure's awards: for awarding, never for a page. */
interface GeneralBadgeFacts {
  competences: { competence: Competence; assertions: QualifyingAssertion[] }[];
  held: number;
  eligible: boolean;
  holding: QualifyingAssertion | null;
  badgeClass: { id: string; name: string } | null;
}

export type GeneralAwardOutcome =
  { status: 'awarded'; assertion: AssertionRow; replayed: boolean } | { status: 'not_eligible' | 'already_held' | 'no_badge_class' };

/**
 * The learners of a structure (the recipients of its assertions) and the
 * general badge: « je maîtrise » in three of the four competences, awarded by
 * any structure on the platform, matched by email address.
 */
export class StructureLearnerService {
  constructor(
    private readonly db: Database,
    private readonly awarding: AwardingService,
    private readonly urls: PublicUrls,
    private readonly now: Clock,
  ) {}

  /** The opaque key of a learner in this structure's URLs (see learners-of-structure.ts). */
  static keyOf(structureId: string, email: string): string {
    return createHash('sha256')
      .update(`${structureId}:${normaliseEmail(email)}`, 'utf8')
      .digest('hex');
  }

  async list(
    structureId: string,
    filter: { search?: string; page: number; perPage: number },
  ): Promise<{ rows: (LearnerSummary & { key: string })[]; total: number }> {
    const { rows, total } = await listLearners(this.db, {
      structureId,
      search: filter.search,
      limit: filter.perPage,
      offset: (filter.page - 1) * filter.perPage,
    });
    return { rows: rows.map((r) => ({ ...r, key: StructureLearnerService.keyOf(structureId, r.email) })), total };
  }

  /** Known learners, for the award form's suggestions. */
  suggestions(structureId: string, limit = 300): Promise<{ email: string; name: string }[]> {
    return recentLearners(this.db, structureId, limit);
  }

  /** The learner a key names in this structure; 404 for a key of another structure or of nobody. */
  async find(structureId: string, key: string): Promise<{ email: string; name: string; key: string }> {
    if (!LEARNER_KEY.test(key)) throw notFound();
    const learner = await findLearnerByKey(this.db, structureId, key);
    if (!learner) throw notFound();
    return { ...learner, key };
  }

  awardsOf(structureId: string, email: string) {
    return listAwardsOfLearner(this.db, structureId, normaliseEmail(email));
  }

  /**
   * The learners this structure's awards made eligible for the general badge
   * (ProgrammeRules.afterAwards), while they still are and nobody awarded it:
   * the dashboard offers it in one click. Newest first, at most `limit`.
   */
  async generalBadgeNotices(structureId: string, limit = 20): Promise<{ name: string; email: string; key: string; since: Date }[]> {
    const notices = await listGeneralBadgeNotices(this.db, structureId, 200);
    if (!notices.length) return [];
    const holdings = await validCatalogueAwardsOf(
      this.db,
      notices.map((n) => n.recipientEmail),
      [...Object.values(MASTERY_KEYS), GENERAL_BADGE_KEY],
      this.now(),
    );
    return notices
      .filter((n) => {
        const held = holdings.filter((h) => h.email === n.recipientEmail);
        return (
          !held.some((h) => h.catalogueKey === GENERAL_BADGE_KEY) &&
          masteredCompetences(held.map((h) => h.catalogueKey)).size >= GENERAL_BADGE_THRESHOLD
        );
      })
      .slice(0, limit)
      .map((n) => ({
        name: n.recipientName,
        email: n.recipientEmail,
        key: StructureLearnerService.keyOf(structureId, n.recipientEmail),
        since: n.createdAt,
      }));
  }

  /** The general badge's rule for this learner, as this structure's page shows it (see CompetenceStatus). */
  async generalBadgeStatus(structureId: string, email: string): Promise<GeneralBadgeStatus> {
    const facts = await this.generalBadgeFacts(structureId, email);
    const own = (a: QualifyingAssertion) => a.structureId === structureId;
    return {
      competences: facts.competences.map((c) => ({
        competence: c.competence,
        mastered: c.assertions.length > 0,
        ownAssertions: c.assertions.filter(own),
      })),
      held: facts.held,
      missing: Math.max(0, GENERAL_BADGE_THRESHOLD - facts.held),
      eligible: facts.eligible,
      holdsGeneral: facts.holding !== null,
      generalHere: facts.holding && own(facts.holding) ? facts.holding : null,
      badgeClass: facts.badgeClass,
      proposed: facts.eligible && !facts.holding && !!facts.badgeClass,
    };
  }

  private async generalBadgeFacts(structureId: string, email: string): Promise<GeneralBadgeFacts> {
    const now = this.now();
    const keys = [...Object.values(MASTERY_KEYS), GENERAL_BADGE_KEY];
    const [held, badgeClasses] = await Promise.all([
      validAssertionsOfCatalogue(this.db, normaliseEmail(email), keys, now),
      listLiveBadgeClasses(this.db, structureId),
    ]);
    const toQualifying = (a: (typeof held)[number]): QualifyingAssertion => ({
      id: a.id,
      url: this.urls.assertion(a.id),
      structureId: a.structureId,
      structureName: a.structureName,
      issuedOn: a.issuedOn,
      expires: a.expires,
    });
    const competences = COMPETENCES.map((competence) => ({
      competence,
      assertions: held.filter((a) => a.catalogueKey === MASTERY_KEYS[competence]).map(toQualifying),
    }));
    const count = competences.filter((c) => c.assertions.length > 0).length;
    const general = held.find((a) => a.catalogueKey === GENERAL_BADGE_KEY);
    const badgeClass = badgeClasses.find((b) => b.catalogueKey === GENERAL_BADGE_KEY);
    return {
      competences,
      held: count,
      eligible: count >= GENERAL_BADGE_THRESHOLD,
      holding: general ? toQualifying(general) : null,
      badgeClass: badgeClass ? { id: badgeClass.id, name: badgeClass.name } : null,
    };
  }

  /**
   * Awards this structure's general badge to the learner, with the qualifying
   * assertions' URLs as its evidence. The idempotency key is made of the
   * learner and those assertions: a double click or a reload awards once.
   */
  async awardGeneralBadge(structureId: string, learnerKey: string, actor: Actor): Promise<GeneralAwardOutcome> {
    const learner = await this.find(structureId, learnerKey);
    const status = await this.generalBadgeFacts(structureId, learner.email);
    if (!status.badgeClass) return { status: 'no_badge_class' };
    const qualifying = status.competences.flatMap((c) => c.assertions.slice(-1).map((a) => ({ competence: c.competence, a })));
    const ids = qualifying.map((q) => q.a.id).sort();
    const idempotencyKey = `general-badge:${createHash('sha256')
      .update(`${learner.email}\n${ids.join(',')}`)
      .digest('hex')}`;
    if (!status.eligible) return { status: 'not_eligible' };
    if (status.holding) {
      // A repeated click after the award finds the award it made; otherwise
      // the learner already holds one (from here or elsewhere): nothing to do.
      const previous = await findIdempotentAward(this.db, structureId, idempotencyKey);
      const assertion = previous ? await findAssertionOfStructure(this.db, structureId, previous.assertionId) : undefined;
      return assertion ? { status: 'awarded', assertion, replayed: true } : { status: 'already_held' };
    }
    const result = await this.awarding.award(
      this.generalInput(structureId, status.badgeClass.id, learner, qualifying, idempotencyKey),
      actor,
    );
    return { status: 'awarded', assertion: result.assertion, replayed: result.replayed };
  }

  private generalInput(
    structureId: string,
    badgeClassId: string,
    learner: { email: string; name: string },
    qualifying: { competence: Competence; a: QualifyingAssertion }[],
    idempotencyKey: string,
  ) {
    return {
      structureId,
      badgeClassId,
      recipient: { email: learner.email, name: learner.name },
      evidence: qualifying.map(({ competence, a }) => ({
        url: a.url,
        narrative: `${MASTERY_LABELS[competence]} — je maîtrise : badge délivré par ${a.structureName}.`,
      })),
      idempotencyKey,
    };
  }
}
