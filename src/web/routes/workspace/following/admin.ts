import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../../../services/index.ts';
import { type FieldErrors, fieldErrors, formBody, formPage, textValue } from '../../../forms.ts';
import { CookieSession, secureCookies } from '../../../cookie-session.ts';
import { translate } from '../../../locale.ts';
import { firstSubmission } from '../../../once.ts';
import { actorOf, currentStructureId, requireRole } from '../../../plugins/session.ts';
import { idParams, query } from '../../../schemas.ts';
import { apiTokenInput } from './inputs.ts';

/** For the structure's administrators: its API tokens (the audit trail is in audit.ts). */
export async function followingAdminRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const admin = { onRequest: requireRole('admin') };
  /**
   * A new token crosses the redirect after its creation in this cookie
   * (HttpOnly, never in a URL or a log), read and cleared by the page that
   * shows it once.
   */
  const newToken = new CookieSession('insigne_new_token', { secure: secureCookies(services.urls.origin) });

  async function renderTokens(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { name?: string; errors?: FieldErrors; created?: { token: string; name: string }; notice?: string | null } = {},
  ) {
    const t = translate(request);
    return reply.view('pages/workspace/following/tokens.eta', {
      ...formPage(t, t('following.tokens.title'), form.errors, [['name', 'following.tokens.name']]),
      tokens: await services.following.apiTokens(currentStructureId(request)),
      name: form.name ?? '',
      created: form.created ?? null,
      notice: form.notice ?? null,
      apiBase: `${services.urls.origin}/api/v1`,
      apiDocs: '/api/docs',
    });
  }

  const tokensQuery = query({ revoque: z.string().optional().catch(undefined) });

  app.get('/espace/jetons', { ...admin, schema: { querystring: tokensQuery } }, async (request, reply) => {
    const t = translate(request);
    const notice = request.query.revoque === '1' ? t('following.tokens.revoked') : null;
    const token = newToken.read(request);
    if (!token) return renderTokens(request, reply, { notice });
    // Shown in this answer only: never stored, never shown again.
    newToken.clear(reply);
    const record = (await services.following.apiTokens(currentStructureId(request))).find(
      (k) => token.startsWith(k.prefix) && !k.revokedAt,
    );
    return renderTokens(request, reply, { notice, ...(record && { created: { token, name: record.name } }) });
  });

  app.post('/espace/jetons', admin, async (request, reply) => {
    const t = translate(request);
    const body = formBody(request.body);
    const parsed = apiTokenInput.safeParse({ name: body.name });
    if (!parsed.success) {
      return renderTokens(request, reply.code(422), { name: textValue(body, 'name', 200), errors: fieldErrors(parsed.error, t, body) });
    }
    // The same form sent twice makes one token: the repeat goes where the first went.
    if (!(await firstSubmission(services, request))) return reply.redirect('/espace/jetons', 303);
    const { token } = await services.apiTokens.create(
      { structureId: currentStructureId(request), name: parsed.data.name },
      actorOf(request),
    );
    newToken.set(reply, token);
    return reply.redirect('/espace/jetons', 303);
  });

  const oneToken = { ...admin, schema: { params: idParams } };

  app.get('/espace/jetons/:id/revoquer', oneToken, async (request, reply) => {
    const t = translate(request);
    const token = await services.following.apiToken(currentStructureId(request), request.params.id);
    if (token.revokedAt) return reply.redirect('/espace/jetons', 303);
    return reply.view('pages/workspace/following/token-revoke.eta', {
      title: t('following.tokens.revoke.title', { name: token.name }),
      token,
    });
  });

  app.post('/espace/jetons/:id/revoquer', oneToken, async (request, reply) => {
    const structureId = currentStructureId(request);
    const token = await services.following.apiToken(structureId, request.params.id);
    if (!token.revokedAt) {
      await services.apiTokens.revoke(structureId, token.id, actorOf(request));
    }
    return reply.redirect('/espace/jetons?revoque=1', 303);
  });
}
