import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Locale, MessageKey } from '../../../../i18n/index.ts';
import { spreadsheetCsvStream } from '../../../../services/csv-writer.ts';
import { DomainError } from '../../../../services/errors.ts';
import type { AuditQuery } from '../../../../services/following.ts';
import type { Services } from '../../../../services/index.ts';
import { auditSentence, kindLabel } from '../../../audit-sentences.ts';
import { type FieldErrors, fieldErrors, formPage, textValue } from '../../../forms.ts';
import { localeOf, translate } from '../../../locale.ts';
import { currentStructureId, requirePlatformAdmin, requireRole } from '../../../plugins/session.ts';
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

/**
 * The audit trail in sentences, filtered, on pages and as a CSV file: a
 * structure's, for its administrators; the whole region's (every structure's
 * and the platform's own events), for the Région.
 */
export async function followingAuditRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  const trails = [
    { path: '/espace/journal', guard: requireRole('admin'), region: false, file: 'journal' },
    { path: '/espace/plateforme/journal', guard: requirePlatformAdmin, region: true, file: 'journal-region' },
  ] as const;

  for (const trail of trails) {
    const options = { onRequest: trail.guard, schema: { querystring: query({}) } };
    const scope = (request: FastifyRequest) => (trail.region ? null : currentStructureId(request));
    const sentenceOptions = { links: !trail.region };

    app.get(trail.path, options, async (request, reply) => {
      const t = translate(request);
      const locale = localeOf(request);
      const structureId = scope(request);
      const raw = Object.fromEntries(AUDIT_FILTER_FIELDS.map((f) => [f, textValue(request.query, f, 200)]));
      const choices = await services.following.auditChoices(structureId);
      const title = trail.region ? t('audit.region.title') : t('audit.title');
      const view = {
        region: trail.region,
        basePath: trail.path,
        dateTime: (d: Date) => dateTimeFormats[locale].format(d),
        people: choices.people,
        actions: choices.actions.map((a) => ({ value: a, label: kindLabel(a, t) })).sort((x, y) => x.label.localeCompare(y.label, locale)),
      };
      const parsed = parseFilters(request.query);
      if (!parsed.success) {
        const errors: FieldErrors = fieldErrors(parsed.error, t, request.query);
        if (errors.au && parsed.error.issues.some((i) => i.message === 'range')) errors.au = t('audit.filter.rangeError');
        return reply.code(400).view('pages/workspace/following/audit.eta', {
          ...formPage(t, title, errors, FILTER_LABELS),
          ...view,
          filters: raw,
          trail: null,
        });
      }
      const f = parsed.data;
      const kept = { par: f.par, action: f.action, du: f.du, au: f.au };
      const found = await services.following.auditTrail({ structureId, ...filterOf(f), page: f.page ?? 1 });
      return reply.view('pages/workspace/following/audit.eta', {
        title,
        errors: {},
        summary: [],
        ...view,
        filters: { ...raw, ...kept },
        filtered: Object.values(kept).some((v) => v !== undefined),
        trail: {
          lines: found.rows.map((row) => auditSentence(row, found.references, t, locale, sentenceOptions)),
          total: found.total,
          page: found.page,
          pages: found.pages,
        },
        csv: `${trail.path}.csv${filterQuery(kept)}`,
        previous: found.page > 1 ? `${trail.path}${filterQuery(kept, found.page - 1)}` : null,
        next: found.page < found.pages ? `${trail.path}${filterQuery(kept, found.page + 1)}` : null,
      });
    });

    app.get(`${trail.path}.csv`, options, async (request, reply) => {
      const t = translate(request);
      const locale = localeOf(request);
      const parsed = parseFilters(request.query);
      if (!parsed.success) throw new DomainError('validation_failed', 400);
      const batches = services.following.auditExport({ structureId: scope(request), ...filterOf(parsed.data) });
      async function* records() {
        for await (const batch of batches) {
          yield batch.rows.map((row) => {
            const sentence = auditSentence(row, batch.references, t, locale, sentenceOptions);
            const cells = [spreadsheetDateTime.format(row.at), sentence.actor, sentence.kind, sentence.text];
            return trail.region ? [cells[0]!, sentence.structure ?? t('audit.region.platform'), ...cells.slice(1)] : cells;
          });
        }
      }
      const header = [t('audit.col.date'), t('audit.col.actor'), t('audit.col.kind'), t('audit.col.event')];
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${trail.file}.csv"`)
        .send(
          Readable.from(
            spreadsheetCsvStream(trail.region ? [header[0]!, t('audit.col.structure'), ...header.slice(1)] : header, records()),
          ),
        );
    });
  }
}

function filterOf(f: { par?: string; action?: string; du?: string; au?: string }): Omit<AuditQuery, 'structureId'> {
  return { actor: f.par, action: f.action, from: f.du, to: f.au };
}
