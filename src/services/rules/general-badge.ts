import { COMPETENCES, type Competence } from '../../catalogue/regional.ts';
import { DomainError } from '../errors.ts';

/**
 * The general badge of « La Normandie badge les compétences »: « je maîtrise »
 * in three of the four competences, awarded by any structure on the platform.
 * StructureLearnerService applies it to a learner; the figures count it.
 */

/** The catalogue key of the general badge, and of the four badges that lead to it. */
export const GENERAL_BADGE_KEY = 'general';
export const MASTERY_KEYS: Readonly<Record<Competence, string>> = Object.fromEntries(
  COMPETENCES.map((c) => [c, `${c}-je-maitrise`]),
) as Record<Competence, string>;
/** « Je maîtrise » in at least this many of the four competences (the framework's rule). */
export const GENERAL_BADGE_THRESHOLD = 3;

/** The evidence is part of the published assertion, written in the programme's language. */
export const MASTERY_LABELS: Readonly<Record<Competence, string>> = {
  organiser: 'Organiser',
  communiquer: 'Communiquer',
  's-adapter': 'S’adapter',
  's-integrer': 'S’intégrer',
};

/** The competences whose « je maîtrise » badge is among these catalogue keys (valid awards' keys). */
export function masteredCompetences(catalogueKeys: Iterable<string>): Set<Competence> {
  const keys = new Set(catalogueKeys);
  return new Set(COMPETENCES.filter((c) => keys.has(MASTERY_KEYS[c])));
}

/** The competence a catalogue key is the « je maîtrise » badge of, if it is one. */
export function competenceOfMastery(catalogueKey: string | null): Competence | null {
  return COMPETENCES.find((c) => MASTERY_KEYS[c] === catalogueKey) ?? null;
}

export const GENERAL_BADGE_REFUSALS = ['not_eligible', 'held_elsewhere'] as const;
export type GeneralBadgeRefusalCode = (typeof GENERAL_BADGE_REFUSALS)[number];

/**
 * The general badge cannot be awarded to this address (422, every entry
 * point: the form, the CSV, the API): `not_eligible` says how many
 * competences are held and names the missing ones (`missing`, in the
 * programme's words); `held_elsewhere`, that another structure awarded it and
 * it is still valid (who and when are that structure's record, not told).
 * Worded by `error.generalBadge.<code>`.
 */
export class GeneralBadgeRefusal extends DomainError<GeneralBadgeRefusalCode> {
  constructor(code: GeneralBadgeRefusalCode, params: Record<string, string | number> = {}) {
    super(code, 422, params, { messageKey: `error.generalBadge.${code}`, field: 'badgeClassId' });
    this.name = 'GeneralBadgeRefusal';
  }
}

/**
 * The rule applied to one award of the general badge, given the valid awards
 * the address holds on the whole platform (`holdings`: their catalogue keys
 * and structures). Throws why it cannot be awarded; a valid general badge of
 * the same structure is left to the duplicate rule (duplicate-award.ts).
 */
export function checkGeneralBadgeAward(structureId: string, holdings: readonly { catalogueKey: string; structureId: string }[]): void {
  if (holdings.some((h) => h.catalogueKey === GENERAL_BADGE_KEY && h.structureId !== structureId)) {
    throw new GeneralBadgeRefusal('held_elsewhere');
  }
  const mastered = masteredCompetences(holdings.map((h) => h.catalogueKey));
  if (mastered.size >= GENERAL_BADGE_THRESHOLD) return;
  const missing = COMPETENCES.filter((c) => !mastered.has(c));
  throw new GeneralBadgeRefusal('not_eligible', {
    held: mastered.size,
    needed: GENERAL_BADGE_THRESHOLD - mastered.size,
    missing: missing.map((c) => `« ${MASTERY_LABELS[c]} — je maîtrise »`).join(', '),
  });
}

/**
 * Whether these awards (just stored, `newIds`) made the address eligible: it
 * masters enough competences now, did not before them, and holds no valid
 * general badge from anyone.
 */
export function becameEligible(holdings: readonly { id: string; catalogueKey: string }[], newIds: ReadonlySet<string>): boolean {
  if (holdings.some((h) => h.catalogueKey === GENERAL_BADGE_KEY)) return false;
  const after = masteredCompetences(holdings.map((h) => h.catalogueKey));
  const before = masteredCompetences(holdings.filter((h) => !newIds.has(h.id)).map((h) => h.catalogueKey));
  return after.size >= GENERAL_BADGE_THRESHOLD && before.size < GENERAL_BADGE_THRESHOLD;
}
