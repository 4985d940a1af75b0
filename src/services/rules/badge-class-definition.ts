import type { AlignmentRecord } from '../../db/schema.ts';
import { DomainError } from '../errors.ts';
import { isPlainLine, isPlainText } from '../inputs.ts';

/**
 * What a badge class may say: the limits of its fields and of its validity,
 * and how a validity in months becomes days. BadgeClassService and
 * CatalogueService enforce them on every definition they store (they do not
 * trust the edge); the editor's form uses the same numbers for its fields
 * and its messages.
 */
export const BADGE_CLASS_LIMITS = {
  name: 200,
  description: 2000,
  criteria: 5000,
  tag: 50,
  tags: 10,
  alignments: 10,
  alignmentText: 200,
  alignmentDescription: 1000,
  alignmentUrl: 2000,
  code: 50,
} as const;

/** A validity is typed in days or in months, up to about ten years either way. */
export const VALIDITY_LIMITS = { days: 3650, months: 120 } as const;

/** A month is a twelfth of an average year (365.25 days), rounded to the day. */
export const monthsToDays = (months: number): number => Math.round((months * 365.25) / 12);

/** The longest validity stored: ten years typed in months (3,653 days) or in days (3,650). */
export const MAX_VALIDITY_DAYS = Math.max(VALIDITY_LIMITS.days, monthsToDays(VALIDITY_LIMITS.months));

/** A day count as the editor shows it: in months when it is a whole number of them (as typed), else in days. */
export function validityInUnits(days: number | null): { amount: number; unit: 'days' | 'months' } | null {
  if (!days) return null;
  const months = Math.round((days * 12) / 365.25);
  if (months >= 1 && monthsToDays(months) === days) return { amount: months, unit: 'months' };
  return { amount: days, unit: 'days' };
}

/** The days a validity typed in the editor stands for. */
export const validityToDays = (amount: number, unit: 'days' | 'months'): number => (unit === 'months' ? monthsToDays(amount) : amount);

export interface BadgeClassFields {
  name: string;
  description: string;
  criteriaNarrative: string;
  tags: string[];
  alignment: AlignmentRecord[];
  validityDays: number | null;
}

/**
 * Why a field of a definition is refused: the DomainError 'badge_class_invalid'
 * names the field and the problem, and is worded by `error.definition.<problem>`.
 */
export const DEFINITION_PROBLEMS = [
  'required',
  'too_long',
  'too_many_tags',
  'too_many_alignments',
  'control_characters',
  'out_of_range',
] as const;
export type BadgeClassProblem = (typeof DEFINITION_PROBLEMS)[number];

const refuse = (field: string, problem: BadgeClassProblem, max?: number): never => {
  throw new DomainError(
    'badge_class_invalid',
    422,
    { field, problem, ...(max === undefined ? {} : { max }) },
    {
      field,
      messageKey: `error.definition.${problem}`,
    },
  );
};

function checkText(field: string, value: string | undefined, max: number, options: { required: boolean; line: boolean }): void {
  const text = (value ?? '').trim();
  if (!text) {
    if (options.required) refuse(field, 'required');
    return;
  }
  if (text.length > max) refuse(field, 'too_long', max);
  if (!(options.line ? isPlainLine : isPlainText)(text)) refuse(field, 'control_characters');
}

/** Refuses (DomainError 'badge_class_invalid', naming the field) a definition outside the rules. */
export function checkBadgeClassDefinition(d: BadgeClassFields): void {
  const L = BADGE_CLASS_LIMITS;
  checkText('name', d.name, L.name, { required: true, line: true });
  checkText('description', d.description, L.description, { required: true, line: false });
  checkText('criteriaNarrative', d.criteriaNarrative, L.criteria, { required: true, line: false });
  if (d.tags.length > L.tags) refuse('tags', 'too_many_tags', L.tags);
  for (const tag of d.tags) checkText('tags', tag, L.tag, { required: true, line: true });
  if (d.alignment.length > L.alignments) refuse('alignment', 'too_many_alignments', L.alignments);
  for (const a of d.alignment) {
    checkText('alignment', a.targetName, L.alignmentText, { required: true, line: true });
    checkText('alignment', a.targetUrl, L.alignmentUrl, { required: true, line: true });
    checkText('alignment', a.targetDescription, L.alignmentDescription, { required: false, line: true });
    checkText('alignment', a.targetFramework, L.alignmentText, { required: false, line: true });
    checkText('alignment', a.targetCode, L.code, { required: false, line: true });
  }
  if (d.validityDays !== null && (!Number.isInteger(d.validityDays) || d.validityDays < 1 || d.validityDays > MAX_VALIDITY_DAYS)) {
    refuse('validityDays', 'out_of_range', MAX_VALIDITY_DAYS);
  }
}
