import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MessageKey, Translate } from '../../../../i18n/index.ts';
import type { AuditListRow } from '../../../../services/records.ts';
import { isUuid } from '../../../../services/ids.ts';
import type { Services } from '../../../../services/index.ts';
import { type FieldErrors, fieldErrors, formBody, formPage, textValue } from '../../../forms.ts';
import { CookieSession, secureCookies } from '../../../cookie-session.ts';
import { localeOf, translate } from '../../../locale.ts';
import { firstSubmission } from '../../../once.ts';
import { actorOf, currentStructureId, requireRole } from '../../../plugins/session.ts';
import { idParams, query } from '../../../schemas.ts';
import { apiTokenInput, auditFiltersInput, filterQuery } from './inputs.ts';

/** Names of the audit trail's actions, in the reader's words; others show as recorded. */
const ACTION_LABELS: Record<string, MessageKey> = {
  'assertion.awarded': 'following.audit.action.assertion.awarded',
  'assertion.bulk_awarded': 'following.audit.action.assertion.bulk_awarded',
  'assertion.revoked': 'following.audit.action.assertion.revoked',
  'api_token.created': 'following.audit.action.api_token.created',
  'api_token.revoked': 'following.audit.action.api_token.revoked',
  'user.created': 'following.audit.action.user.created',
  'structure.created': 'following.audit.action.structure.created',
  'structure.updated': 'following.audit.action.structure.updated',
};

const DETAIL_LABELS: Record<string, MessageKey> = {
  reason: 'following.audit.detail.reason',
  name: 'following.audit.detail.name',
  badgeClassName: 'following.audit.detail.badge',
  count: 'following.audit.detail.count',
  role: 'following.audit.detail.role',
  email: 'following.audit.detail.email',
};

const MAX_DETAIL = 300;

const dateTimeFormats = {
  fr: new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' }),
};
const dateTimeFormat = (locale: 'fr' | 'en') => dateTimeFormats[locale];

/** A detail's value as one line of text (the template escapes it). */
function detailText(value: unknown, t: Translate): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value.length > MAX_DETAIL ? `${value.slice(0, MAX_DETAIL)}…` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (value.length <= 3 && value.every((v) => typeof v === 'string' || typeof v === 'number')) return value.join(', ');
    return t('following.audit.items', { count: value.length });
  }
  const json = JSON.stringify(value);
  return json.length > MAX_DETAIL ? `${json.slice(0, MAX_DETAIL)}…` : json;
}

export function auditLine(row: AuditListRow, t: Translate) {
  const actor =
    row.actorKind === 'user'
      ? (row.actorUserName ?? t('following.figures.unknownPerson'))
      : row.actorKind === 'token'
        ? t('following.audit.actor.token', { name: row.actorTokenName ?? '?' })
        : row.actorKind === 'cli'
          ? t('following.audit.actor.cli')
          : t('following.audit.actor.system');
  const label = ACTION_LABELS[row.action];
  return {
    id: row.id,
    at: row.at,
    action: row.action,
    actionLabel: label ? t(label) : row.action,
    actor,
    // A link only where the workspace has a page for the target.
    targetHref: row.targetType === 'assertion' && row.targetId && isUuid(row.targetId) ? `/espace/delivres/${row.targetId}` : null,
    details: Object.entries(row.details ?? {})
      .filter(([key]) => key !== 'assertionIds')
      .map(([key, value]) => {
        const known = DETAIL_LABELS[key];
        return { label: known ? t(known) : key, value: detailText(value, t) };
      }),
  };
}

/** For the structure's administrators: its API tokens and its audit trail. */
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

  app.get('/espace/journal', { ...admin, schema: { querystring: auditFiltersInput } }, async (request, reply) => {
    const t = translate(request);
    const filters = request.query;
    const trail = await services.following.auditTrail({
      structureId: currentStructureId(request),
      action: filters.action,
      page: filters.page ?? 1,
    });
    const kept = { action: filters.action };
    return reply.view('pages/workspace/following/audit.eta', {
      title: t('following.audit.title'),
      dateTime: (d: Date) => dateTimeFormat(localeOf(request)).format(d),
      action: filters.action ?? '',
      actions: trail.actions.map((a) => ({ value: a, label: ACTION_LABELS[a] ? t(ACTION_LABELS[a]) : a })),
      lines: trail.rows.map((row) => auditLine(row, t)),
      total: trail.total,
      page: trail.page,
      pages: trail.pages,
      previous: trail.page > 1 ? `/espace/journal${filterQuery(kept, trail.page - 1)}` : null,
      next: trail.page < trail.pages ? `/espace/journal${filterQuery(kept, trail.page + 1)}` : null,
    });
  });
}
