import type { MessageKey, Translate } from '../i18n/index.ts';
import type { DomainError } from '../services/errors.ts';
import type { FieldErrors } from './forms.ts';

/**
 * Every refusal of a service (a DomainError: code, params, field) is worded
 * here, and only here, through its `messageKey`: the pages, the error page
 * and the API give the same sentence. `params` adds what only the page knows
 * how to say (a list of column names in the reader's language, a size in MB).
 */
export function refusalText(t: Translate, error: DomainError<string>, params: Record<string, string | number> = {}): string {
  return t(error.messageKey as MessageKey, { ...error.params, ...params });
}

/**
 * A refusal shown on the form it refuses: next to the input of the field it
 * names (`inputOf` turns the service's field into the form's input id), or
 * next to `fallback` when it names none.
 */
export function refusalErrors(
  t: Translate,
  error: DomainError<string>,
  {
    fallback,
    inputOf = (field) => field,
    params,
  }: { fallback: string; inputOf?: (field: string) => string; params?: Record<string, string | number> },
): FieldErrors {
  return { [error.field ? inputOf(error.field) : fallback]: refusalText(t, error, params) };
}
