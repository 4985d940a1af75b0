import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AwardImportRecord, AwardImportRow, AwardImportSummary, BadgeClassRow, EvidenceRecord } from '../../../services/records.ts';
import type { MessageKey, Translate } from '../../../i18n/index.ts';
import { IMPORT_FIELDS, ImportFileError, type ImportField, MAX_IMPORT_BYTES } from '../../../services/award-imports/csv-file.ts';
import { countRows, rowOutcome } from '../../../services/award-imports/service.ts';
import { PERSONAL_MESSAGE_MAX } from '../../../services/awarding.ts';
import { spreadsheetCsv } from '../../../services/csv-writer.ts';
import { DomainError, notFound } from '../../../services/errors.ts';
import { StructureLearnerService } from '../../../services/structure-learners.ts';
import type { Services } from '../../../services/index.ts';
import { isUuid, uuid } from '../../../services/ids.ts';
import { email, httpUrl, isPlainLine, personalMessage, withoutForbidden } from '../../../services/inputs.ts';
import { errorSummary, type FieldErrors, fieldErrors, formBody, LINE_FORBIDDEN, TEXT_FORBIDDEN, textValue } from '../../forms.ts';
import { translate } from '../../locale.ts';
import { currentStructureId, requireRole } from '../../plugins/session.ts';
import { viewContext } from '../../plugins/views.ts';
import { acceptMultipartForms, isUploadedFile } from '../../multipart.ts';

// ---------------------------------------------------------------------------
// Multipart: the CSV upload

/**
 * The file, plus the form's few fields and the multipart framing. Past it,
 * fastify answers 413 before reading further (shown as a message on the
 * upload page).
 */
const UPLOAD_BODY_LIMIT = MAX_IMPORT_BYTES + 256 * 1024;
const MAX_PARTS = 10;

// ---------------------------------------------------------------------------
// The single award form

const nameLine = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((v) => !LINE_FORBIDDEN.test(v), 'control_characters');
const optional = <T extends z.ZodType>(schema: T) => z.union([z.literal('').transform(() => undefined), schema]).optional();

const awardForm = z.object({
  email,
  firstName: nameLine,
  lastName: nameLine,
  badgeClassId: uuid,
  evidence: optional(
    z
      .string()
      .transform((v) => v.replace(/\r\n?/g, '\n').trim())
      .pipe(
        z
          .string()
          .max(2000)
          .refine((v) => !TEXT_FORBIDDEN.test(v), 'control_characters'),
      ),
  ),
  evidenceUrl: optional(httpUrl),
  message: optional(personalMessage),
  expires: optional(z.string().trim().max(40)),
});

const AWARD_FIELDS: [string, MessageKey][] = [
  ['email', 'awarding.field.email'],
  ['firstName', 'awarding.field.firstName'],
  ['lastName', 'awarding.field.lastName'],
  ['badgeClassId', 'awarding.field.badge'],
  ['evidence', 'awarding.field.evidence'],
  ['evidenceUrl', 'awarding.field.evidenceUrl'],
  ['message', 'awarding.field.message'],
  ['expires', 'awarding.field.expires'],
];
const FORM_VALUE_FIELDS = ['email', 'firstName', 'lastName', 'badgeClassId', 'evidence', 'evidenceUrl', 'message', 'expires'] as const;

interface CheckedAward {
  email: string;
  firstName: string;
  lastName: string;
  badgeClass: BadgeClassRow;
  evidence: EvidenceRecord[];
  message: string | null;
  expires: Date | null;
}

/** A page number from the query string: 1 unless a sensible number is given. */
function pageOf(request: FastifyRequest): number {
  const raw = (request.query as Record<string, unknown> | undefined)?.page;
  const page = typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : 1;
  return Math.max(1, page);
}

function uuidParam(value: unknown): string {
  if (!isUuid(value)) throw notFound();
  return value;
}

function lineParam(value: unknown): number {
  if (typeof value !== 'string' || !/^\d{1,7}$/.test(value)) throw notFound();
  return Number(value);
}

/** How the validity of a badge class reads: in years when it is a whole number of them. */
function validityLabel(t: Translate, days: number | null): string {
  if (!days) return t('awarding.validity.none');
  if (days % 365 === 0) return days === 365 ? t('awarding.validity.oneYear') : t('awarding.validity.years', { n: days / 365 });
  return days === 1 ? t('awarding.validity.oneDay') : t('awarding.validity.days', { n: days });
}

/** A row's problem code, in the reader's language. */
function problemText(t: Translate, code: string): string {
  const [name, param] = code.split(':');
  switch (name) {
    case 'required':
      return t('awarding.csv.problem.required');
    case 'too_long':
      return t('awarding.csv.problem.tooLong', { max: Number(param) });
    case 'control_characters':
      return t('awarding.csv.problem.controlCharacters');
    case 'email':
      return t('awarding.csv.problem.email');
    case 'url':
      return t('awarding.csv.problem.url');
    case 'badge_unknown':
      return t('awarding.csv.problem.badgeUnknown');
    case 'date':
      return t('awarding.csv.problem.date');
    case 'date_past':
      return t('error.expires_before_issue');
    case 'duplicate':
      return t('awarding.csv.problem.duplicate', { line: Number(param) });
    default:
      return t('form.invalid');
  }
}

/** Why a row was not awarded, or that it was awarded, in the reader's language. */
function failureText(t: Translate, row: AwardImportRow): string {
  switch (row.failure) {
    case undefined:
      return row.replayed ? t('awarding.csv.result.replayedReason') : '';
    case 'dropped':
      return t('awarding.csv.result.dropped');
    case 'row_errors':
      return t('awarding.csv.result.rowErrors', {
        problems: row.errors.map((e) => `${t(`awarding.csv.column.${e.column}` as MessageKey)} : ${problemText(t, e.message)}`).join(' ; '),
      });
    case 'badge_class_not_found':
    case 'badge_class_archived':
      return t('awarding.csv.result.badgeGone');
    case 'expires_before_issue':
      return t('error.expires_before_issue');
    case 'idempotency_key_reused':
      return t('awarding.csv.result.keyReused');
    default:
      return t('awarding.csv.result.refused');
  }
}

const FILE_PROBLEMS: Record<ImportFileError['code'], MessageKey> = {
  empty: 'awarding.csv.file.empty',
  too_large: 'awarding.csv.file.tooLarge',
  spreadsheet: 'awarding.csv.file.spreadsheet',
  malformed: 'awarding.csv.file.malformed',
  missing_columns: 'awarding.csv.file.missingColumns',
  duplicate_column: 'awarding.csv.file.duplicateColumn',
  no_rows: 'awarding.csv.file.noRows',
  too_many_rows: 'awarding.csv.file.tooManyRows',
};

/** Column names as the template writes them, translated back for the "missing columns" message. */
const columnList = (t: Translate, fields: string) =>
  fields
    .split(', ')
    .map((f) => `« ${t(`awarding.csv.column.${f}` as MessageKey)} »`)
    .join(', ');

export async function awardingRoutes(app: FastifyInstance, { services }: { services: Services }) {
  acceptMultipartForms(app, { bodyLimit: UPLOAD_BODY_LIMIT, maxParts: MAX_PARTS });

  // A file over the limit is told on the upload page, not on a bare error page.
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (
      error.statusCode === 413 &&
      request.method === 'POST' &&
      request.url.split('?')[0] === '/espace/delivrer/csv' &&
      request.auth?.current
    ) {
      // Refused while reading the body: the preHandler that sets up the views has not run.
      if (typeof reply.locals?.t !== 'function') reply.locals = { ...reply.locals, ...viewContext(request) };
      return renderUpload(request, reply.code(413), { errors: { file: translate(request)('awarding.csv.file.tooLarge') } });
    }
    throw error;
  });

  const advisor = { onRequest: requireRole('advisor') };
  const actorOf = (request: FastifyRequest) => ({ kind: 'user' as const, userId: request.auth!.user.id });

  // -------------------------------------------------------------------------
  // One badge

  async function renderAwardForm(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { values?: Record<string, string>; errors?: FieldErrors; notice?: MessageKey | null } = {},
  ) {
    const t = translate(request);
    const structureId = currentStructureId(request);
    const [badgeClasses, known] = await Promise.all([
      services.badgeClasses.listAwardable(structureId),
      services.structureLearners.suggestions(structureId),
    ]);
    const errors = form.errors ?? {};
    const summary = errorSummary(errors, AWARD_FIELDS, t);
    const values = form.values ?? {};
    if (!isUuid(values.key)) values.key = randomUUID();
    return reply.view('pages/workspace/awarding/form.eta', {
      title: summary.length ? t('form.errorTitle', { title: t('awarding.title') }) : t('awarding.title'),
      values,
      errors,
      summary,
      notice: form.notice ?? null,
      badgeClasses: badgeClasses.map((b) => ({
        id: b.id,
        name: b.name,
        description: b.description,
        validity: validityLabel(t, b.validityDays),
      })),
      known,
      messageMax: PERSONAL_MESSAGE_MAX,
    });
  }

  /** The form's values as sent, bounded, for redisplay. */
  function sentValues(body: Record<string, unknown>): Record<string, string> {
    const values: Record<string, string> = {};
    for (const f of FORM_VALUE_FIELDS)
      values[f] = textValue(body, f, f === 'evidence' ? 2000 : f === 'message' ? PERSONAL_MESSAGE_MAX : 400);
    values.key = textValue(body, 'key', 40);
    return values;
  }

  /** Checks the form; either the award to make, or one message per field. */
  async function checkAward(
    request: FastifyRequest,
    body: Record<string, unknown>,
  ): Promise<{ award: CheckedAward } | { errors: FieldErrors }> {
    const t = translate(request);
    const structureId = currentStructureId(request);
    const parsed = awardForm.safeParse({
      email: body.email,
      firstName: body.firstName,
      lastName: body.lastName,
      badgeClassId: body.badgeClassId,
      evidence: body.evidence,
      evidenceUrl: body.evidenceUrl,
      message: body.message,
      expires: body.expires,
    });
    const errors: FieldErrors = parsed.success ? {} : fieldErrors(parsed.error, t, body);
    if (errors.badgeClassId) errors.badgeClassId = t('awarding.error.badge');
    if (errors.evidenceUrl && typeof body.evidenceUrl === 'string' && body.evidenceUrl.trim().length <= 2000) {
      errors.evidenceUrl = t('awarding.error.url');
    }
    let badgeClass: BadgeClassRow | undefined;
    if (parsed.success) {
      badgeClass = (await services.badgeClasses.listAwardable(structureId)).find((b) => b.id === parsed.data.badgeClassId);
      if (!badgeClass) errors.badgeClassId = t('awarding.error.badge');
    }
    let expires: Date | null = null;
    if (parsed.success && parsed.data.expires) {
      // The one rule of the form, the CSV and the API: the end of that day in Paris, today or later.
      const expiry = services.awarding.expiryOfDay(parsed.data.expires);
      if ('expires' in expiry) expires = expiry.expires;
      else errors.expires = t(expiry.refusal === 'expires_format' ? 'awarding.error.date' : 'error.expires_before_issue');
    }
    if (!parsed.success || Object.keys(errors).length || !badgeClass) return { errors };
    const d = parsed.data;
    const evidence: EvidenceRecord[] =
      d.evidence || d.evidenceUrl
        ? [{ ...(d.evidence ? { narrative: d.evidence } : {}), ...(d.evidenceUrl ? { url: d.evidenceUrl } : {}) }]
        : [];
    return {
      award: {
        // As it will be stored and shown: what the confirmation page promises.
        email: d.email.toLowerCase(),
        firstName: d.firstName,
        lastName: d.lastName,
        badgeClass,
        evidence,
        message: d.message ?? null,
        expires,
      },
    };
  }

  app.get('/espace/delivrer', advisor, async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const values: Record<string, string> = {};
    if (query.apprenant !== undefined) {
      const learner = await services.structureLearners.find(currentStructureId(request), String(query.apprenant));
      // One name is stored; the first word is most often the first name, and the advisor can fix it.
      const [first, ...rest] = learner.name.split(' ');
      Object.assign(values, { email: learner.email, firstName: first ?? '', lastName: rest.join(' ') });
    }
    if (isUuid(query.badge)) values.badgeClassId = query.badge;
    return renderAwardForm(request, reply, { values });
  });

  /** The form is sent: the confirmation shows the award as the learner and a recruiter will see it. */
  app.post('/espace/delivrer', advisor, async (request, reply) => {
    const body = formBody(request.body);
    const values = sentValues(body);
    const checked = await checkAward(request, body);
    if ('errors' in checked) return renderAwardForm(request, reply.code(422), { values, errors: checked.errors });
    return renderConfirmation(request, reply, values, checked.award);
  });

  function renderConfirmation(request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, award: CheckedAward) {
    const t = translate(request);
    const { issuedOn, expires } = services.awarding.preview(award.badgeClass, award.expires);
    return reply.view('pages/workspace/awarding/confirm.eta', {
      title: t('awarding.confirm.title'),
      values,
      award: { ...award, name: `${award.firstName} ${award.lastName}`, issuedOn, expiresShown: expires },
      badgeClass: award.badgeClass,
      structureName: request.auth!.current!.structureName,
      advisorName: request.auth!.user.name,
    });
  }

  app.post('/espace/delivrer/confirmer', advisor, async (request, reply) => {
    const t = translate(request);
    const body = formBody(request.body);
    const values = sentValues(body);
    const checked = await checkAward(request, body);
    if (body.action === 'edit' || 'errors' in checked) {
      return renderAwardForm(request, 'errors' in checked ? reply.code(422) : reply, {
        values,
        errors: 'errors' in checked ? checked.errors : {},
      });
    }
    if (!isUuid(values.key)) {
      return renderAwardForm(request, reply.code(422), { values: { ...values, key: '' }, notice: 'awarding.error.staleForm' });
    }
    const a = checked.award;
    try {
      const result = await services.awarding.award(
        {
          structureId: currentStructureId(request),
          badgeClassId: a.badgeClass.id,
          recipient: { email: a.email, name: `${a.firstName} ${a.lastName}` },
          evidence: a.evidence,
          ...(a.expires ? { expires: a.expires } : {}),
          ...(a.message ? { message: a.message } : {}),
          idempotencyKey: `espace:${values.key}`,
        },
        actorOf(request),
      );
      return reply.redirect(`/espace/delivrer/delivre/${result.assertion.id}`, 303);
    } catch (error) {
      // The same form, changed after it already awarded a badge: a new form, not a second award in disguise.
      if (error instanceof DomainError && error.code === 'idempotency_key_reused') {
        return renderAwardForm(request, reply.code(409), { values: { ...values, key: '' }, notice: 'awarding.error.alreadyUsed' });
      }
      if (error instanceof DomainError && (error.code === 'badge_class_archived' || error.code === 'badge_class_not_found')) {
        return renderAwardForm(request, reply.code(422), { values, errors: { badgeClassId: t('awarding.error.badge') } });
      }
      throw error;
    }
  });

  app.get('/espace/delivrer/delivre/:assertionId', advisor, async (request, reply) => {
    const t = translate(request);
    const structureId = currentStructureId(request);
    const id = (request.params as { assertionId: string }).assertionId;
    if (!isUuid(id)) throw notFound();
    const assertion = await services.awarding.get(structureId, id);
    const badgeClass = await services.badgeClasses.get(structureId, assertion.badgeClassId);
    return reply.view('pages/workspace/awarding/done.eta', {
      title: t('awarding.done.title'),
      assertion,
      badgeClass,
      verifyUrl: services.urls.assertion(assertion.id),
      learnerKey: StructureLearnerService.keyOf(structureId, assertion.recipientEmail),
    });
  });

  // -------------------------------------------------------------------------
  // A CSV file

  async function renderUpload(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { errors?: FieldErrors; values?: Record<string, string> } = {},
  ) {
    const t = translate(request);
    const structureId = currentStructureId(request);
    const [badgeClasses, recent] = await Promise.all([
      services.badgeClasses.listAwardable(structureId),
      services.awardImports.recent(structureId),
    ]);
    const errors = form.errors ?? {};
    const summary = errorSummary(
      errors,
      [
        ['file', 'awarding.csv.field.file'],
        ['message', 'awarding.field.message'],
      ],
      t,
    );
    return reply.view('pages/workspace/awarding/csv-upload.eta', {
      title: summary.length ? t('form.errorTitle', { title: t('awarding.csv.title') }) : t('awarding.csv.title'),
      errors,
      summary,
      values: form.values ?? {},
      badgeClasses,
      recent,
      maxMb: MAX_IMPORT_BYTES / 1024 / 1024,
      messageMax: PERSONAL_MESSAGE_MAX,
    });
  }

  app.get('/espace/delivrer/csv', advisor, async (request, reply) => renderUpload(request, reply));

  /** A file to fill in: the expected columns, an example row, and the same encoding and separator as French Excel. */
  app.get('/espace/delivrer/csv/modele.csv', advisor, async (request, reply) => {
    const t = translate(request);
    const header = IMPORT_FIELDS.map((f) => t(`awarding.csv.column.${f}` as MessageKey));
    const example = [
      'camille.martin@exemple.fr',
      'Camille',
      'Martin',
      'organiser-je-pratique',
      t('awarding.csv.template.evidence'),
      'https://exemple.fr/preuve',
      '',
    ];
    const csv = spreadsheetCsv([header, example]);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${t('awarding.csv.template.fileName')}"`)
      .send(csv);
  });

  app.post('/espace/delivrer/csv', advisor, async (request, reply) => {
    const t = translate(request);
    const body = formBody(request.body);
    const file = body.file;
    const values = { message: textValue(body, 'message', PERSONAL_MESSAGE_MAX) };
    const errors: FieldErrors = {};
    if (!isUploadedFile(file) || file.bytes.length === 0) errors.file = t('awarding.csv.file.missing');
    const message = body.message === undefined ? { success: true as const, data: '' } : personalMessage.safeParse(body.message);
    if (!message.success) errors.message = fieldErrors(message.error, t, { message: body.message }).message ?? t('form.invalid');
    else if (body.message !== undefined && typeof body.message !== 'string') errors.message = t('form.invalid');
    if (Object.keys(errors).length || !isUploadedFile(file) || !message.success)
      return renderUpload(request, reply.code(422), { errors, values });
    try {
      const created = await services.awardImports.upload(
        {
          structureId: currentStructureId(request),
          userId: request.auth!.user.id,
          fileName: sanitiseFileName(file.fileName),
          bytes: file.bytes,
          personalMessage: message.data || null,
        },
        actorOf(request),
      );
      return reply.redirect(`/espace/delivrer/csv/${created.id}`, 303);
    } catch (error) {
      if (!(error instanceof ImportFileError)) throw error;
      const params = { ...error.params } as Record<string, string | number>;
      if (error.code === 'missing_columns') params.columns = columnList(t, String(params.columns));
      return renderUpload(request, reply.code(error.code === 'too_large' ? 413 : 422), {
        errors: { file: t(FILE_PROBLEMS[error.code], { ...params, maxMb: MAX_IMPORT_BYTES / 1024 / 1024 }) },
        values,
      });
    }
  });

  /** One address per import: its preview, its progress, then its result. */
  app.get('/espace/delivrer/csv/:importId', advisor, async (request, reply) => {
    const t = translate(request);
    const structureId = currentStructureId(request);
    const id = uuidParam((request.params as { importId: string }).importId);
    const summary = await services.awardImports.summary(structureId, id);
    if (summary.status === 'queued' || summary.status === 'running') {
      // Reloads itself every two seconds (an HTTP header rather than a <meta>,
      // so that the page can offer to stop it: WCAG 2.2.1).
      const auto = (request.query as Record<string, unknown>).auto !== '0';
      if (auto) reply.header('refresh', '2');
      return reply.view('pages/workspace/awarding/csv-progress.eta', {
        title: t('awarding.csv.progress.title'),
        record: summary,
        done: summary.awarded + summary.failed,
        auto,
      });
    }
    const record = await services.awardImports.get(structureId, id);
    if (record.status === 'done' || record.status === 'cancelled') return renderResult(request, reply, record);
    return renderPreview(request, reply, record);
  });

  async function renderPreview(request: FastifyRequest, reply: FastifyReply, record: AwardImportRecord, notice: MessageKey | null = null) {
    const t = translate(request);
    const page = services.awardImports.previewPage(record, pageOf(request));
    const sameFile = await services.awardImports.sameFileSent(record);
    return reply.view('pages/workspace/awarding/csv-preview.eta', {
      title: t('awarding.csv.preview.title'),
      record: summaryOf(record),
      counts: countRows(record.rows),
      page,
      sameFile,
      notice,
      fields: IMPORT_FIELDS,
      problem: (code: string) => problemText(t, code),
    });
  }

  function renderResult(request: FastifyRequest, reply: FastifyReply, record: AwardImportRecord) {
    const t = translate(request);
    const page = services.awardImports.resultPage(record, pageOf(request));
    const outcomes = { awarded: 0, replayed: 0, failed: 0 };
    for (const r of record.rows) outcomes[rowOutcome(r)]++;
    return reply.view('pages/workspace/awarding/csv-result.eta', {
      title: t('awarding.csv.result.title'),
      record: summaryOf(record),
      outcomes,
      page,
      outcome: rowOutcome,
      reason: (row: AwardImportRow) => failureText(t, row),
    });
  }

  app.get('/espace/delivrer/csv/:importId/resultat.csv', advisor, async (request, reply) => {
    const t = translate(request);
    const structureId = currentStructureId(request);
    const record = await services.awardImports.get(structureId, uuidParam((request.params as { importId: string }).importId));
    if (record.status !== 'done') throw notFound();
    const csv = services.awardImports.resultCsv(record, {
      header: [
        t('awarding.csv.column.line'),
        ...IMPORT_FIELDS.map((f) => t(`awarding.csv.column.${f}` as MessageKey)),
        t('awarding.csv.column.outcome'),
        t('awarding.csv.column.reason'),
        t('awarding.csv.column.url'),
      ],
      outcome: (row) => t(`awarding.csv.outcome.${rowOutcome(row)}` as MessageKey),
      reason: (row) => failureText(t, row),
      url: (assertionId) => services.urls.assertion(assertionId),
    });
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${t('awarding.csv.result.fileName')}"`)
      .send(csv);
  });

  app.post('/espace/delivrer/csv/:importId/confirmer', advisor, async (request, reply) => {
    const structureId = currentStructureId(request);
    const id = uuidParam((request.params as { importId: string }).importId);
    const record = await services.awardImports.get(structureId, id);
    if (record.status === 'preview' && countRows(record.rows).valid === 0) {
      return renderPreview(request, reply.code(422), record, 'awarding.csv.preview.nothingToAward');
    }
    // A second confirmation (double click, reload) changes nothing and lands on the same page.
    await services.awardImports.confirm(structureId, id, actorOf(request));
    return reply.redirect(`/espace/delivrer/csv/${id}`, 303);
  });

  for (const [action, apply] of [
    ['retirer', 'drop'],
    ['retablir', 'restore'],
  ] as const) {
    app.post(`/espace/delivrer/csv/:importId/lignes/:line/${action}`, advisor, async (request, reply) => {
      const structureId = currentStructureId(request);
      const params = request.params as { importId: string; line: string };
      const id = uuidParam(params.importId);
      const line = lineParam(params.line);
      const record = await services.awardImports.summary(structureId, id);
      if (record.status !== 'preview') return reply.redirect(`/espace/delivrer/csv/${id}`, 303);
      if (apply === 'drop') await services.awardImports.dropRow(structureId, id, line, actorOf(request));
      else await services.awardImports.restoreRow(structureId, id, line, actorOf(request));
      const page = pageOf(request);
      return reply.redirect(`/espace/delivrer/csv/${id}${page > 1 ? `?page=${page}` : ''}#ligne-${line}`, 303);
    });
  }

  async function renderCorrection(
    request: FastifyRequest,
    reply: FastifyReply,
    record: AwardImportSummary,
    row: AwardImportRow,
    form: { values?: Record<string, string>; errors?: FieldErrors } = {},
  ) {
    const t = translate(request);
    const badgeClasses = await services.badgeClasses.listAwardable(record.structureId);
    const errors = form.errors ?? {};
    const summary = errorSummary(
      errors,
      IMPORT_FIELDS.map((f) => [f, `awarding.csv.column.${f}` as MessageKey]),
      t,
    );
    return reply.view('pages/workspace/awarding/csv-row.eta', {
      title: summary.length
        ? t('form.errorTitle', { title: t('awarding.csv.row.title', { line: row.line }) })
        : t('awarding.csv.row.title', { line: row.line }),
      record,
      row,
      values: form.values ?? row.values,
      errors,
      summary,
      badgeClasses,
      problem: (code: string) => problemText(t, code),
    });
  }

  async function findRow(request: FastifyRequest) {
    const structureId = currentStructureId(request);
    const params = request.params as { importId: string; line: string };
    const record = await services.awardImports.get(structureId, uuidParam(params.importId));
    const line = lineParam(params.line);
    const row = record.rows.find((r) => r.line === line);
    if (!row) throw notFound();
    return { record, row, structureId };
  }

  app.get('/espace/delivrer/csv/:importId/lignes/:line', advisor, async (request, reply) => {
    const { record, row } = await findRow(request);
    if (record.status !== 'preview') return reply.redirect(`/espace/delivrer/csv/${record.id}`, 303);
    const t = translate(request);
    const errors: FieldErrors = {};
    for (const e of row.errors) errors[e.column] ??= problemText(t, e.message);
    return renderCorrection(request, reply, summaryOf(record), row, { errors });
  });

  app.post('/espace/delivrer/csv/:importId/lignes/:line', advisor, async (request, reply) => {
    const t = translate(request);
    const { record, row, structureId } = await findRow(request);
    if (record.status !== 'preview') return reply.redirect(`/espace/delivrer/csv/${record.id}`, 303);
    const body = formBody(request.body);
    const values = Object.fromEntries(
      IMPORT_FIELDS.map((f) => [f, typeof body[f] === 'string' ? (body[f] as string) : body[f] === undefined ? '' : '\u0000']),
    ) as Record<ImportField, string>;
    const problems = await services.awardImports.checkCorrection(structureId, values);
    if (problems.length) {
      const errors: FieldErrors = {};
      for (const e of problems) errors[e.column] ??= problemText(t, e.message);
      const shown = Object.fromEntries(IMPORT_FIELDS.map((f) => [f, values[f].replace(/\u0000/g, '').slice(0, 2000)]));
      return renderCorrection(request, reply.code(422), summaryOf(record), row, { values: shown, errors });
    }
    await services.awardImports.correctRow(structureId, record.id, row.line, values, actorOf(request));
    return reply.redirect(`/espace/delivrer/csv/${record.id}#ligne-${row.line}`, 303);
  });

  // -------------------------------------------------------------------------
  // Learners and the general badge

  const LEARNERS_PER_PAGE = 50;

  app.get('/espace/apprenants', advisor, async (request, reply) => {
    const t = translate(request);
    const raw = (request.query as Record<string, unknown>).q;
    const typed = typeof raw === 'string' ? raw.trim().slice(0, 200) : '';
    // A search holding a refused character (a NUL would not even reach the database) is named on the page.
    if (!isPlainLine(typed)) {
      return reply.code(400).view('pages/workspace/awarding/learners.eta', {
        title: t('form.errorTitle', { title: t('awarding.learners.title') }),
        search: withoutForbidden(typed),
        searchError: t('form.controlCharacters'),
        rows: [],
        total: 0,
        page: 1,
        pages: 1,
      });
    }
    const search = typed;
    const page = pageOf(request);
    const { rows, total } = await services.structureLearners.list(currentStructureId(request), {
      search: search || undefined,
      page,
      perPage: LEARNERS_PER_PAGE,
    });
    return reply.view('pages/workspace/awarding/learners.eta', {
      title: t('awarding.learners.title'),
      search,
      searchError: null,
      rows,
      total,
      page,
      pages: Math.max(1, Math.ceil(total / LEARNERS_PER_PAGE)),
    });
  });

  async function renderLearner(request: FastifyRequest, reply: FastifyReply, key: string, notice: MessageKey | null = null) {
    const t = translate(request);
    const structureId = currentStructureId(request);
    const learner = await services.structureLearners.find(structureId, key);
    const [awards, general] = await Promise.all([
      services.structureLearners.awardsOf(structureId, learner.email),
      services.structureLearners.generalBadgeStatus(structureId, learner.email),
    ]);
    return reply.view('pages/workspace/awarding/learner.eta', {
      title: t('awarding.learner.title', { name: learner.name }),
      learner,
      awards: awards.map((a) => ({ ...a, status: services.awarding.status(a) })),
      general,
      notice,
      structureId,
    });
  }

  app.get('/espace/apprenants/:learnerKey', advisor, async (request, reply) =>
    renderLearner(request, reply, (request.params as { learnerKey: string }).learnerKey),
  );

  app.post('/espace/apprenants/:learnerKey/badge-general', advisor, async (request, reply) => {
    const key = (request.params as { learnerKey: string }).learnerKey;
    const outcome = await services.structureLearners.awardGeneralBadge(currentStructureId(request), key, actorOf(request));
    if (outcome.status === 'awarded') return reply.redirect(`/espace/delivrer/delivre/${outcome.assertion.id}`, 303);
    const notices: Record<typeof outcome.status, MessageKey> = {
      not_eligible: 'awarding.general.notEligible',
      already_held: 'awarding.general.alreadyHeld',
      no_badge_class: 'awarding.general.noBadgeClass',
    };
    return renderLearner(request, reply.code(409), key, notices[outcome.status]);
  });
}

/** What the pages show of an import, without its rows. */
function summaryOf(record: AwardImportRecord): AwardImportSummary {
  const { rows: _rows, ...summary } = record;
  return summary;
}

/** A file name as shown on pages: no path, no control characters, bounded. */
function sanitiseFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  return withoutForbidden(base).slice(0, 200) || 'import.csv';
}
