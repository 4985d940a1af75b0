import { createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../../services/errors.ts';
import type { Services } from '../../../services/index.ts';
import { email as emailSchema } from '../../../services/inputs.ts';
import type { LearnerSession } from '../../../services/learners/sign-in.ts';
import { SECRET_LINKS } from '../../../services/urls.ts';
import { CSRF_FIELD, csrfToken, verifyCsrfToken } from '../../csrf.ts';
import { type FieldErrors, errorSummary, fieldErrors, formBody, textValue } from '../../forms.ts';
import { localeOf, translate } from '../../locale.ts';
import { FORM_LIMIT } from '../../plugins/rate-limits.ts';
import { verifyAnonymousCsrf } from '../../plugins/session.ts';
import { idParams, query } from '../../schemas.ts';

const t = translate;
const tokenParams = z.object({ token: z.string().max(200) });
const requestLinkInput = z.object({ email: emailSchema });

/** Written once, served from our origin: the page's CSP allows scripts from 'self' only. */
const COPY_SCRIPT = `// Progressive enhancement: the link stays selectable text without it.
(function () {
  var buttons = document.querySelectorAll('[data-copy-target]');
  for (var i = 0; i < buttons.length; i++) {
    (function (button) {
      var input = document.getElementById(button.getAttribute('data-copy-target'));
      var status = document.getElementById(button.getAttribute('data-copy-status'));
      if (!input || !status || !navigator.clipboard) return;
      button.hidden = false;
      button.addEventListener('click', function () {
        navigator.clipboard.writeText(input.value).then(
          function () { status.textContent = button.getAttribute('data-copied'); },
          function () { input.focus(); input.select(); }
        );
      });
    })(buttons[i]);
  }
})();
`;

/**
 * The learner's space, at /mon-espace: no password, a link by email opens a
 * session (its own cookie, apart from the advisors'); then their badges from
 * every structure, downloads, sharing, the Open Badge Passport guide, and
 * their say over their personal data.
 */
export async function learnerRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { learners } = services;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const cookies = app.sessionCookies;
  const cookie = cookies.learner;

  // Everything here is about one person: no shared cache keeps any of it.
  app.addHook('onSend', async (request, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'private, no-store');
    // The link's token is in the address: never sent on to another site.
    if (request.url.startsWith(SECRET_LINKS.learnerSignIn.prefix)) reply.header('referrer-policy', 'no-referrer');
  });

  /** The learner session of this request, read once from its cookie. */
  const loaded = new WeakMap<FastifyRequest, { session: LearnerSession | null; ended: boolean }>();
  async function loadLearner(request: FastifyRequest, reply: FastifyReply) {
    const known = loaded.get(request);
    if (known) return known;
    const token = cookie.read(request);
    const session = token ? await learners.resolveSession(token) : null;
    if (token && !session) cookie.clear(reply);
    const state = { session, ended: !!token && !session };
    loaded.set(request, state);
    return state;
  }

  /** onRequest guard: a learner session, or back to the page that asks for a link. */
  async function requireLearner(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
    const { session, ended } = await loadLearner(request, reply);
    if (!session) return reply.redirect(ended ? '/mon-espace?fin=1' : '/mon-espace', 303);
  }

  const sessionOf = (request: FastifyRequest): LearnerSession => {
    const session = loaded.get(request)?.session;
    if (!session) throw new DomainError('not_found', 404);
    return session;
  };

  /** preValidation of the space's forms: a token made from the learner session's own secret. */
  async function verifyLearnerCsrf(request: FastifyRequest): Promise<void> {
    const session = loaded.get(request)?.session;
    const token = formBody(request.body)[CSRF_FIELD];
    if (!session || request.headers['sec-fetch-site'] === 'cross-site' || !verifyCsrfToken(session.csrfSecret, token)) {
      throw new DomainError('csrf_failed', 403);
    }
  }

  /**
   * The secret of the « Ouvrir mon espace » form: bound to this link and to
   * the browser's pre-session cookie, so that a form posted from elsewhere
   * can neither use the link nor sign someone into another person's space.
   */
  function linkCsrfSecret(request: FastifyRequest, reply: FastifyReply | null, token: string): string | null {
    const secret = cookies.preSessionSecret(request, reply);
    if (!secret) return null;
    return createHmac('sha256', secret).update(`insigne/learner-link/v1:${token}`).digest('base64url');
  }

  const navView = (request: FastifyRequest, session: LearnerSession, current: 'badges' | 'privacy') => ({
    email: session.email,
    csrfToken: csrfToken(session.csrfSecret),
    current,
    t: t(request),
  });

  // ---- Asking for a link -------------------------------------------------

  function renderRequest(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { values?: { email?: string }; errors?: FieldErrors; notice?: string | null; gone?: 'used' | 'expired' | 'unknown' } = {},
  ) {
    const errors = form.errors ?? {};
    const summary = errorSummary(errors, [['email', 'learner.request.email']], t(request));
    const title = form.gone ? t(request)(`learner.link.${form.gone}.title`) : t(request)('learner.request.title');
    return reply.view('pages/learner/request.eta', {
      title: summary.length ? t(request)('form.errorTitle', { title }) : title,
      heading: title,
      gone: form.gone ?? null,
      csrfToken: cookies.anonymousCsrfToken(request, reply),
      values: form.values ?? {},
      errors,
      summary,
      notice: form.notice ?? null,
    });
  }

  r.get('/mon-espace', async (request, reply) => {
    const { session } = await loadLearner(request, reply);
    if (!session) {
      const query = (request.query ?? {}) as Record<string, unknown>;
      const notice = query.deconnecte
        ? t(request)('learner.request.signedOut')
        : query.fin
          ? t(request)('learner.request.expiredSession')
          : null;
      return renderRequest(request, reply, { notice });
    }
    const badges = await learners.badges(session);
    return reply.view('pages/learner/list.eta', {
      title: t(request)('learner.list.title'),
      nav: navView(request, session, 'badges'),
      email: session.email,
      badges,
    });
  });

  r.post(
    '/mon-espace/lien',
    { config: { rateLimit: FORM_LIMIT }, preValidation: verifyAnonymousCsrf },
    async (request, reply) => {
      const body = formBody(request.body);
      const typed = textValue(body, 'email', 320);
      const parsed = requestLinkInput.safeParse({ email: body.email });
      if (!parsed.success) {
        return renderRequest(request, reply.code(422), {
          values: { email: typed },
          errors: fieldErrors(parsed.error, t(request), body),
        });
      }
      await learners.requestSignInLink(parsed.data.email, localeOf(request), { ip: request.ip });
      return reply.view('pages/learner/sent.eta', { title: t(request)('learner.sent.title'), email: parsed.data.email });
    },
  );

  // ---- Following a link --------------------------------------------------

  async function renderGone(request: FastifyRequest, reply: FastifyReply, token: string) {
    const state = await learners.linkState(token);
    if (state.state === 'usable') return null;
    return renderRequest(request, reply.code(state.state === 'unknown' ? 404 : 410), {
      gone: state.state,
      values: state.state === 'unknown' ? {} : { email: state.email },
    });
  }

  // Never uses the link: mail scanners fetch links before people click them.
  r.get('/mon-espace/lien/:token', { schema: { params: tokenParams } }, async (request, reply) => {
    const token = request.params.token;
    const state = await learners.linkState(token);
    if (state.state !== 'usable') return renderGone(request, reply, token);
    return reply.view('pages/learner/link.eta', {
      title: t(request)('learner.link.title'),
      email: state.email,
      token,
      csrfToken: csrfToken(linkCsrfSecret(request, reply, token)!),
    });
  });

  r.post(
    '/mon-espace/lien/:token',
    { config: { rateLimit: FORM_LIMIT }, schema: { params: tokenParams } },
    async (request, reply) => {
      const token = request.params.token;
      const secret = linkCsrfSecret(request, null, token);
      if (
        !secret ||
        request.headers['sec-fetch-site'] === 'cross-site' ||
        !verifyCsrfToken(secret, formBody(request.body)[CSRF_FIELD])
      ) {
        throw new DomainError('csrf_failed', 403);
      }
      const opened = await learners.openSession(token, cookie.read(request), localeOf(request));
      if (!opened) return renderGone(request, reply, token);
      cookie.set(reply, opened.token);
      return reply.redirect('/mon-espace', 303);
    },
  );

  // ---- Inside the space --------------------------------------------------

  r.post('/mon-espace/deconnexion', { onRequest: requireLearner, preValidation: verifyLearnerCsrf }, async (request, reply) => {
    await learners.signOut(sessionOf(request));
    cookie.clear(reply);
    return reply.redirect('/mon-espace?deconnecte=1', 303);
  });

  r.get('/mon-espace/copier.js', async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=3600').type('text/javascript; charset=utf-8').send(COPY_SCRIPT),
  );

  r.get('/mon-espace/badges/:id', { onRequest: requireLearner, schema: { params: idParams } }, async (request, reply) => {
    const session = sessionOf(request);
    const badge = await learners.badge(session, request.params.id);
    return reply.view('pages/learner/badge.eta', {
      title: badge.badgeName,
      nav: navView(request, session, 'badges'),
      badge,
    });
  });

  r.get(
    '/mon-espace/badges/:id/open-badge-passport',
    { onRequest: requireLearner, schema: { params: idParams } },
    async (request, reply) => {
      const session = sessionOf(request);
      const badge = await learners.badge(session, request.params.id);
      return reply.view('pages/learner/guide.eta', {
        title: t(request)('learner.guide.title'),
        nav: navView(request, session, 'badges'),
        badge,
      });
    },
  );

  const qrQuery = query({ download: z.string().optional().catch(undefined) });

  r.get('/mon-espace/badges/:id/qr.svg', { onRequest: requireLearner, schema: { params: idParams, querystring: qrQuery } }, async (request, reply) => {
    const svg = await learners.qrSvg(sessionOf(request), request.params.id);
    if (request.query.download === '1') {
      reply.header('content-disposition', `attachment; filename="qr-badge-${request.params.id.slice(0, 8)}.svg"`);
    }
    return reply
      .type('image/svg+xml')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(svg);
  });

  r.get('/mon-espace/badges/:id/qr.png', { onRequest: requireLearner, schema: { params: idParams, querystring: qrQuery } }, async (request, reply) => {
    const png = await learners.qrPng(sessionOf(request), request.params.id);
    if (request.query.download === '1') {
      reply.header('content-disposition', `attachment; filename="qr-badge-${request.params.id.slice(0, 8)}.png"`);
    }
    return reply.type('image/png').send(Buffer.from(png));
  });

  r.get('/mon-espace/badges/:id/badge.json', { onRequest: requireLearner, schema: { params: idParams } }, async (request, reply) => {
    const badge = await learners.badge(sessionOf(request), request.params.id);
    const published = await services.publication.assertion(badge.id);
    return reply
      .code(published.state === 'revoked' ? 410 : 200)
      .header('content-disposition', `attachment; filename="badge-${badge.id.slice(0, 8)}.json"`)
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(published.document, null, 2));
  });

  r.get(
    '/mon-espace/badges/:id/attestation.pdf',
    { onRequest: requireLearner, schema: { params: idParams } },
    async (request, reply) => {
      const pdf = await learners.attestationPdf(sessionOf(request), request.params.id, localeOf(request));
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="attestation-badge-${request.params.id.slice(0, 8)}.pdf"`)
        .send(pdf);
    },
  );

  // ---- Privacy -----------------------------------------------------------

  const privacyQuery = query({ enregistre: z.string().optional().catch(undefined) });

  r.get('/mon-espace/mes-donnees', { onRequest: requireLearner, schema: { querystring: privacyQuery } }, async (request, reply) => {
    const session = sessionOf(request);
    const saved = request.query.enregistre;
    return reply.view('pages/learner/privacy.eta', {
      title: t(request)('learner.privacy.title'),
      nav: navView(request, session, 'privacy'),
      preferences: await learners.preferences(session),
      saved: saved === 'masque' ? 'hidden' : saved === 'affiche' ? 'shown' : null,
    });
  });

  r.post(
    '/mon-espace/mes-donnees/nom',
    { onRequest: requireLearner, preValidation: verifyLearnerCsrf },
    async (request, reply) => {
      const hide = formBody(request.body).hide;
      if (hide !== '1' && hide !== '0') throw new DomainError('validation_failed', 400);
      await learners.setNameHidden(sessionOf(request), hide === '1');
      return reply.redirect(`/mon-espace/mes-donnees?enregistre=${hide === '1' ? 'masque' : 'affiche'}`, 303);
    },
  );

  r.get('/mon-espace/mes-donnees/export.json', { onRequest: requireLearner }, async (request, reply) => {
    const data = await learners.exportData(sessionOf(request));
    return reply
      .header('content-disposition', 'attachment; filename="mes-donnees-insigne.json"')
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(data, null, 2));
  });

  async function renderErase(request: FastifyRequest, reply: FastifyReply, error?: string) {
    const session = sessionOf(request);
    const badges = await learners.badges(session);
    const summary = error ? [{ field: 'confirm', label: '', message: error }] : [];
    const title = t(request)('learner.erase.title');
    return reply.view('pages/learner/erase.eta', {
      title: error ? t(request)('form.errorTitle', { title }) : title,
      nav: navView(request, session, 'privacy'),
      badges,
      error: error ?? null,
      summary,
    });
  }

  r.get('/mon-espace/mes-donnees/effacer', { onRequest: requireLearner }, async (request, reply) => renderErase(request, reply));

  r.post(
    '/mon-espace/mes-donnees/effacer',
    { onRequest: requireLearner, preValidation: verifyLearnerCsrf },
    async (request, reply) => {
      if (formBody(request.body).confirm !== 'oui') {
        return renderErase(request, reply.code(422), t(request)('learner.erase.confirmRequired'));
      }
      await learners.erase(sessionOf(request));
      cookie.clear(reply);
      return reply.redirect('/mon-espace/donnees-effacees', 303);
    },
  );

  r.get('/mon-espace/donnees-effacees', async (request, reply) =>
    reply.view('pages/learner/erased.eta', { title: t(request)('learner.erased.title') }),
  );
}
