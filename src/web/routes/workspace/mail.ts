import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { OUTBOX_STATUSES, type OutboxStatus } from '../../../services/mail/service.ts';
import type { MessageKey } from '../../../i18n/index.ts';
import { DomainError } from '../../../services/errors.ts';
import type { Services } from '../../../services/index.ts';
import { email, handOverReason } from '../../../services/inputs.ts';
import { type FieldErrors, fieldErrors, formBody, formPage, textValue } from '../../forms.ts';
import { translate } from '../../locale.ts';
import { firstSubmission } from '../../once.ts';
import { actorOf, currentStructureId, requirePlatformAdmin, requireRole } from '../../plugins/session.ts';
import { refusalText } from '../../refusals.ts';
import { doneNotice, idParams, pageNumber, query } from '../../schemas.ts';

const PER_PAGE = 50;
const ADDRESS_FIELDS: [string, MessageKey][] = [['email', 'mail.address.field']];
const addressInput = z.object({ email });
const REASON_FIELDS: [string, MessageKey][] = [['reason', 'mail.reveal.reason']];
const revealInput = z.object({ reason: handOverReason });

/** A list of emails: `etat` (one status, `problemes`, or everything) and the page. */
const outboxQuery = query({ etat: z.string().max(20).optional().catch(undefined), page: pageNumber });
/** One email: `fait` says it was put back in the queue. */
const messageQuery = query({ fait: doneNotice });

/** `etat` of the query: one status, `problemes` (failed and held), or everything. */
function statusFilter(value: string | undefined, allowed: readonly OutboxStatus[]): { key: string; statuses?: OutboxStatus[] } {
  if (value === 'problemes') return { key: 'problemes', statuses: ['failed', 'held'] };
  if (typeof value === 'string' && (allowed as string[]).includes(value)) return { key: value, statuses: [value as OutboxStatus] };
  return { key: '' };
}

function pagerLinks(base: string, key: string, page: number, pages: number) {
  const href = (p: number) => {
    const params = new URLSearchParams();
    if (key) params.set('etat', key);
    if (p > 1) params.set('page', String(p));
    const query = params.toString();
    return query ? `${base}?${query}` : base;
  };
  return { previous: page > 1 ? href(page - 1) : null, next: page < pages ? href(page + 1) : null };
}

/** The outbox as the structure and the platform administrator see it: failures, corrections, re-sends. */
export async function mailRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const member = { onRequest: requireRole('advisor') };
  const platformAdmin = { onRequest: requirePlatformAdmin };
  const oneAward = { ...member, schema: { params: idParams } };
  const oneMessage = { ...platformAdmin, schema: { params: idParams, querystring: messageQuery } };

  // The structure's outbox: what became of the emails its awards sent.
  app.get('/espace/courriels', { ...member, schema: { querystring: outboxQuery } }, async (request, reply) => {
    const t = translate(request);
    const structureId = currentStructureId(request);
    const filter = statusFilter(request.query.etat, OUTBOX_STATUSES);
    const page = request.query.page;
    const result = await services.mail.outbox({ structureId, statuses: filter.statuses, page, perPage: PER_PAGE });
    const pages = Math.max(1, Math.ceil(result.total / PER_PAGE));
    return reply.view('pages/workspace/mail/outbox.eta', {
      title: t('mail.outbox.title'),
      result: { ...result, page, pages },
      filter: filter.key,
      statuses: OUTBOX_STATUSES,
      configured: services.mail.configured,
      links: pagerLinks('/espace/courriels', filter.key, page, pages),
    });
  });

  app.post('/espace/delivres/:id/renvoyer', oneAward, async (request, reply) => {
    const id = request.params.id;
    // The same form sent twice sends one email: the repeat goes where the first went.
    if (await firstSubmission(services, request))
      await services.awarding.resendAwardMail(currentStructureId(request), id, actorOf(request));
    return reply.redirect(`/espace/delivres/${id}?courriel=renvoye`, 303);
  });

  async function renderAddress(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    form: { value?: string; errors?: FieldErrors; refusal?: string | null; status?: number } = {},
  ) {
    const t = translate(request);
    const { assertion, badgeName, refusal } = await services.awarding.addressCorrection(currentStructureId(request), id);
    const shownRefusal = form.refusal ?? refusal;
    return reply.code(form.status ?? (refusal ? 409 : 200)).view('pages/workspace/mail/address.eta', {
      ...formPage(t, t('mail.address.title'), form.errors, ADDRESS_FIELDS),
      assertion,
      badgeName,
      refusal: shownRefusal ? t(`mail.address.refused.${shownRefusal}` as MessageKey) : null,
      // A refusal that holds whatever is typed (delivered, revoked) hides the form.
      formShown: !refusal || refusal === 'sending_now',
      value: form.value ?? '',
    });
  }

  app.get('/espace/delivres/:id/adresse', oneAward, (request, reply) => renderAddress(request, reply, request.params.id));

  app.post('/espace/delivres/:id/adresse', oneAward, async (request, reply) => {
    const id = request.params.id;
    const body = formBody(request.body);
    const parsed = addressInput.safeParse({ email: body.email });
    if (!parsed.success) {
      return renderAddress(request, reply, id, {
        value: textValue(body, 'email', 320),
        errors: fieldErrors(parsed.error, translate(request), body),
        status: 400,
      });
    }
    const outcome = await services.awarding.correctRecipientEmail(currentStructureId(request), id, parsed.data.email, actorOf(request));
    if (outcome.refusal) {
      return renderAddress(request, reply, id, { value: parsed.data.email, refusal: outcome.refusal, status: 409 });
    }
    return reply.redirect(`/espace/delivres/${id}?courriel=adresse-corrigee`, 303);
  });

  // The Région: what is held or failed anywhere on the platform.
  app.get('/espace/plateforme/courriels', { ...platformAdmin, schema: { querystring: outboxQuery } }, async (request, reply) => {
    const t = translate(request);
    const filter = statusFilter(request.query.etat, ['failed', 'held']);
    const statuses = filter.statuses ?? (['failed', 'held'] as OutboxStatus[]);
    const page = request.query.page;
    const result = await services.mail.outbox({ structureId: null, statuses, page, perPage: PER_PAGE, hideResolved: true });
    const pages = Math.max(1, Math.ceil(result.total / PER_PAGE));
    return reply.view('pages/workspace/mail/platform.eta', {
      title: t('mail.platform.title'),
      result: { ...result, page, pages },
      filter: filter.key === 'problemes' ? '' : filter.key,
      configured: services.mail.configured,
      links: pagerLinks('/espace/plateforme/courriels', filter.key, page, pages),
    });
  });

  async function renderMessage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    form: { revealed?: string; reason?: string; errors?: FieldErrors; refusal?: DomainError<string>; status?: number } = {},
  ) {
    const t = translate(request);
    const message = await services.mail.message(id);
    const query = request.query as z.infer<typeof messageQuery>;
    // The email's HTML is shown only inside a sandboxed frame (no script, no
    // form, no same-origin): its inline styles are allowed there, nothing else.
    reply.header(
      'content-security-policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'none'; frame-ancestors 'none'; form-action 'self'",
    );
    // A page with revealed links is the Région's alone, for now: kept by no cache.
    if (form.revealed !== undefined) reply.header('cache-control', 'no-store');
    return reply.code(form.status ?? 200).view('pages/workspace/mail/message.eta', {
      ...formPage(t, t('mail.message.title', { to: message.toAddress }), form.errors, REASON_FIELDS),
      message,
      configured: services.mail.configured,
      requeued: query.fait === '1',
      revealRefusal: services.mail.revealRefusal(message, request.auth!.user),
      revealed: form.revealed ?? null,
      reason: form.reason ?? '',
      refusal: form.refusal ? refusalText(t, form.refusal) : null,
    });
  }

  app.get('/espace/plateforme/courriels/:id', oneMessage, (request, reply) => renderMessage(request, reply, request.params.id));

  // No SMTP: the Région hands a held message on itself, through this one
  // recorded action; the page otherwise never shows a live link.
  app.post('/espace/plateforme/courriels/:id/reveler', oneMessage, async (request, reply) => {
    const id = request.params.id;
    const body = formBody(request.body);
    const parsed = revealInput.safeParse({ reason: body.reason });
    if (!parsed.success) {
      return renderMessage(request, reply, id, {
        reason: textValue(body, 'reason', 500),
        errors: fieldErrors(parsed.error, translate(request), body),
        status: 400,
      });
    }
    try {
      const { textBody } = await services.mail.revealLinks(
        id,
        { userId: request.auth!.user.id, email: request.auth!.user.email },
        parsed.data.reason,
      );
      return await renderMessage(request, reply, id, { revealed: textBody });
    } catch (error) {
      if (error instanceof DomainError && (error.code === 'reveal_password_reset' || error.code === 'reveal_not_needed')) {
        return renderMessage(request, reply, id, { reason: parsed.data.reason, refusal: error, status: error.status });
      }
      throw error;
    }
  });

  app.post('/espace/plateforme/courriels/:id/renvoyer', oneMessage, async (request, reply) => {
    const id = request.params.id;
    await services.mail.message(id);
    if (services.mail.configured && (await services.mail.requeue(id, actorOf(request)))) {
      services.mailSignal.notify();
      return reply.redirect(`/espace/plateforme/courriels/${id}?fait=1`, 303);
    }
    return reply.redirect(`/espace/plateforme/courriels/${id}`, 303);
  });
}
