import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MessageKey } from '../../../i18n/index.ts';
import { INVITATION_ID, invitationInput } from '../../../services/account-links.ts';
import { DomainError } from '../../../services/errors.ts';
import type { Services } from '../../../services/index.ts';
import { type FieldErrors, fieldErrors, formBody, formPage, textValue } from '../../forms.ts';
import { localeOf, translate } from '../../locale.ts';
import { firstSubmission } from '../../once.ts';
import { actorOf, currentStructureId, requireRole } from '../../plugins/session.ts';
import { doneNotice, pathId, query } from '../../schemas.ts';

/** An invitation's id is the SHA-256 of its link's token, in hexadecimal (services/account-links.ts). */
const invitationParams = z.object({ id: z.string().regex(INVITATION_ID) });
const memberParams = z.object({ userId: pathId });
/** After a change: what was done, and to which address (an invitation's). */
const membersQuery = query({ fait: doneNotice, email: z.string().max(320).optional().catch(undefined) });

const INVITE_FIELDS: [string, MessageKey][] = [
  ['email', 'accounts.members.invite.email'],
  ['role', 'accounts.members.invite.role'],
];

/** What the page says after a change (Post/Redirect/Get): a code, never free text. */
const NOTICES: Record<string, MessageKey> = {
  invite: 'accounts.members.invited',
  renvoi: 'accounts.members.resent',
  annulation: 'accounts.members.cancelled',
  role: 'accounts.members.roleChanged',
  retrait: 'accounts.members.removed',
};
const HELD_NOTICES: Record<string, MessageKey> = {
  invite: 'accounts.members.invited.held',
  renvoi: 'accounts.members.resent.held',
};

/**
 * Who has access to the structure's workspace, for its administrators:
 * invitations (send, send again, cancel) and members (role, removal). Every
 * change is scoped to the session's structure; an id from the URL that is not
 * of this structure is a 404.
 */
export async function memberRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const admin = { onRequest: requireRole('admin') };

  async function renderMembers(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { values?: Record<string, string>; errors?: FieldErrors; problem?: string } = {},
  ) {
    const structureId = currentStructureId(request);
    const t = translate(request);
    const [members, invitations] = await Promise.all([
      services.accounts.members(structureId),
      services.accounts.openInvitations(structureId),
    ]);
    const query = request.query as z.infer<typeof membersQuery>;
    // Without SMTP an invitation is held, not sent: the notice says so.
    const held = !services.mail.configured && (query.fait === 'invite' || query.fait === 'renvoi');
    const noticeKey = query.fait ? (held ? HELD_NOTICES[query.fait] : NOTICES[query.fait]) : undefined;
    const structureName = request.auth!.current!.structureName;
    return reply.view('pages/workspace/members.eta', {
      ...formPage(t, t('members.title', { structure: structureName }), form.errors, INVITE_FIELDS),
      structureName,
      members,
      admins: members.filter((m) => m.role === 'admin').length,
      invitations,
      userId: request.auth!.user.id,
      notice: noticeKey && !form.problem ? t(noticeKey, { email: query.email ?? '' }) : null,
      problem: form.problem ?? null,
      values: form.values ?? { role: 'advisor' },
    });
  }

  const membersPage = { ...admin, schema: { querystring: membersQuery } };

  app.get('/espace/membres', membersPage, async (request, reply) => renderMembers(request, reply));

  app.post('/espace/membres/invitations', membersPage, async (request, reply) => {
    const body = formBody(request.body);
    const values = { email: textValue(body, 'email', 320), role: textValue(body, 'role', 20) };
    const parsed = invitationInput.safeParse({ email: body.email, role: body.role });
    if (!parsed.success) {
      return renderMembers(request, reply.code(422), { values, errors: fieldErrors(parsed.error, translate(request), body) });
    }
    // The same form sent twice sends one invitation: the repeat goes to the list, where it shows.
    if (!(await firstSubmission(services, request))) return reply.redirect('/espace/membres', 303);
    try {
      await services.accounts.invite(currentStructureId(request), parsed.data, actorOf(request), localeOf(request));
    } catch (error) {
      if (error instanceof DomainError && error.code === 'already_member') {
        return renderMembers(request, reply.code(409), {
          values,
          errors: { email: translate(request)('accounts.members.alreadyMember') },
        });
      }
      throw error;
    }
    return reply.redirect(`/espace/membres?fait=invite&email=${encodeURIComponent(parsed.data.email.trim().toLowerCase())}`, 303);
  });

  app.post('/espace/membres/invitations/:id/renvoyer', { ...admin, schema: { params: invitationParams } }, async (request, reply) => {
    // The same form sent twice sends one email.
    if (!(await firstSubmission(services, request))) return reply.redirect('/espace/membres', 303);
    const email = await services.accounts.resendInvitation(
      currentStructureId(request),
      request.params.id,
      actorOf(request),
      localeOf(request),
    );
    return reply.redirect(`/espace/membres?fait=renvoi&email=${encodeURIComponent(email)}`, 303);
  });

  app.post('/espace/membres/invitations/:id/annuler', { ...admin, schema: { params: invitationParams } }, async (request, reply) => {
    const email = await services.accounts.cancelInvitation(currentStructureId(request), request.params.id, actorOf(request));
    return reply.redirect(`/espace/membres?fait=annulation&email=${encodeURIComponent(email)}`, 303);
  });

  app.post(
    '/espace/membres/:userId/role',
    { ...admin, schema: { params: memberParams, querystring: membersQuery } },
    async (request, reply) => {
      const role = formBody(request.body).role;
      try {
        await services.accounts.changeRole(
          currentStructureId(request),
          request.params.userId,
          typeof role === 'string' ? role : '',
          actorOf(request),
        );
      } catch (error) {
        if (error instanceof DomainError && error.code === 'last_admin') {
          return renderMembers(request, reply.code(409), { problem: translate(request)('error.last_admin') });
        }
        throw error;
      }
      return reply.redirect('/espace/membres?fait=role', 303);
    },
  );

  app.post(
    '/espace/membres/:userId/retirer',
    { ...admin, schema: { params: memberParams, querystring: membersQuery } },
    async (request, reply) => {
      try {
        await services.accounts.removeMember(currentStructureId(request), request.params.userId, actorOf(request));
      } catch (error) {
        if (error instanceof DomainError && error.code === 'last_admin') {
          return renderMembers(request, reply.code(409), { problem: translate(request)('error.last_admin') });
        }
        throw error;
      }
      // Someone who removed themselves no longer has this page.
      if (request.params.userId === request.auth!.user.id) return reply.redirect('/espace', 303);
      return reply.redirect('/espace/membres?fait=retrait', 303);
    },
  );
}
