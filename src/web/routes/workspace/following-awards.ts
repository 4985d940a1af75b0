import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MessageKey } from '../../../i18n/index.ts';
import { DomainError } from '../../../services/errors.ts';
import type { Services } from '../../../services/index.ts';
import { errorSummary, type FieldErrors, fieldErrors, formBody, textValue } from '../../forms.ts';
import { isUuid } from '../../../services/ids.ts';
import { translate } from '../../locale.ts';
import { currentStructureId, requireRole } from '../../plugins/session.ts';
import { AWARD_FILTER_FIELDS, awardFiltersInput, filterQuery, revocationInput } from './following-inputs.ts';

const FILTER_LABELS: [string, MessageKey][] = [
  ['q', 'following.awards.search'],
  ['badge', 'following.awards.badge'],
  ['par', 'following.awards.advisor'],
  ['etat', 'following.awards.status'],
  ['du', 'following.awards.from'],
  ['au', 'following.awards.to'],
  ['page', 'following.awards.page'],
];

const assertionId = (request: FastifyRequest): string => {
  const id = (request.params as { id?: string }).id ?? '';
  // Not even a uuid: nothing of ours is there.
  if (!isUuid(id)) throw new DomainError('assertion_not_found', 404);
  return id.toLowerCase();
};

/** The awarded badges of the current structure: the list, each one's detail, its revocation. */
export async function followingAwardRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const member = { onRequest: requireRole('advisor') };

  app.get('/espace/delivres', member, async (request, reply) => {
    const t = translate(request);
    const structureId = currentStructureId(request);
    const query = (request.query ?? {}) as Record<string, unknown>;
    const raw = Object.fromEntries(AWARD_FILTER_FIELDS.map((f) => [f, textValue(query, f, 200)]));
    const parsed = awardFiltersInput.safeParse({ ...Object.fromEntries(AWARD_FILTER_FIELDS.map((f) => [f, query[f]])), page: query.page });
    const choices = await services.following.awardFilterChoices(structureId);
    if (!parsed.success) {
      const errors: FieldErrors = fieldErrors(parsed.error, t, query);
      if (errors.au && parsed.error.issues.some((i) => i.message === 'range')) errors.au = t('following.awards.rangeError');
      const summary = errorSummary(errors, FILTER_LABELS, t);
      return reply.code(400).view('pages/workspace/following/awards.eta', {
        title: t('form.errorTitle', { title: t('following.awards.title') }),
        filters: raw,
        errors,
        summary,
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

  app.get('/espace/delivres/:id', member, async (request, reply) => {
    const t = translate(request);
    const award = await services.following.award(currentStructureId(request), assertionId(request));
    const query = (request.query ?? {}) as Record<string, unknown>;
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
  app.get('/espace/delivres/:id/assertion.json', member, async (request, reply) => {
    const id = assertionId(request);
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
    const errors = form.errors ?? {};
    const summary = errorSummary(errors, [['reason', 'following.revoke.reason']], t);
    const title = t('following.revoke.title');
    return reply.view('pages/workspace/following/revoke.eta', {
      title: summary.length ? t('form.errorTitle', { title }) : title,
      award,
      reason: form.reason ?? '',
      errors,
      summary,
    });
  }

  app.get('/espace/delivres/:id/revoquer', member, async (request, reply) => {
    const award = await services.following.award(currentStructureId(request), assertionId(request));
    if (award.status === 'revoked') return reply.redirect(`/espace/delivres/${award.id}`, 303);
    return renderRevoke(request, reply, award);
  });

  app.post('/espace/delivres/:id/revoquer', member, async (request, reply) => {
    const t = translate(request);
    const structureId = currentStructureId(request);
    const award = await services.following.award(structureId, assertionId(request));
    const body = formBody(request.body);
    const parsed = revocationInput.safeParse({ reason: body.reason });
    if (!parsed.success) {
      return renderRevoke(request, reply.code(422), award, {
        reason: textValue(body, 'reason', 600),
        errors: fieldErrors(parsed.error, t, body),
      });
    }
    try {
      await services.awarding.revoke(structureId, award.id, parsed.data.reason, { kind: 'user', userId: request.auth!.user.id });
    } catch (error) {
      // Revoked meanwhile (another tab, a colleague): the detail says so.
      if (!(error instanceof DomainError && error.code === 'already_revoked')) throw error;
    }
    return reply.redirect(`/espace/delivres/${award.id}?revoque=1`, 303);
  });
}
