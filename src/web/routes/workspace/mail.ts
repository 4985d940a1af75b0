import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { OUTBOX_STATUSES, type OutboxStatus } from '../../../services/mail/service.ts';
import type { MessageKey } from '../../../i18n/index.ts';
import { DomainError } from '../../../services/errors.ts';
import type { Services } from '../../../services/index.ts';
import { isUuid } from '../../../services/ids.ts';
import { email, handOverReason } from '../../../services/inputs.ts';
import { errorSummary, type FieldErrors, fieldErrors, formBody, textValue } from '../../forms.ts';
import { translate } from '../../locale.ts';
import { currentStructureId, requirePlatformAdmin, requireRole } from '../../plugins/session.ts';

const PER_PAGE = 50;
const ADDRESS_FIELDS: [string, MessageKey][] = [['email', 'mail.address.field']];
const addressInput = z.object({ email });
const REASON_FIELDS: [string, MessageKey][] = [['reason', 'mail.reveal.reason']];
const revealInput = z.object({ reason: handOverReason });

/** An id from the URL: not even a uuid means nothing of ours is there. */
function idParam(request: FastifyRequest, code: 'assertion_not_found' | 'not_found'): string {
  const id = (request.params as { id?: string }).id ?? '';
  if (!isUuid(id)) throw new DomainError(code, 404);
  return id.toLowerCase();
}

/** `etat` of the query: one status, `problemes` (failed and held), or everything. */
function statusFilter(value: unknown, allowed: readonly OutboxStatus[]): { key: string; statuses?: OutboxStatus[] } {
  if (value === 'problemes') return { key: 'problemes', statuses: ['failed', 'held'] };
  if (typeof value === 'string' && (allowed as string[]).includes(value)) return { key: value, statuses: [value as OutboxStatus] };
  return { key: '' };
}

function pageOf(value: unknown): number {
  const n = typeof value === 'string' && /^[0-9]{1,6}$/.test(value) ? Number(value) : 1;
  return Math.max(1, n);
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
export async function mailRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const member = { onRequest: requireRole('advisor') };
  const platformAdmin = { onRequest: requirePlatformAdmin };
  const actorOf = (request: FastifyRequest) => ({ kind: 'user' as const, userId: request.auth!.user.id });

  // The structure's outbox: what became of the emails its awards sent.
  app.get('/espace/courriels', member, async (request, reply) => {
    const t = translate(request);
    const structureId = currentStructureId(request);
    const query = (request.query ?? {}) as Record<string, unknown>;
    const filter = statusFilter(query.etat, OUTBOX_STATUSES);
    const page = pageOf(query.page);
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

  app.post('/espace/delivres/:id/renvoyer', member, async (request, reply) => {
    const id = idParam(request, 'assertion_not_found');
    await services.awarding.resendAwardMail(currentStructureId(request), id, actorOf(request));
    return reply.redirect(`/espace/delivres/${id}?courriel=renvoye`, 303);
  });

  async function renderAddress(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { value?: string; errors?: FieldErrors; refusal?: string | null; status?: number } = {},
  ) {
    const t = translate(request);
    const id = idParam(request, 'assertion_not_found');
    const { assertion, badgeName, refusal } = await services.awarding.addressCorrection(currentStructureId(request), id);
    const shownRefusal = form.refusal ?? refusal;
    const errors = form.errors ?? {};
    const summary = errorSummary(errors, ADDRESS_FIELDS, t);
    return reply.code(form.status ?? (refusal ? 409 : 200)).view('pages/workspace/mail/address.eta', {
      title: summary.length ? t('form.errorTitle', { title: t('mail.address.title') }) : t('mail.address.title'),
      assertion,
      badgeName,
      refusal: shownRefusal ? t(`mail.address.refused.${shownRefusal}` as MessageKey) : null,
      // A refusal that holds whatever is typed (delivered, revoked) hides the form.
      formShown: !refusal || refusal === 'sending_now',
      value: form.value ?? '',
      errors,
      summary,
    });
  }

  app.get('/espace/delivres/:id/adresse', member, (request, reply) => renderAddress(request, reply));

  app.post('/espace/delivres/:id/adresse', member, async (request, reply) => {
    const id = idParam(request, 'assertion_not_found');
    const body = formBody(request.body);
    const parsed = addressInput.safeParse({ email: body.email });
    if (!parsed.success) {
      return renderAddress(request, reply, {
        value: textValue(body, 'email', 320),
        errors: fieldErrors(parsed.error, translate(request), body),
        status: 400,
      });
    }
    const outcome = await services.awarding.correctRecipientEmail(currentStructureId(request), id, parsed.data.email, actorOf(request));
    if (outcome.refusal) {
      return renderAddress(request, reply, { value: parsed.data.email, refusal: outcome.refusal, status: 409 });
    }
    return reply.redirect(`/espace/delivres/${id}?courriel=adresse-corrigee`, 303);
  });

  // The Région: what is held or failed anywhere on the platform.
  app.get('/espace/plateforme/courriels', platformAdmin, async (request, reply) => {
    const t = translate(request);
    const query = (request.query ?? {}) as Record<string, unknown>;
    const filter = statusFilter(query.etat, ['failed', 'held']);
    const statuses = filter.statuses ?? (['failed', 'held'] as OutboxStatus[]);
    const page = pageOf(query.page);
    const result = await services.mail.outbox({ structureId: null, statuses, page, perPage: PER_PAGE });
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
    form: { revealed?: string; reason?: string; errors?: FieldErrors; refusal?: string; status?: number } = {},
  ) {
    const t = translate(request);
    const message = await services.mail.message(idParam(request, 'not_found'));
    const query = (request.query ?? {}) as Record<string, unknown>;
    const errors = form.errors ?? {};
    const summary = errorSummary(errors, REASON_FIELDS, t);
    // The email's HTML is shown only inside a sandboxed frame (no script, no
    // form, no same-origin): its inline styles are allowed there, nothing else.
    reply.header(
      'content-security-policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'none'; frame-ancestors 'none'; form-action 'self'",
    );
    // A page with revealed links is the Région's alone, for now: kept by no cache.
    if (form.revealed !== undefined) reply.header('cache-control', 'no-store');
    const title = t('mail.message.title', { to: message.toAddress });
    return reply.code(form.status ?? 200).view('pages/workspace/mail/message.eta', {
      title: summary.length ? t('form.errorTitle', { title }) : title,
      message,
      configured: services.mail.configured,
      requeued: query.fait === '1',
      revealRefusal: services.mail.revealRefusal(message, request.auth!.user),
      revealed: form.revealed ?? null,
      reason: form.reason ?? '',
      refusal: form.refusal ? t(`error.${form.refusal}` as MessageKey) : null,
      errors,
      summary,
    });
  }

  app.get('/espace/plateforme/courriels/:id', platformAdmin, (request, reply) => renderMessage(request, reply));

  // No SMTP: the Région hands a held message on itself, through this one
  // recorded action; the page otherwise never shows a live link.
  app.post('/espace/plateforme/courriels/:id/reveler', platformAdmin, async (request, reply) => {
    const id = idParam(request, 'not_found');
    const body = formBody(request.body);
    const parsed = revealInput.safeParse({ reason: body.reason });
    if (!parsed.success) {
      return renderMessage(request, reply, {
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
      return await renderMessage(request, reply, { revealed: textBody });
    } catch (error) {
      if (error instanceof DomainError && (error.code === 'reveal_password_reset' || error.code === 'reveal_not_needed')) {
        return renderMessage(request, reply, { reason: parsed.data.reason, refusal: error.code, status: error.status });
      }
      throw error;
    }
  });

  app.post('/espace/plateforme/courriels/:id/renvoyer', platformAdmin, async (request, reply) => {
    const id = idParam(request, 'not_found');
    await services.mail.message(id);
    if (services.mail.configured && (await services.mail.requeue(id, actorOf(request)))) {
      services.mailSignal.notify();
      return reply.redirect(`/espace/plateforme/courriels/${id}?fait=1`, 303);
    }
    return reply.redirect(`/espace/plateforme/courriels/${id}`, 303);
  });
}
