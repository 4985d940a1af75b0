import { z } from 'zod';

/**
 * The shapes of what people type, shared by every edge (CLI, web forms, API)
 * so that a structure or a user is held to the same rules wherever it comes from.
 */
export const httpUrl = z
  .string()
  .trim()
  .max(2000)
  .pipe(z.url({ protocol: /^https?$/, message: 'http_url' }))
  // Published as a JSON-LD id and shown in pages: characters a URL must
  // percent-encode are refused rather than stored raw.
  .refine((value) => !/[\s"<>\\^`{|}]/.test(value), 'http_url');

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

/** Characters no one types in a name: control characters (NUL, line breaks…) are refused, not stored. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** Half of a UTF-16 pair on its own: text that was cut or mis-decoded somewhere. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isPlainText = (value: string) => !CONTROL_CHARACTERS.test(value) && !LONE_SURROGATE.test(value);

/** A person's name as shown on pages and in the audit trail. */
export const personName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200)
  .refine(isPlainText, 'control_characters');

/** The platform administrator the one-time setup creates. */
export const setupInput = z.object({ name: personName, email, password: passwordInput });

/**
 * What a sign-in form sends. Deliberately loose on the email's shape (any
 * mistake gets the same answer as a wrong password), strict on sizes.
 */
export const signInInput = z.object({
  email: z.string().trim().min(1, 'must not be empty').max(320).refine(isPlainText, 'control_characters'),
  password: z.string().min(1, 'must not be empty').max(200),
});

/** Line breaks and tabs are welcome in a message; other control characters are not. */
const MESSAGE_CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * The advisor's personal message to the learner, quoted in the award email:
 * plain text (escaped wherever it is shown), line breaks kept.
 */
export const personalMessage = z
  .string()
  .trim()
  .max(1000)
  .refine((value) => !MESSAGE_CONTROL_CHARACTERS.test(value) && !LONE_SURROGATE.test(value), 'control_characters');
