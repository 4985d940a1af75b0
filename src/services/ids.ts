import { z } from 'zod';

/**
 * The one check of an id that is a UUID (a URL's id, a filter, a form's
 * key): 8-4-4-4-12 hexadecimal digits, any case, any version, as PostgreSQL's
 * uuid type reads them. Anything else cannot name one of our rows, so it is
 * answered as "not found" (or "not valid" in a filter) without asking the
 * database, which would refuse it with an error.
 */
export const uuid = z.guid('must be a UUID');

export function isUuid(value: unknown): value is string {
  return uuid.safeParse(value).success;
}
