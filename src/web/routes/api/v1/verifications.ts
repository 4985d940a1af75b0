import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { formatDate, translator } from '../../../../i18n/index.ts';
import type { Services } from '../../../../services/index.ts';
import { VERIFIER_MAX_FILE_BYTES, VERIFIER_MAX_TEXT_CHARS, type VerifierSubmission } from '../../../../services/verifier.ts';
import { localeOf } from '../../../locale.ts';
import { acceptMultipartForms, isUploadedFile } from '../../../multipart.ts';
import { VERIFICATION_API_LIMIT } from '../../../plugins/rate-limits.ts';
import { verificationJson } from '../../../verification-report.ts';
import { apiErrorBody } from './resources.ts';

/**
 * « Vérifier un badge » for integrators (job boards, recruiting tools): the
 * same verification and the same report as the page, as JSON. No token: it
 * reads only what anyone may read; rate-limited per address instead.
 */

const checkSchema = z.object({
  name: z.string().describe('structure, issuer, hostedId, signature, keyOwnership, revocation, expiry, issuedOn or recipient'),
  ok: z.boolean().nullable().describe('null: not applicable, or not reached because an earlier check failed'),
  field: z.string().optional().describe('The property at fault, as document.field (issuer.email, assertion.recipient.identity…)'),
  message: z.string(),
});

const verificationSchema = z.object({
  verdict: z
    .enum(['valid', 'expired', 'revoked', 'invalid', 'unverifiable'])
    .describe(
      '`valid`: genuine and in force (check recipient.matches when you gave an email: a genuine badge may belong to someone else). ' +
        '`unverifiable`: not proven either way (a document could not be fetched, the issuer could not be established, an older version of the standard).',
    ),
  openBadgesVersion: z.string().nullable(),
  verificationType: z.enum(['HostedBadge', 'SignedBadge']).nullable(),
  reason: z.object({ code: z.string(), message: z.string() }).nullable().describe('What decided the verdict, when it is not valid'),
  issuer: z.object({
    name: z.string().nullable().describe('The name the issuer gives itself: its own statement, not verified'),
    publishedBy: z.string().nullable().describe('The host (and port) that published the issuer Profile'),
    verified: z.boolean().describe('Whether that Profile, fetched at its own address, vouches for this badge'),
    keyPublishedBy: z.string().nullable(),
  }),
  recipient: z
    .object({ checked: z.boolean(), matches: z.boolean().nullable() })
    .describe('matches: the badge names the email given; it proves something only when the verdict is valid, expired or revoked'),
  badge: z
    .object({ name: z.string(), description: z.string(), issuedOn: z.string().nullable(), expires: z.string().nullable() })
    .nullable(),
  revocationReason: z.string().nullable(),
  checks: z.array(checkSchema),
  notes: z.array(z.object({ code: z.string(), url: z.string(), message: z.string() })),
  failures: z.array(z.object({ url: z.string(), code: z.string(), message: z.string() })),
});

const body = z
  .object({
    url: z.string().optional().describe('The assertion URL (or the URL of a baked PNG/SVG)'),
    jws: z.string().optional().describe('A signed badge (compact JWS)'),
    json: z.unknown().optional().describe("An assertion's JSON, as an object or as text"),
    file: z.unknown().optional().describe('multipart/form-data only: the baked PNG or SVG file'),
    email: z.string().optional().describe('The email address the badge should have been awarded to; neither stored nor returned'),
  })
  .describe('Exactly one of url, jws, json (application/json) or file (multipart/form-data), and optionally email');

type Body = z.infer<typeof body>;

/** One of url, jws, json or file, sorted into what the page's form would have sent. */
function submissionOf(raw: Body): VerifierSubmission | 'empty' | 'both' {
  const given = [raw.url, raw.jws, raw.json, raw.file].filter((v) => v !== undefined && v !== '');
  if (given.length === 0) return 'empty';
  if (given.length > 1) return 'both';
  const email = typeof raw.email === 'string' ? { email: raw.email } : {};
  if (isUploadedFile(raw.file)) return { file: { bytes: raw.file.bytes, filename: raw.file.fileName }, ...email };
  if (raw.file !== undefined) return { text: typeof raw.file === 'string' ? raw.file : '', ...email };
  const text = raw.url ?? raw.jws ?? (typeof raw.json === 'string' ? raw.json : JSON.stringify(raw.json));
  return { text: text ?? '', ...email };
}

export async function verificationApiRoutes(app: FastifyInstance, { services }: { services: Services }) {
  acceptMultipartForms(app, { bodyLimit: VERIFIER_MAX_FILE_BYTES + 64 * 1024, maxParts: 3 });
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/verifications',
    {
      config: { rateLimit: VERIFICATION_API_LIMIT },
      bodyLimit: VERIFIER_MAX_TEXT_CHARS * 4 + 64 * 1024,
      schema: {
        summary: 'Verify an Open Badge from any issuer',
        description:
          'The verification of « Vérifier un badge » (/verifier), as JSON: a URL, a JWS, an assertion JSON or a baked file. ' +
          'No token needed; limited to 30 calls a minute per address. Messages follow Accept-Language (French by default).',
        tags: ['verifications'],
        security: [],
        consumes: ['application/json', 'multipart/form-data'],
        body,
        response: { 200: verificationSchema, 400: apiErrorBody, 413: apiErrorBody, 429: apiErrorBody },
      },
    },
    async (request, reply) => {
      const t = translator(localeOf(request));
      const submission = submissionOf(request.body);
      const problem = typeof submission === 'string' ? submission : undefined;
      const result = problem === undefined ? await services.verifier.verify(submission as VerifierSubmission) : undefined;
      const refused = problem ?? (result && !result.ok ? result.problem : undefined);
      if (refused !== undefined || !result || !result.ok) {
        const code = refused ?? 'empty';
        return reply
          .code(code === 'text_too_long' ? 413 : 400)
          .send({ error: { code: `verification_${code}`, message: t(`verifier.input.${code}`) } });
      }
      const locale = localeOf(request);
      const { outcome } = result;
      return reply.header('cache-control', 'no-store').send(
        verificationJson(outcome, t, {
          issuedOn: outcome.issuedOn ? formatDate(outcome.issuedOn, locale) : '',
          expires: outcome.expires ? formatDate(outcome.expires, locale) : '',
        }),
      );
    },
  );
}
