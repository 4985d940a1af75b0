import { z } from 'zod';
import { uuid } from '../../../../services/ids.ts';
import { isPlainLine, isPlainText } from '../../../../services/inputs.ts';

/**
 * What the following pages accept from a query string or a form. A query
 * string's schema is loose: it keeps the parameters other plugins read (`lang`). Filters come
 * from GET links people bookmark and share: each is checked on its own, and a
 * bad one is named on the page instead of silently widening the list.
 */

// The characters refused in a search box or a name (and, with line breaks allowed, in a reason): inputs.ts.
const plainLine = isPlainLine;
const plainText = isPlainText;

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
    badge: optional(uuid),
    par: optional(z.union([z.literal('api'), uuid])),
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

export const auditFiltersInput = z
  .object({
    action: optional(
      z
        .string()
        .max(100)
        .regex(/^[a-z0-9_.-]+$/),
    ),
    par: optional(z.union([z.enum(['api', 'system', 'cli']), uuid])),
    du: optional(day),
    au: optional(day),
    page: optional(z.coerce.number().int().min(1).max(100_000)),
  })
  .refine((f) => !f.du || !f.au || f.du <= f.au, { path: ['au'], message: 'range' });

export const AUDIT_FILTER_FIELDS = ['action', 'par', 'du', 'au'] as const;

export const monthsInput = z.looseObject({
  mois: optional(z.enum(['12', '24'])),
});
