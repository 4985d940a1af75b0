import { z } from 'zod';

/**
 * The shapes of what people type, shared by every edge (CLI, web forms, API)
 * so that a structure or a user is held to the same rules wherever it comes from.
 */
export const httpUrl = z
  .string()
  .trim()
  .max(2000)
  .pipe(z.url({ protocol: /^https?$/, message: 'http_url' }));

/** Surrounding spaces are a copy-paste accident, not a mistake to refuse. */
export const email = z.string().trim().max(320).pipe(z.email());

export const newStructureInput = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  url: httpUrl,
  email,
  description: z.string().trim().max(2000).optional(),
  telephone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 .()-]{6,30}$/, 'must be a telephone number')
    .optional(),
});

export const passwordInput = z
  .string()
  .min(12, 'must be at least 12 characters')
  .max(200, 'must be at most 200 characters');

export const newUserInput = z.object({
  email,
  name: z.string().trim().min(1, 'must not be empty').max(200),
  password: passwordInput,
});
