import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatDate, type MessageKey, type Translate } from '../../../i18n/index.ts';
import type { CheckCode, CheckReason, VerificationNote } from '../../../openbadges/index.ts';
import type { Services } from '../../../services/index.ts';
import {
  type FetchFailureCode,
  VERIFIER_MAX_FILE_BYTES,
  VERIFIER_MAX_TEXT_CHARS,
  type VerifierInputProblem,
  type VerifierOutcome,
  type VerifierSubmission,
} from '../../../services/verifier.ts';
import { isolate, sentenceHtml } from '../../bidi.ts';
import { checkLine, reasonParams } from '../../verification-report.ts';
import { formBody } from '../../forms.ts';
import { acceptMultipartForms, isUploadedFile, TOO_MANY_PARTS } from '../../multipart.ts';
import { localeOf, translate } from '../../locale.ts';
import { renderNarrative } from '../../narrative.ts';
import { FORM_LIMIT, PAGE_LIMIT } from '../../plugins/rate-limits.ts';
import { viewContext } from '../../plugins/views.ts';

/** Problems with the form itself, beyond what the service refuses. */
type FormProblem = VerifierInputProblem | 'file_too_large' | 'too_many_files' | 'too_large' | 'bad_form' | 'rate_limited';

// Every message key built from a code below must exist: the compiler checks it here.
type Keys<Prefix extends string, Code extends string> = `${Prefix}${Code}`;
const KEYS_EXIST: [
  Keys<'verifier.reason.', CheckReason>,
  Keys<'verifier.fetch.', FetchFailureCode>,
  Keys<'verifier.input.', FormProblem>,
  Keys<'verifier.check.', CheckCode>,
  Keys<'verifier.note.', VerificationNote['code']>,
] extends [MessageKey, MessageKey, MessageKey, MessageKey, MessageKey]
  ? true
  : never = true;
void KEYS_EXIST;

const FIELD_OF: Record<FormProblem, 'file' | 'text' | 'email'> = {
  empty: 'file',
  both: 'file',
  file_empty: 'file',
  file_type: 'file',
  file_too_large: 'file',
  too_many_files: 'file',
  too_large: 'file',
  bad_form: 'file',
  rate_limited: 'file',
  text_too_long: 'text',
  url_scheme: 'text',
  url_malformed: 'text',
  json_malformed: 'text',
  text_unrecognised: 'text',
  email_invalid: 'email',
};
const STATUS_OF: Partial<Record<FormProblem, number>> = {
  file_too_large: 413,
  too_many_files: 413,
  too_large: 413,
  text_too_long: 413,
  rate_limited: 429,
};
/** Pasted text is shown again so that it can be corrected, unless it is too long to be useful. */
const REDISPLAY_MAX = 2_000;

/** « Vérifier un badge »: any Open Badges 2.0 badge, from a file, a URL or a JWS. */
export async function verifierRoutes(app: FastifyInstance, { services }: { services: Services }) {
  // Uploads are accepted here only (this plugin is encapsulated): one file of
  // 2 MB or a text (UTF-8, up to 4 bytes a character), the email, the framing.
  acceptMultipartForms(app, { bodyLimit: VERIFIER_MAX_FILE_BYTES + VERIFIER_MAX_TEXT_CHARS * 4 + 64 * 1024, maxParts: 5 });

  // Whatever stops a submission before the handler (too large, unreadable,
  // too many) gives the page again with a message, never a bare error page.
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (request.method !== 'POST' || status < 400 || status >= 500) throw error;
    // Past the limit, a multipart form is a file too large: no pasted text comes near it.
    const multipart = String(request.headers['content-type'] ?? '').startsWith('multipart/form-data');
    const problem: FormProblem =
      status === 429
        ? 'rate_limited'
        : error.code === TOO_MANY_PARTS
          ? 'bad_form'
          : status === 413
            ? multipart
              ? 'file_too_large'
              : 'too_large'
            : 'bad_form';
    return renderPage(request, reply, { problem, status });
  });

  app.get('/verifier', { config: { rateLimit: PAGE_LIMIT } }, async (request, reply) => renderPage(request, reply, {}));

  app.post('/verifier', { config: { rateLimit: FORM_LIMIT } }, async (request, reply) => {
    const read = await readSubmission(request);
    if (!read.ok) return renderPage(request, reply, { problem: read.problem });
    const text = read.submission.text ?? '';
    const result = await services.verifier.verify(read.submission);
    if (!result.ok) return renderPage(request, reply, { problem: result.problem, text });
    // The form under a result starts empty: "verify another badge".
    return renderPage(request, reply, { outcome: result.outcome });
  });
}

async function readSubmission(
  request: FastifyRequest,
): Promise<{ ok: true; submission: VerifierSubmission } | { ok: false; problem: FormProblem }> {
  // A multipart form (src/web/multipart.ts), a form posted without a file (urlencoded), or a script's JSON.
  const body = formBody(request.body);
  const files = Object.values(body)
    .flat()
    .filter((value) => isUploadedFile(value));
  if (files.length > 1) return { ok: false, problem: 'too_many_files' };
  const upload = isUploadedFile(body.file) ? body.file : undefined;
  if (upload && upload.bytes.length > VERIFIER_MAX_FILE_BYTES) return { ok: false, problem: 'file_too_large' };
  const file = upload && { bytes: upload.bytes, filename: upload.fileName };
  return { ok: true, submission: { ...(file && { file }), text: stringField(body.text), email: stringField(body.email) } };
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

interface PageState {
  problem?: FormProblem;
  status?: number;
  text?: string;
  outcome?: VerifierOutcome;
}

function renderPage(request: FastifyRequest, reply: FastifyReply, state: PageState) {
  // A request refused before its preHandler (rate limit, unreadable body) has no view context yet.
  if (typeof reply.locals?.t !== 'function') reply.locals = { ...reply.locals, ...viewContext(request) };
  const t = translate(request);
  const problem = state.problem
    ? { field: FIELD_OF[state.problem], message: t(`verifier.input.${state.problem}` as MessageKey) }
    : null;
  const status = state.status ?? (state.problem ? (STATUS_OF[state.problem] ?? 400) : 200);
  const text = state.text !== undefined && state.text.length <= REDISPLAY_MAX ? state.text.trim() : '';
  const result = state.outcome ? resultView(state.outcome, t, (d) => formatDate(d, localeOf(request))) : null;
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .view('pages/verifier.eta', {
      title: result ? `${result.heading} · ${t('verifier.title')}` : t('verifier.title'),
      problem,
      summary: problem ? [{ field: `verifier-${problem.field}`, label: '', message: problem.message }] : [],
      text,
      result,
    });
}

const TRUNCATE = (text: string | undefined, max: number) =>
  text === undefined ? undefined : text.length > max ? `${text.slice(0, max)}…` : text;
const httpUrl = (value: string | undefined) => (value && /^https?:\/\//i.test(value) ? value : undefined);

/** Everything the report says, in sentences: the template only lays it out. */
function resultView(outcome: VerifierOutcome, t: Translate, date: (d: Date) => string) {
  const { report, verdict } = outcome;
  const identity = report.issuerIdentity;
  // The name is the issuer's own statement: always shown beside the host that published it, isolated.
  const names = { issuer: TRUNCATE(report.issuer?.name, 300) ?? t('verifier.unknownIssuer') };
  const host = identity.publishedBy ?? '';
  const dates = {
    issuedOn: outcome.issuedOn ? date(outcome.issuedOn) : '',
    expires: outcome.expires ? date(outcome.expires) : '',
  };
  const detailHtml =
    verdict === 'expired'
      ? dates.expires
        ? sentenceHtml(t, 'verifier.verdict.expired.detail', names, { host, date: dates.expires })
        : sentenceHtml(t, 'verifier.verdict.expired.noDate', names, { host })
      : sentenceHtml(t, `verifier.verdict.${verdict}.detail` as MessageKey, names, { host });
  const nameIsClaim = (verdict === 'valid' || verdict === 'expired') && identity.established ? t('verifier.verdict.nameIsClaim', { host }) : null;
  const decisive = report.checks.find((c) => c.ok === false && c.reason === report.reason);
  const why =
    (verdict === 'invalid' || verdict === 'unverifiable') && report.reason
      ? t(`verifier.reason.${report.reason}` as MessageKey, reasonParams(decisive, report, t, dates))
      : null;
  const badgeClass = report.badgeClass;
  // A genuine badge checked against an email it was not awarded to is never under the green headline.
  const otherRecipient = report.recipientMatches === false && (verdict === 'valid' || verdict === 'expired');
  return {
    verdict,
    icon: otherRecipient ? '!' : { valid: '✓', expired: '!', revoked: '✕', invalid: '✕', unverifiable: '?' }[verdict],
    statusClass: otherRecipient ? 'expired' : verdict === 'unverifiable' ? 'invalid' : verdict,
    heading: otherRecipient ? t('verifier.verdict.otherRecipient') : t(`verifier.verdict.${verdict}`),
    detailHtml,
    nameIsClaim,
    why,
    revocation:
      verdict === 'revoked'
        ? report.revocationReason
          ? { label: t('verifier.verdict.revoked.reason'), text: TRUNCATE(report.revocationReason, 1000) }
          : { label: null, text: t('verifier.verdict.revoked.noReason') }
        : null,
    // A match in a badge that could not be verified proves nothing: the hash is whatever its writer put there.
    recipient:
      report.recipientMatches === true
        ? verdict === 'invalid' || verdict === 'unverifiable'
          ? 'matchUnproven'
          : 'match'
        : report.recipientMatches === false
          ? 'mismatch'
          : 'notChecked',
    notes: report.notes.map((n) => t(`verifier.note.${n.code}`, { url: TRUNCATE(n.url, 300)!, type: n.contentType ?? '' })),
    failures: outcome.failures.map((f) => ({
      url: TRUNCATE(f.url, 300),
      why: t(`verifier.fetch.${f.code}` as MessageKey, { status: f.status ?? '' }),
    })),
    badge: badgeClass
      ? {
          name: TRUNCATE(badgeClass.name, 300),
          alt: isolate(TRUNCATE(badgeClass.name, 300)!),
          descriptionHtml: renderNarrative(TRUNCATE(badgeClass.description, 2000)),
          image: outcome.image,
          // Escaped Markdown subset, as on our own pages; bounded, since anyone's text lands in its cache.
          criteriaHtml: renderNarrative(TRUNCATE(badgeClass.criteria.narrative, 4000)),
          criteriaUrl: httpUrl(badgeClass.criteria.id),
        }
      : null,
    issuedOn: outcome.issuedOn ? { iso: outcome.issuedOn.toISOString(), text: dates.issuedOn } : null,
    expires: outcome.expires ? { iso: outcome.expires.toISOString(), text: dates.expires } : null,
    kind: report.verificationType,
    issuer: report.issuer
      ? {
          established: identity.established,
          publishedBy: identity.established ? identity.publishedBy : undefined,
          keyPublishedBy: identity.established ? identity.keyPublishedBy : undefined,
          name: TRUNCATE(report.issuer.name, 300),
          url: httpUrl(report.issuer.url),
          urlText: TRUNCATE(report.issuer.url, 300),
          email: TRUNCATE(report.issuer.email, 320),
        }
      : null,
    ours: outcome.ours,
    assertionPage: outcome.assertionPage,
    checks: report.checks.map((check) => checkLine(check, report, t, dates)),
  };
}
