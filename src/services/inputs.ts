import { z } from 'zod';

/**
 * The characters refused in typed text: one definition for every edge (web
 * forms, CSV rows, the API's schemas, the CLI), so that what one refuses no
 * other lets in.
 *
 * Everywhere:
 * - C0 and C1 control characters (NUL, BEL, ESC…): nobody types them; a NUL
 *   cannot even be stored in PostgreSQL text, and ESC sequences repaint the
 *   terminal of whoever reads a log or a CSV export;
 * - U+2028/U+2029 (line and paragraph separators that break JSON in scripts),
 *   U+FFFD (text mis-decoded on its way), U+FFFE/U+FFFF (not characters;
 *   refused by XML, where names go into badge images);
 * - half of a UTF-16 pair on its own (text cut or mis-decoded somewhere).
 *
 * In a line (a name, an address, a search, a tag) also line breaks and tabs,
 * and the bidirectional embedding, override and isolate controls
 * (U+202A–U+202E, U+2066–U+2069): a name never needs them, since the Unicode
 * bidi algorithm lays out an Arabic or Hebrew name by itself, while one
 * U+202E makes the rest of a name display reversed (a name that reads as
 * something else on a verification page, an email or a certificate).
 *
 * In a text (evidence, narratives, a message, a reason) line breaks and tabs
 * are kept, and so are the bidi controls: prose mixing directions may need
 * them, and each text is shown in its own paragraph, which ends their effect.
 */
const ALWAYS_FORBIDDEN = '\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u2028\\u2029\\ufffd\\ufffe\\uffff';
const LINE_ONLY_FORBIDDEN = '\\t\\n\\r\\u202a-\\u202e\\u2066-\\u2069';
const LONE_SURROGATE = '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';

/** What a line of text may not hold. */
export const LINE_FORBIDDEN = new RegExp(`[${ALWAYS_FORBIDDEN}${LINE_ONLY_FORBIDDEN}]|${LONE_SURROGATE}`);
/** What a longer text (line breaks and tabs allowed) may not hold. */
export const TEXT_FORBIDDEN = new RegExp(`[${ALWAYS_FORBIDDEN}]|${LONE_SURROGATE}`);

export const isPlainLine = (value: string): boolean => !LINE_FORBIDDEN.test(value);
export const isPlainText = (value: string): boolean => !TEXT_FORBIDDEN.test(value);

/** A line with the refused characters taken out (file names, an image's title): for what is shown, not what is checked. */
export const withoutForbidden = (value: string): string => value.replace(new RegExp(LINE_FORBIDDEN.source, 'g'), '');

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
  .refine((value) => !/[\s"<>\\^`{|}]/.test(value) && isPlainLine(value), 'http_url');

/** Surrounding spaces are a copy-paste accident, not a mistake to refuse. */
export const email = z.string().trim().max(320).pipe(z.email());

export const newStructureInput = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').refine(isPlainLine, 'control_characters'),
  url: httpUrl,
  email,
  description: z.string().trim().max(2000).refine(isPlainText, 'control_characters').optional(),
  telephone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 .()-]{6,30}$/, 'must be a telephone number')
    .optional(),
});

export const passwordInput = z.string().min(12, 'must be at least 12 characters').max(200, 'must be at most 200 characters');

export const newUserInput = z.object({
  email,
  name: z.string().trim().min(1, 'must not be empty').max(200).refine(isPlainLine, 'control_characters'),
  password: passwordInput,
});

/** A person's name as shown on pages and in the audit trail. */
export const personName = z.string().trim().min(1, 'must not be empty').max(200).refine(isPlainLine, 'control_characters');

/** The platform administrator the one-time setup creates. */
export const setupInput = z.object({ name: personName, email, password: passwordInput });

/**
 * What a sign-in form sends. Deliberately loose on the email's shape (any
 * mistake gets the same answer as a wrong password), strict on sizes.
 */
export const signInInput = z.object({
  email: z.string().trim().min(1, 'must not be empty').max(320).refine(isPlainLine, 'control_characters'),
  password: z.string().min(1, 'must not be empty').max(200),
});

/**
 * The advisor's personal message to the learner, quoted in the award email:
 * plain text (escaped wherever it is shown), line breaks kept.
 */
export const personalMessage = z.string().trim().max(1000).refine(isPlainText, 'control_characters');

/** Why the Région reveals a held email's links to pass it on itself: recorded in the audit trail. */
export const handOverReason = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(500, 'must be at most 500 characters')
  .refine(isPlainText, 'control_characters');
