import { z } from 'zod';
import { uuid } from '../services/ids.ts';

/**
 * What the pages' addresses carry, declared on each route (`schema.params`,
 * `schema.querystring`) and checked by the zod type provider before the
 * handler runs, so that handlers read typed values instead of casting.
 *
 * - A path parameter that cannot name anything (not a UUID, not a line
 *   number) answers 404, as an address that does not exist (plugins/errors.ts).
 * - A query string parameter that is wrong is read as absent (`.catch`): links
 *   are bookmarked and shared, and the page should still open. The following
 *   pages' filters, which name a wrong filter on the page, are checked in the
 *   handler instead (routes/workspace/following/inputs.ts).
 * - Form bodies are checked in the handler with their own zod schema, because
 *   a refused form is shown again with a message next to each field, not as an
 *   error page (forms.ts).
 */

/** A query string's parameters; the others (`lang`…) are kept for the plugins that read them. */
export const query = <T extends z.ZodRawShape>(shape: T) => z.looseObject(shape);

/** `?page=N`: 1 unless a sensible page number is given. */
export const pageNumber = z.coerce.number().int().min(1).max(999_999).catch(1);

/** `?fait=…`: what the redirect that led here says was done (a notice); an unknown word says nothing. */
export const doneNotice = z.string().max(40).optional().catch(undefined);

/** `/…/:id` where the id is a UUID. */
export const idParams = z.object({ id: uuid });

/** A line number of a CSV file (1 is the header). */
export const lineNumber = z
  .string()
  .regex(/^\d{1,7}$/)
  .transform(Number);
