import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Locale, MessageKey } from '../../../../i18n/index.ts';
import { spreadsheetCsvStream } from '../../../../services/csv-writer.ts';
import { DomainError } from '../../../../services/errors.ts';
import type { AuditQuery } from '../../../../services/following.ts';
import type { Services } from '../../../../services/index.ts';
import { auditSentence, kindLabel } from '../../../audit-sentences.ts';
import { type FieldErrors, fieldErrors, formPage, textValue } from '../../../forms.ts';
import { localeOf, translate } from '../../../locale.ts';
import { currentStructureId, requireRole } from '../../../plugins/session.ts';
import { query } from '../../../schemas.ts';
import { AUDIT_FILTER_FIELDS, auditFiltersInput, filterQuery } from './inputs.ts';

const FILTER_LABELS: [string, MessageKey][] = [
  ['par', 'audit.filter.person'],
  ['action', 'audit.filter.kind'],
  ['du', 'audit.filter.from'],
  ['au', 'audit.filter.to'],
  ['page', 'audit.filter.page'],
];

const TIME_ZONE = 'Europe/Paris';
const dateTimeFormats: Record<Locale, Intl.DateTimeFormat> = {
  fr: new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: TIME_ZONE }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: TIME_ZONE }),
};
/** A date and time as a spreadsheet reads it, in Normandy: 2026-06-15 12:00. */
const spreadsheetDateTime = new Intl.DateTimeFormat('sv-SE', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/** The query string's filters, checked one by one: a wrong one is named on the page, the list is not widened. */
function parseFilters(query: Record<string, unknown>) {
  return auditFiltersInput.safeParse({ ...Object.fromEntries(AUDIT_FILTER_FIELDS.map((f) => [f, query[f]])), page: query.page });
}

/** The structure's audit trail, for its administrators: in sentences, filtered, on pages, and as a CSV file. */
export async function followingAuditRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const admin = { onRequest: requireRole('admin'), schema: { querystring: query({}) } };

  app.get('/espace/journal', admin, async (request, reply) => {
    const t = translate(request);
    const locale = localeOf(request);
    const structureId = currentStructureId(request);
    const raw = Object.fromEntries(AUDIT_FILTER_FIELDS.map((f) => [f, textValue(request.query, f, 200)]));
    const choices = await services.following.auditChoices(structureId);
    const view = {
      dateTime: (d: Date) => dateTimeFormats[locale].format(d),
      people: choices.people,
      actions: choices.actions.map((a) => ({ value: a, label: kindLabel(a, t) })).sort((x, y) => x.label.localeCompare(y.label, locale)),
    };
    const parsed = parseFilters(request.query);
    if (!parsed.success) {
      const errors: FieldErrors = fieldErrors(parsed.error, t, request.query);
      if (errors.au && parsed.error.issues.some((i) => i.message === 'range')) errors.au = t('audit.filter.rangeError');
      return reply.code(400).view('pages/workspace/following/audit.eta', {
        ...formPage(t, t('audit.title'), errors, FILTER_LABELS),
        ...view,
        filters: raw,
        trail: null,
      });
    }
    const f = parsed.data;
    const kept = { par: f.par, action: f.action, du: f.du, au: f.au };
    const trail = await services.following.auditTrail({ structureId, ...filterOf(f), page: f.page ?? 1 });
    return reply.view('pages/workspace/following/audit.eta', {
      title: t('audit.title'),
      errors: {},
      summary: [],
      ...view,
      filters: { ...raw, ...kept },
      filtered: Object.values(kept).some((v) => v !== undefined),
      trail: {
        lines: trail.rows.map((row) => auditSentence(row, trail.references, t, locale)),
        total: trail.total,
        page: trail.page,
        pages: trail.pages,
      },
      csv: `/espace/journal.csv${filterQuery(kept)}`,
      previous: trail.page > 1 ? `/espace/journal${filterQuery(kept, trail.page - 1)}` : null,
      next: trail.page < trail.pages ? `/espace/journal${filterQuery(kept, trail.page + 1)}` : null,
    });
  });

  app.get('/espace/journal.csv', admin, async (request, reply) => {
    const t = translate(request);
    const locale = localeOf(request);
    const parsed = parseFilters(request.query);
    if (!parsed.success) throw new DomainError('validation_failed', 400);
    const structureId = currentStructureId(request);
    const batches = services.following.auditExport({ structureId, ...filterOf(parsed.data) });
    async function* records() {
      for await (const batch of batches) {
        yield batch.rows.map((row) => {
          const sentence = auditSentence(row, batch.references, t, locale);
          return [spreadsheetDateTime.format(row.at), sentence.actor, sentence.kind, sentence.text];
        });
      }
    }
    const header = [t('audit.col.date'), t('audit.col.actor'), t('audit.col.kind'), t('audit.col.event')];
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="journal.csv"')
      .send(Readable.from(spreadsheetCsvStream(header, records())));
  });
}

function filterOf(f: { par?: string; action?: string; du?: string; au?: string }): Omit<AuditQuery, 'structureId'> {
  return { actor: f.par, action: f.action, from: f.du, to: f.au };
}
