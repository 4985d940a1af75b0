import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MessageKey } from '../../../../i18n/index.ts';
import { spreadsheetCsvStream } from '../../../../services/csv-writer.ts';
import { DomainError } from '../../../../services/errors.ts';
import type { Services } from '../../../../services/index.ts';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type FieldErrors, fieldErrors, formBody, formPage, textValue } from '../../../forms.ts';
import { translate } from '../../../locale.ts';
import { actorOf, currentStructureId, requireRole } from '../../../plugins/session.ts';
import { idParams, query } from '../../../schemas.ts';
import { AWARD_FILTER_FIELDS, awardFiltersInput, filterQuery, revocationInput } from './inputs.ts';

const FILTER_LABELS: [string, MessageKey][] = [
  ['q', 'following.awards.search'],
  ['badge', 'following.awards.badge'],
  ['par', 'following.awards.advisor'],
  ['etat', 'following.awards.status'],
  ['du', 'following.awards.from'],
  ['au', 'following.awards.to'],
  ['page', 'following.awards.page'],
];

/** A day as a spreadsheet reads it (2026-06-15), in Normandy; '' for none. */
const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });
const spreadsheetDay = (date: Date | null) => (date ? dayFormat.format(date) : '');

/** The detail says what was just done (a revocation here, a re-send or an address correction in mail.ts). */
const awardQuery = query({ revoque: z.string().optional().catch(undefined), courriel: z.string().optional().catch(undefined) });

/** The awarded badges of the current structure: the list, each one's detail, its revocation. */
export async function followingAwardRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const member = { onRequest: requireRole('advisor') };
  const oneAward = { ...member, schema: { params: idParams } };

  // The filters are checked here, not by the route's schema: a wrong one is named on the page (inputs.ts).
  app.get('/espace/delivres', { ...member, schema: { querystring: query({}) } }, async (request, reply) => {
    const t = translate(request);
    const structureId = currentStructureId(request);
    const query = request.query;
    const raw = Object.fromEntries(AWARD_FILTER_FIELDS.map((f) => [f, textValue(query, f, 200)]));
    const parsed = awardFiltersInput.safeParse({ ...Object.fromEntries(AWARD_FILTER_FIELDS.map((f) => [f, query[f]])), page: query.page });
    const choices = await services.following.awardFilterChoices(structureId);
    if (!parsed.success) {
      const errors: FieldErrors = fieldErrors(parsed.error, t, query);
      if (errors.au && parsed.error.issues.some((i) => i.message === 'range')) errors.au = t('following.awards.rangeError');
      return reply.code(400).view('pages/workspace/following/awards.eta', {
        ...formPage(t, t('following.awards.title'), errors, FILTER_LABELS),
        filters: raw,
        choices,
        result: null,
        links: null,
      });
    }
    const f = parsed.data;
    const result = await services.following.awards({
      structureId,
      search: f.q,
      badgeClassId: f.badge,
      awardedBy: f.par,
      status: f.etat,
      from: f.du,
      to: f.au,
      page: f.page ?? 1,
    });
    const kept = { q: f.q, badge: f.badge, par: f.par, etat: f.etat, du: f.du, au: f.au };
    return reply.view('pages/workspace/following/awards.eta', {
      csv: `/espace/delivres.csv${filterQuery(kept)}`,
      title: t('following.awards.title'),
      filters: { ...raw, ...kept },
      errors: {},
      summary: [],
      choices,
      result,
      filtered: Object.values(kept).some((v) => v !== undefined),
      links: {
        self: filterQuery(kept, result.page),
        previous: result.page > 1 ? `/espace/delivres${filterQuery(kept, result.page - 1)}` : null,
        next: result.page < result.pages ? `/espace/delivres${filterQuery(kept, result.page + 1)}` : null,
        first: result.page > 2 ? `/espace/delivres${filterQuery(kept)}` : null,
        last: result.page < result.pages - 1 ? `/espace/delivres${filterQuery(kept, result.pages)}` : null,
      },
    });
  });

  // The list as a file, with the same filters, on every page: read and written a batch at a time.
  app.get('/espace/delivres.csv', { ...member, schema: { querystring: query({}) } }, async (request, reply) => {
    const t = translate(request);
    const q = request.query;
    const parsed = awardFiltersInput.safeParse({ ...Object.fromEntries(AWARD_FILTER_FIELDS.map((f) => [f, q[f]])) });
    if (!parsed.success) throw new DomainError('validation_failed', 400);
    const f = parsed.data;
    const batches = services.following.awardsExport({
      structureId: currentStructureId(request),
      search: f.q,
      badgeClassId: f.badge,
      awardedBy: f.par,
      status: f.etat,
      from: f.du,
      to: f.au,
    });
    async function* records() {
      for await (const batch of batches) {
        yield batch.map((a) => [
          a.erasedAt ? t('awards.col.erased') : a.recipientName,
          a.erasedAt ? '' : a.recipientEmail,
          a.badgeClassName,
          a.badgeClassVersion,
          spreadsheetDay(a.issuedOn),
          spreadsheetDay(a.expires),
          a.awardedByTokenId ? t('following.figures.api') : (a.awardedByName ?? ''),
          t(`status.${a.status}`),
          spreadsheetDay(a.revokedAt),
          a.revocationReason ?? '',
          services.urls.assertion(a.id),
        ]);
      }
    }
    const header = [
      t('awards.col.learner'),
      t('awards.col.email'),
      t('awards.col.badge'),
      t('awards.col.version'),
      t('awards.col.issuedOn'),
      t('awards.col.expires'),
      t('awards.col.by'),
      t('awards.col.status'),
      t('awards.col.revokedAt'),
      t('awards.col.reason'),
      t('awards.col.url'),
    ];
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="badges-delivres.csv"')
      .send(Readable.from(spreadsheetCsvStream(header, records())));
  });

  app.get('/espace/delivres/:id', { ...member, schema: { params: idParams, querystring: awardQuery } }, async (request, reply) => {
    const t = translate(request);
    const award = await services.following.award(currentStructureId(request), request.params.id);
    const query = request.query;
    return reply.view('pages/workspace/following/award.eta', {
      title: t('following.award.title', { name: award.recipientName, badge: award.badgeClassName }),
      award,
      // The re-send and the address correction (routes/workspace/mail.ts) come back here to say it is done.
      notice:
        query.revoque === '1' && award.status === 'revoked'
          ? t('following.revoke.done')
          : query.courriel === 'renvoye'
            ? t('mail.resent')
            : query.courriel === 'adresse-corrigee'
              ? t('mail.addressCorrected')
              : null,
    });
  });

  // The hosted assertion as a file: its public URL answers HTML to a browser.
  app.get('/espace/delivres/:id/assertion.json', oneAward, async (request, reply) => {
    const id = request.params.id;
    await services.following.award(currentStructureId(request), id);
    const published = await services.publication.assertion(id);
    return reply
      .header('content-type', 'application/ld+json; charset=utf-8')
      .header('content-disposition', `attachment; filename="badge-${id.slice(0, 8)}.json"`)
      .send(JSON.stringify(published.document, null, 2));
  });

  function renderRevoke(
    request: FastifyRequest,
    reply: FastifyReply,
    award: Awaited<ReturnType<Services['following']['award']>>,
    form: { reason?: string; errors?: FieldErrors } = {},
  ) {
    const t = translate(request);
    return reply.view('pages/workspace/following/revoke.eta', {
      ...formPage(t, t('following.revoke.title'), form.errors, [['reason', 'following.revoke.reason']]),
      award,
      reason: form.reason ?? '',
    });
  }

  app.get('/espace/delivres/:id/revoquer', oneAward, async (request, reply) => {
    const award = await services.following.award(currentStructureId(request), request.params.id);
    if (award.status === 'revoked') return reply.redirect(`/espace/delivres/${award.id}`, 303);
    return renderRevoke(request, reply, award);
  });

  app.post('/espace/delivres/:id/revoquer', oneAward, async (request, reply) => {
    const t = translate(request);
    const structureId = currentStructureId(request);
    const award = await services.following.award(structureId, request.params.id);
    const body = formBody(request.body);
    const parsed = revocationInput.safeParse({ reason: body.reason });
    if (!parsed.success) {
      return renderRevoke(request, reply.code(422), award, {
        reason: textValue(body, 'reason', 600),
        errors: fieldErrors(parsed.error, t, body),
      });
    }
    try {
      await services.awarding.revoke(structureId, award.id, parsed.data.reason, actorOf(request));
    } catch (error) {
      // Revoked meanwhile (another tab, a colleague): the detail says so.
      if (!(error instanceof DomainError && error.code === 'already_revoked')) throw error;
    }
    return reply.redirect(`/espace/delivres/${award.id}?revoque=1`, 303);
  });
}
