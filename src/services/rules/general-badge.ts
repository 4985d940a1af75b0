import { COMPETENCES, type Competence } from '../../catalogue/regional.ts';

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
