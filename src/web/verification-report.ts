import type { MessageKey, Translate } from '../i18n/index.ts';
import type { Check, VerificationReport } from '../openbadges/index.ts';
import type { VerifierOutcome } from '../services/verifier.ts';

/**
 * The one report of a verification, in sentences: what the page lays out and
 * what POST /api/v1/verifications answers are built here from the same
 * VerifierOutcome, so the two never say different things.
 */

export interface ReportDates {
  issuedOn: string;
  expires: string;
}

/** What a reason's sentence quotes: the document and field at fault, a date, a version, an algorithm. */
export function reasonParams(
  check: Check | undefined,
  report: VerificationReport,
  t: Translate,
  dates: { expires: string; issuedOn?: string },
) {
  const document = check?.document;
  return {
    date: dates.expires,
    // A 3.0 credential's validFrom stands where 2.0's issuedOn does.
    validFrom: dates.issuedOn ?? '',
    version: `Open Badges ${report.openBadgesVersion ?? '1.x'}`,
    field: check?.field ?? '',
    in: document ? t(`verifier.document.${document}.in`) : '',
    of: document ? t(`verifier.document.${document}.of`) : '',
    alg: '',
    ...check?.params,
  };
}

export function checkLine(check: Check, report: VerificationReport, t: Translate, dates: ReportDates) {
  const state = check.ok === true ? 'ok' : check.ok === false ? 'failed' : 'na';
  let sentence: string;
  if (check.ok === true) {
    sentence =
      check.code === 'expiry'
        ? t('verifier.check.expiry.ok', { date: dates.expires })
        : check.code === 'issuedOn'
          ? t('verifier.check.issuedOn.ok', { date: dates.issuedOn })
          : check.code === 'issuer'
            ? t('verifier.check.issuer.ok', { host: report.issuerIdentity.publishedBy ?? '' })
            : t(`verifier.check.${check.code}.ok` as MessageKey);
  } else if (check.ok === false) {
    sentence = t(`verifier.reason.${check.reason ?? 'unexpected_error'}` as MessageKey, reasonParams(check, report, t, dates));
  } else if (report.openBadgesVersion === '3.0' && check.reason !== undefined) {
    sentence = t(`verifier.reason.${check.reason}` as MessageKey, reasonParams(check, report, t, dates));
  } else if (check.reason === 'no_revocation_list') {
    sentence = t('verifier.reason.no_revocation_list');
  } else if (check.code === 'expiry' && report.assertion) {
    sentence = t('verifier.check.expiry.none');
  } else if (check.code === 'recipient' && (report.assertion || report.openBadgesVersion === '3.0')) {
    sentence = t('verifier.check.recipient.none');
  } else if (check.code === 'hostedId' && report.verificationType === 'SignedBadge') {
    sentence = t('verifier.check.hostedId.signed');
  } else if (check.code === 'signature' && report.verificationType === 'HostedBadge') {
    sentence = t('verifier.check.signature.hosted');
  } else if (check.code === 'keyOwnership' && report.verificationType === 'HostedBadge') {
    sentence = t('verifier.check.keyOwnership.hosted');
  } else {
    sentence = t('verifier.check.notReached');
  }
  return {
    code: check.code,
    state,
    label: t(`verifier.check.${check.code}`),
    stateText: t(`verifier.checks.state.${state}`),
    sentence,
  };
}

/** The property at fault, named as `document.field` (`issuer.email`, `assertion.recipient.identity`). */
function fieldOf(check: Check): string | undefined {
  if (check.field === undefined) return undefined;
  return check.document ? `${check.document}.${check.field}` : check.field;
}

/** The API's answer: the same report as the page, as JSON. */
export function verificationJson(outcome: VerifierOutcome, t: Translate, dates: ReportDates) {
  const { report } = outcome;
  const decisive = report.checks.find((c) => c.ok === false && c.reason === report.reason);
  return {
    verdict: outcome.verdict,
    openBadgesVersion: report.openBadgesVersion ?? null,
    verificationType: report.verificationType,
    reason: report.reason
      ? { code: report.reason, message: t(`verifier.reason.${report.reason}` as MessageKey, reasonParams(decisive, report, t, dates)) }
      : null,
    issuer: {
      name: report.issuer?.name ?? null,
      publishedBy: report.issuerIdentity.publishedBy ?? null,
      verified: report.issuerIdentity.established,
      keyPublishedBy: report.issuerIdentity.keyPublishedBy ?? null,
    },
    recipient: { checked: outcome.emailChecked, matches: outcome.emailChecked ? (report.recipientMatches ?? null) : null },
    badge: report.badgeClass
      ? {
          name: report.badgeClass.name,
          description: report.badgeClass.description,
          issuedOn: outcome.issuedOn?.toISOString() ?? null,
          expires: outcome.expires?.toISOString() ?? null,
        }
      : null,
    revocationReason: report.revocationReason ?? null,
    checks: report.checks.map((check) => {
      const field = fieldOf(check);
      return {
        name: check.code,
        ok: check.ok,
        ...(field !== undefined && { field }),
        message: checkLine(check, report, t, dates).sentence,
      };
    }),
    notes: report.notes.map((n) => ({
      code: n.code,
      url: n.url,
      message: t(`verifier.note.${n.code}`, { url: n.url, type: n.contentType ?? '' }),
    })),
    failures: outcome.failures.map((f) => ({
      url: f.url,
      code: f.code,
      message: t(`verifier.fetch.${f.code}` as MessageKey, { status: f.status ?? '' }),
    })),
  };
}
