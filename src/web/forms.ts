import type { z } from 'zod';
import type { MessageKey, Translate } from '../i18n/index.ts';

/**
 * Server-rendered forms: the body a browser posts, checked with a zod schema,
 * turned into one message per field in the reader's language. Pages show them
 * in an error summary (linked to the fields) and next to each field.
 */
export type FieldErrors = Record<string, string>;

export interface ErrorSummaryItem {
  /** The id of the input the item links to. */
  field: string;
  /** The field's label; empty for a problem with the form as a whole. */
  label: string;
  message: string;
  /** For a form-level problem, so that the inputs can point at it with aria-describedby. */
  id?: string;
}

/** What a urlencoded body is once parsed: fields, possibly repeated. Anything else is treated as empty. */
export function formBody(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/** A field as text, for redisplay: only a single string is kept, bounded. */
export function textValue(body: Record<string, unknown>, field: string, max = 400): string {
  const value = body[field];
  return typeof value === 'string' ? value.slice(0, max) : '';
}

/** The fields of a form as text, for redisplay, each bounded by its own limit. */
export function textValues<F extends string>(body: Record<string, unknown>, limits: Record<F, number>): Record<F, string> {
  return Object.fromEntries(Object.entries<number>(limits).map(([field, max]) => [field, textValue(body, field, max)])) as Record<
    F,
    string
  >;
}

type Issue = z.core.$ZodIssue;

function messageOf(issue: Issue, t: Translate, sent: unknown): string {
  // Whatever the rule, a field left empty is told so.
  if (sent === undefined || (typeof sent === 'string' && sent.trim() === '')) return t('form.required');
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string') {
        return Number(issue.minimum) <= 1 ? t('form.required') : t('form.tooShort', { min: Number(issue.minimum) });
      }
      return t('form.invalid');
    case 'too_big':
      return issue.origin === 'string' ? t('form.tooLong', { max: Number(issue.maximum) }) : t('form.invalid');
    case 'invalid_format':
      return issue.format === 'email' ? t('form.email') : t('form.invalid');
    case 'invalid_type':
      return t('form.invalid');
    case 'custom':
      return issue.message === 'control_characters' ? t('form.controlCharacters') : t('form.invalid');
    default:
      return t('form.invalid');
  }
}

/** The first problem of each field; `input` is what was sent, to tell a missing field from a wrong one. */
export function fieldErrors(error: z.ZodError, t: Translate, input: Record<string, unknown>): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '');
    if (field && !(field in errors)) errors[field] = messageOf(issue, t, input[field]);
  }
  return errors;
}

/** The summary at the top of the form, in the order of the fields on the page. */
export function errorSummary(errors: FieldErrors, labels: [field: string, label: MessageKey][], t: Translate): ErrorSummaryItem[] {
  return labels.filter(([field]) => errors[field]).map(([field, label]) => ({ field, label: t(label), message: errors[field]! }));
}

/**
 * The one way a form page shows itself again after a refusal: its title says
 * so (for screen readers and the browser tab), the fields keep their message,
 * and the summary at the top links to each of them in the page's order.
 */
export interface FormPage {
  title: string;
  errors: FieldErrors;
  summary: ErrorSummaryItem[];
}

export function formPage(
  t: Translate,
  heading: string,
  errors: FieldErrors = {},
  labels: [field: string, label: MessageKey][] | ErrorSummaryItem[] = [],
): FormPage {
  const summary =
    labels.length && Array.isArray(labels[0]) ? errorSummary(errors, labels as [string, MessageKey][], t) : (labels as ErrorSummaryItem[]);
  return { title: summary.length ? t('form.errorTitle', { title: heading }) : heading, errors, summary };
}

/** The characters refused in typed text: defined once, in src/services/inputs.ts. */
export { LINE_FORBIDDEN, TEXT_FORBIDDEN } from '../services/inputs.ts';
