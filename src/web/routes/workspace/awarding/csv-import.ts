// One file because a CSV import is one journey for the advisor (template, upload, preview and corrections, progress, result and its file) over one service.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MessageKey, Translate } from '../../../../i18n/index.ts';
import { IMPORT_FIELDS, ImportFileError, type ImportField, MAX_IMPORT_BYTES } from '../../../../services/award-imports/csv-file.ts';
import { countRows, rowOutcome } from '../../../../services/award-imports/service.ts';
import { PERSONAL_MESSAGE_MAX } from '../../../../services/awarding.ts';
import { spreadsheetCsv } from '../../../../services/csv-writer.ts';
import { notFound } from '../../../../services/errors.ts';
import { personalMessage, withoutForbidden } from '../../../../services/inputs.ts';
import type { Services } from '../../../../services/index.ts';
import type { AwardImportRecord, AwardImportRow, AwardImportSummary } from '../../../../services/records.ts';
import { errorSummary, type FieldErrors, fieldErrors, formBody, textValue } from '../../../forms.ts';
import { translate } from '../../../locale.ts';
import { refusalErrors } from '../../../refusals.ts';
import { acceptMultipartForms, isChosenFile } from '../../../multipart.ts';
import { actorOf, currentStructureId, requireRole } from '../../../plugins/session.ts';
import { viewContext } from '../../../plugins/views.ts';
import { lineNumber, pageNumber, pathId, query } from '../../../schemas.ts';

// ---------------------------------------------------------------------------
// Multipart: the CSV upload

/**
 * The file, plus the form's few fields and the multipart framing. Past it,
 * fastify answers 413 before reading further (shown as a message on the
 * upload page).
 */
const UPLOAD_BODY_LIMIT = MAX_IMPORT_BYTES + 256 * 1024;
const MAX_PARTS = 10;

/** A row's problem code, in the reader's language. */
function problemText(t: Translate, code: string): string {
  // The parameter is everything after the first colon: a badge's name may hold one.
  const [name, ...rest] = code.split(':');
  const param = rest.join(':');
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
      return param ? t('awarding.csv.problem.badgeUnknownNearest', { name: param }) : t('awarding.csv.problem.badgeUnknown');
    case 'badge_archived':
      return t('awarding.csv.problem.badgeArchived', { name: param });
    case 'date':
      return t('awarding.csv.problem.date');
    case 'date_past':
      return t('error.expires_before_issue');
    case 'duplicate':
      return t('awarding.csv.problem.duplicate', { line: Number(param) });
    case 'general_not_eligible': {
      const [held, needed, ...missing] = param.split('|');
      return t('error.generalBadge.not_eligible', { held: Number(held), needed: Number(needed), missing: missing.join('|') });
    }
    case 'general_held_elsewhere':
      return t('error.generalBadge.held_elsewhere');
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
        problems: row.errors
          .map((e) =>
            t('awarding.csv.result.problem', {
              column: t(`awarding.csv.label.${e.column}` as MessageKey),
              message: problemText(t, e.message),
            }),
          )
          .join(t('awarding.csv.result.problemsJoin')),
      });
    case 'badge_class_not_found':
    case 'badge_class_archived':
      return t('awarding.csv.result.badgeGone');
    case 'expires_before_issue':
      return t('error.expires_before_issue');
    case 'idempotency_key_reused':
      return t('awarding.csv.result.keyReused');
    case 'duplicate_skipped':
      return t('programme.csv.heldSkipped');
    case 'duplicate_award':
      return t('programme.csv.result.duplicate');
    case 'not_eligible':
    case 'held_elsewhere':
      return t('programme.csv.result.general');
    case 'structure_closed':
      return t('structures.csv.result.closed');
    default:
      return t('awarding.csv.result.refused');
  }
}

/** Column names as the template writes them, translated back for the "missing columns" message. */
const columnList = (t: Translate, fields: string) =>
  fields
    .split(', ')
    .map((f) => `« ${t(`awarding.csv.column.${f}` as MessageKey)} »`)
    .join(', ');

const importParams = z.object({ importId: pathId });
const rowParams = z.object({ importId: pathId, line: lineNumber });
const pageQuery = query({ page: pageNumber });

/** A CSV file of awards: its template, upload, preview and corrections, progress, result and result file. */
export async function awardImportRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const advisor = { onRequest: requireRole('advisor') };
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
      const tooLarge = new ImportFileError('too_large', { maxMb: MAX_IMPORT_BYTES / 1024 / 1024 });
      return renderUpload(request, reply.code(413), { errors: refusalErrors(translate(request), tooLarge, { fallback: 'file' }) });
    }
    throw error;
  });

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
    // No file chosen is told apart from an empty file (« Ce fichier est vide », from the reader).
    if (!isChosenFile(file)) errors.file = t('awarding.csv.file.missing');
    const message = body.message === undefined ? { success: true as const, data: '' } : personalMessage.safeParse(body.message);
    if (!message.success) errors.message = fieldErrors(message.error, t, { message: body.message }).message ?? t('form.invalid');
    else if (body.message !== undefined && typeof body.message !== 'string') errors.message = t('form.invalid');
    if (Object.keys(errors).length || !isChosenFile(file) || !message.success)
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
      // The missing columns, named as the template (in the reader's language) names them.
      const params: Record<string, string> =
        error.code === 'missing_columns' ? { columns: columnList(t, String(error.params.columns)) } : {};
      return renderUpload(request, reply.code(error.status), { errors: refusalErrors(t, error, { fallback: 'file', params }), values });
    }
  });

  /** One address per import: its preview, its progress, then its result. */
  const importPageQuery = query({ page: pageNumber, auto: z.string().optional().catch(undefined) });

  app.get(
    '/espace/delivrer/csv/:importId',
    { ...advisor, schema: { params: importParams, querystring: importPageQuery } },
    async (request, reply) => {
      const t = translate(request);
      const structureId = currentStructureId(request);
      const id = request.params.importId;
      const summary = await services.awardImports.summary(structureId, id);
      if (summary.status === 'queued' || summary.status === 'running') {
        // Reloads itself every two seconds (an HTTP header rather than a <meta>,
        // so that the page can offer to stop it: WCAG 2.2.1).
        const auto = request.query.auto !== '0';
        if (auto) reply.header('refresh', '2');
        return reply.view('pages/workspace/awarding/csv-progress.eta', {
          title: t('awarding.csv.progress.title'),
          record: summary,
          done: summary.awarded + summary.failed,
          auto,
        });
      }
      const record = await services.awardImports.get(structureId, id);
      if (record.status === 'done' || record.status === 'cancelled') return renderResult(request, reply, record, request.query.page);
      return renderPreview(request, reply, record, request.query.page);
    },
  );

  async function renderPreview(
    request: FastifyRequest,
    reply: FastifyReply,
    record: AwardImportRecord,
    pageNo: number,
    notice: MessageKey | null = null,
  ) {
    const t = translate(request);
    const page = services.awardImports.previewPage(record, pageNo);
    const [sameFile, names] = await Promise.all([services.awardImports.sameFileSent(record), services.awardImports.badgeNames(record)]);
    return reply.view('pages/workspace/awarding/csv-preview.eta', {
      title: t('awarding.csv.preview.title'),
      record: summaryOf(record),
      counts: countRows(record.rows),
      page,
      sameFile,
      notice,
      fields: IMPORT_FIELDS,
      problem: (code: string) => problemText(t, code),
      badgeName: (row: AwardImportRow) => names.get(row.line) ?? row.values.badge ?? '',
    });
  }

  async function renderResult(request: FastifyRequest, reply: FastifyReply, record: AwardImportRecord, pageNo: number) {
    const t = translate(request);
    const page = services.awardImports.resultPage(record, pageNo);
    const names = await services.awardImports.badgeNames(record);
    const outcomes = { awarded: 0, replayed: 0, failed: 0 };
    for (const r of record.rows) outcomes[rowOutcome(r)]++;
    return reply.view('pages/workspace/awarding/csv-result.eta', {
      title: t('awarding.csv.result.title'),
      record: summaryOf(record),
      outcomes,
      page,
      outcome: rowOutcome,
      reason: (row: AwardImportRow) => failureText(t, row),
      badgeName: (row: AwardImportRow) => names.get(row.line) ?? row.values.badge ?? '',
    });
  }

  app.get('/espace/delivrer/csv/:importId/resultat.csv', { ...advisor, schema: { params: importParams } }, async (request, reply) => {
    const t = translate(request);
    const structureId = currentStructureId(request);
    const record = await services.awardImports.get(structureId, request.params.importId);
    if (record.status !== 'done') throw notFound();
    const names = await services.awardImports.badgeNames(record);
    const csv = services.awardImports.resultCsv(record, {
      header: [
        t('awarding.csv.column.line'),
        ...IMPORT_FIELDS.map((f) => t(`awarding.csv.column.${f}` as MessageKey)),
        t('awarding.csv.column.outcome'),
        t('awarding.csv.column.reason'),
        t('awarding.csv.column.url'),
      ],
      badge: (row) => names.get(row.line) ?? row.values.badge ?? '',
      outcome: (row) => t(`awarding.csv.outcome.${rowOutcome(row)}` as MessageKey),
      reason: (row) => failureText(t, row),
      url: (assertionId) => services.urls.assertion(assertionId),
    });
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${t('awarding.csv.result.fileName')}"`)
      .send(csv);
  });

  app.post('/espace/delivrer/csv/:importId/confirmer', { ...advisor, schema: { params: importParams } }, async (request, reply) => {
    const structureId = currentStructureId(request);
    const id = request.params.importId;
    const record = await services.awardImports.get(structureId, id);
    if (record.status === 'preview' && countRows(record.rows).valid === 0) {
      return renderPreview(request, reply.code(422), record, 1, 'awarding.csv.preview.nothingToAward');
    }
    // Rows of a badge already held, valid, from this structure: awarded again or not, as the advisor chose explicitly.
    const choice = formBody(request.body).duplicates;
    const duplicates = choice === 'award' || choice === 'skip' ? choice : undefined;
    if (record.status === 'preview' && countRows(record.rows).held > 0 && !duplicates) {
      return renderPreview(request, reply.code(422), record, 1, 'programme.csv.heldRequired');
    }
    // A second confirmation (double click, reload) changes nothing and lands on the same page.
    await services.awardImports.confirm(structureId, id, actorOf(request), duplicates);
    return reply.redirect(`/espace/delivrer/csv/${id}`, 303);
  });

  for (const [action, apply] of [
    ['retirer', 'drop'],
    ['retablir', 'restore'],
  ] as const) {
    app.post(
      `/espace/delivrer/csv/:importId/lignes/:line/${action}`,
      { ...advisor, schema: { params: rowParams, querystring: pageQuery } },
      async (request, reply) => {
        const structureId = currentStructureId(request);
        const { importId: id, line } = request.params;
        const record = await services.awardImports.summary(structureId, id);
        if (record.status !== 'preview') return reply.redirect(`/espace/delivrer/csv/${id}`, 303);
        if (apply === 'drop') await services.awardImports.dropRow(structureId, id, line, actorOf(request));
        else await services.awardImports.restoreRow(structureId, id, line, actorOf(request));
        const page = request.query.page;
        return reply.redirect(`/espace/delivrer/csv/${id}${page > 1 ? `?page=${page}` : ''}#ligne-${line}`, 303);
      },
    );
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
      IMPORT_FIELDS.map((f) => [f, `awarding.csv.label.${f}` as MessageKey]),
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

  async function findRow(request: FastifyRequest, { importId, line }: z.infer<typeof rowParams>) {
    const structureId = currentStructureId(request);
    const record = await services.awardImports.get(structureId, importId);
    const row = record.rows.find((r) => r.line === line);
    if (!row) throw notFound();
    return { record, row, structureId };
  }

  app.get('/espace/delivrer/csv/:importId/lignes/:line', { ...advisor, schema: { params: rowParams } }, async (request, reply) => {
    const { record, row } = await findRow(request, request.params);
    if (record.status !== 'preview') return reply.redirect(`/espace/delivrer/csv/${record.id}`, 303);
    const t = translate(request);
    const errors: FieldErrors = {};
    for (const e of row.errors) errors[e.column] ??= problemText(t, e.message);
    return renderCorrection(request, reply, summaryOf(record), row, { errors });
  });

  app.post('/espace/delivrer/csv/:importId/lignes/:line', { ...advisor, schema: { params: rowParams } }, async (request, reply) => {
    const t = translate(request);
    const { record, row, structureId } = await findRow(request, request.params);
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
