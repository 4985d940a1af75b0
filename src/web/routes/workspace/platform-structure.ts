import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MessageKey } from '../../../i18n/index.ts';
import { INVITATION_ID } from '../../../services/account-links.ts';
import { DomainError } from '../../../services/errors.ts';
import type { Services } from '../../../services/index.ts';
import { email as emailInput } from '../../../services/inputs.ts';
import { type FieldErrors, formBody, formPage, textValue } from '../../forms.ts';
import { localeOf, translate } from '../../locale.ts';
import { firstSubmission } from '../../once.ts';
import { actorOf, requirePlatformAdmin } from '../../plugins/session.ts';
import { refusalText } from '../../refusals.ts';
import { doneNotice, pathId, query } from '../../schemas.ts';

const structureParams = z.object({ id: pathId });
/** An invitation's id is the SHA-256 of its link's token, in hexadecimal (services/account-links.ts). */
const invitationParams = z.object({ id: pathId, invitationId: z.string().regex(INVITATION_ID) });
/** After a change: what was done, and to which address (an invitation's). */
const structureQuery = query({ fait: doneNotice, email: z.string().max(320).optional().catch(undefined) });

/** What the page says after a change (Post/Redirect/Get): a code, never free text. */
const NOTICES: Record<string, MessageKey> = {
  invite: 'structures.page.invited',
  renvoi: 'structures.page.resent',
  annulation: 'structures.page.cancelled',
  fermeture: 'structures.page.closedNotice',
  reouverture: 'structures.page.reopenedNotice',
};
const HELD_NOTICES: Record<string, MessageKey> = {
  invite: 'structures.page.invited.held',
  renvoi: 'structures.page.resent.held',
};

const INVITE_FIELDS: [string, MessageKey][] = [['email', 'structures.page.invite.email']];
const CLOSE_FIELDS: [string, MessageKey][] = [['confirm', 'structures.page.close.confirmLabel']];

/**
 * The Région's page of one structure (`/espace/structures/{id}`): its
 * profile, figures, members and pending invitations; inviting another
 * administrator, sending an invitation again or cancelling it (a mistyped
 * address is cancelled and the right one invited); closing and reopening
 * it. Platform administrators only: the structure is the one the URL names,
 * since the Région belongs to none.
 */
export async function platformStructureRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const region = { onRequest: requirePlatformAdmin };

  async function renderStructure(
    request: FastifyRequest,
    reply: FastifyReply,
    structureId: string,
    form: { invite?: { values: Record<string, string>; errors: FieldErrors }; closeErrors?: FieldErrors; problem?: string } = {},
  ) {
    const t = translate(request);
    const structure = await services.structures.get(structureId);
    const [overview, members, invitations] = await Promise.all([
      services.workspace.structureOverview(structureId),
      services.accounts.members(structureId),
      services.accounts.openInvitations(structureId),
    ]);
    const sent = request.query as z.infer<typeof structureQuery>;
    const held = !services.mail.configured && (sent.fait === 'invite' || sent.fait === 'renvoi');
    const noticeKey = sent.fait ? (held ? HELD_NOTICES[sent.fait] : NOTICES[sent.fait]) : undefined;
    const errors = { ...form.invite?.errors, ...form.closeErrors };
    const page = formPage(t, structure.name, errors, [...INVITE_FIELDS, ...CLOSE_FIELDS]);
    return reply.view('pages/workspace/structure-page.eta', {
      ...page,
      structure,
      overview,
      members,
      admins: members.filter((m) => m.role === 'admin').length,
      invitations,
      notice:
        noticeKey && !form.problem && !page.summary.length ? t(noticeKey, { email: sent.email ?? '', structure: structure.name }) : null,
      problem: form.problem ?? null,
      values: form.invite?.values ?? {},
    });
  }

  /** A refusal of this page's forms (a closed structure, an address already a member): said on the page itself. */
  async function refused(request: FastifyRequest, reply: FastifyReply, structureId: string, error: unknown) {
    if (!(error instanceof DomainError) || error.status === 404) throw error;
    return renderStructure(request, reply.code(error.status), structureId, { problem: refusalText(translate(request), error) });
  }

  const back = (id: string, done: string, email?: string) =>
    `/espace/structures/${id}?fait=${done}${email ? `&email=${encodeURIComponent(email)}` : ''}`;

  app.get(
    '/espace/structures/:id',
    { ...region, schema: { params: structureParams, querystring: structureQuery } },
    async (request, reply) => renderStructure(request, reply, request.params.id),
  );

  // « Inviter un autre administrateur »: the Région invites administrators only; they invite their advisors.
  app.post(
    '/espace/structures/:id/invitations',
    { ...region, schema: { params: structureParams, querystring: structureQuery } },
    async (request, reply) => {
      const { id } = request.params;
      const body = formBody(request.body);
      const values = { email: textValue(body, 'email', 320) };
      const parsed = emailInput.safeParse(body.email);
      if (!parsed.success) {
        await services.structures.get(id);
        const t = translate(request);
        const message = typeof body.email === 'string' && body.email.trim() !== '' ? t('form.email') : t('form.required');
        return renderStructure(request, reply.code(422), id, { invite: { values, errors: { email: message } } });
      }
      if (!(await firstSubmission(services, request))) return reply.redirect(`/espace/structures/${id}`, 303);
      try {
        await services.accounts.invite(id, { email: parsed.data, role: 'admin' }, actorOf(request), localeOf(request));
      } catch (error) {
        if (error instanceof DomainError && error.code === 'already_member') {
          return renderStructure(request, reply.code(409), id, {
            invite: { values, errors: { email: translate(request)('accounts.members.alreadyMember') } },
          });
        }
        return refused(request, reply, id, error);
      }
      return reply.redirect(back(id, 'invite', parsed.data.trim().toLowerCase()), 303);
    },
  );

  app.post(
    '/espace/structures/:id/invitations/:invitationId/renvoyer',
    { ...region, schema: { params: invitationParams, querystring: structureQuery } },
    async (request, reply) => {
      const { id, invitationId } = request.params;
      // The same form sent twice sends one email.
      if (!(await firstSubmission(services, request))) return reply.redirect(`/espace/structures/${id}`, 303);
      let email;
      try {
        email = await services.accounts.resendInvitation(id, invitationId, actorOf(request), localeOf(request));
      } catch (error) {
        return refused(request, reply, id, error);
      }
      return reply.redirect(back(id, 'renvoi', email), 303);
    },
  );

  app.post(
    '/espace/structures/:id/invitations/:invitationId/annuler',
    { ...region, schema: { params: invitationParams } },
    async (request, reply) => {
      const { id, invitationId } = request.params;
      const email = await services.accounts.cancelInvitation(id, invitationId, actorOf(request));
      return reply.redirect(back(id, 'annulation', email), 303);
    },
  );

  // Closing asks for a ticked box: it takes the structure's people out of its workspace at once.
  app.post(
    '/espace/structures/:id/fermer',
    { ...region, schema: { params: structureParams, querystring: structureQuery } },
    async (request, reply) => {
      const { id } = request.params;
      if (formBody(request.body).confirm !== 'oui') {
        await services.structures.get(id);
        return renderStructure(request, reply.code(422), id, {
          closeErrors: { confirm: translate(request)('structures.page.close.confirmMissing') },
        });
      }
      try {
        await services.structures.close(id, actorOf(request));
      } catch (error) {
        return refused(request, reply, id, error);
      }
      return reply.redirect(back(id, 'fermeture'), 303);
    },
  );

  app.post(
    '/espace/structures/:id/rouvrir',
    { ...region, schema: { params: structureParams, querystring: structureQuery } },
    async (request, reply) => {
      const { id } = request.params;
      try {
        await services.structures.reopen(id, actorOf(request));
      } catch (error) {
        return refused(request, reply, id, error);
      }
      return reply.redirect(back(id, 'reouverture'), 303);
    },
  );
}
