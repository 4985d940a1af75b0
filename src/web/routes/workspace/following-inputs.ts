import { z } from 'zod';

/**
 * What the following pages accept from a query string or a form. Filters come
 * from GET links people bookmark and share: each is checked on its own, and a
 * bad one is named on the page instead of silently widening the list.
 */

/** Characters nobody types in a search box or a name; a line break is allowed only where said. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/;
const LINE_BREAK = /[\n\r\t]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const plainLine = (value: string) => !CONTROL.test(value) && !LINE_BREAK.test(value) && !LONE_SURROGATE.test(value);
const plainText = (value: string) => !CONTROL.test(value) && !LONE_SURROGATE.test(value);

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A real calendar day, YYYY-MM-DD, between 2000 and 2100. */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value && value >= '2000-01-01' && value < '2100-01-01';
  });

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : typeof value === 'string' ? value.trim() || undefined : value), schema.optional());

export const awardFiltersInput = z
  .object({
    q: optional(z.string().max(200).refine(plainLine, 'control_characters')),
    badge: optional(z.string().regex(UUID)),
    par: optional(z.union([z.literal('api'), z.string().regex(UUID)])),
    etat: optional(z.enum(['valid', 'expired', 'revoked'])),
    du: optional(day),
    au: optional(day),
    page: optional(z.coerce.number().int().min(1).max(100_000)),
  })
  .refine((f) => !f.du || !f.au || f.du <= f.au, { path: ['au'], message: 'range' });

export const AWARD_FILTER_FIELDS = ['q', 'badge', 'par', 'etat', 'du', 'au'] as const;

/** The query string of a list page, filters kept, page last; '' when there is nothing to say. */
export function filterQuery(filters: Partial<Record<string, string | number | undefined>>, page?: number): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (key !== 'page' && value !== undefined && value !== '') params.set(key, String(value));
  }
  if (page && page > 1) params.set('page', String(page));
  const query = params.toString();
  return query ? `?${query}` : '';
}

export const revocationInput = z.object({
  reason: z.string().trim().min(1).max(500).refine(plainText, 'control_characters'),
});

export const apiTokenInput = z.object({
  name: z.string().trim().min(1).max(100).refine(plainLine, 'control_characters'),
});

export const auditFiltersInput = z.object({
  action: optional(z.string().max(100).regex(/^[a-z0-9_.-]+$/)),
  page: optional(z.coerce.number().int().min(1).max(100_000)),
});

export const monthsInput = z.object({
  mois: optional(z.enum(['12', '24'])),
});
