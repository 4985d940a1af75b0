import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MessageKey } from '../../../i18n/index.ts';
import { DomainError, notFound } from '../../../services/errors.ts';
import type { Services } from '../../../services/index.ts';
import { setupInput, signInInput } from '../../../services/inputs.ts';
import { type ErrorSummaryItem, type FieldErrors, errorSummary, fieldErrors, formBody, textValue } from '../../forms.ts';
import { translate } from '../../locale.ts';
import { safeReturnPath, verifyAnonymousCsrf } from '../../plugins/session.ts';

const SETUP_FIELDS: [string, MessageKey][] = [
  ['name', 'setup.name'],
  ['email', 'setup.email'],
  ['password', 'setup.password'],
  ['passwordConfirmation', 'setup.passwordConfirmation'],
];
const SIGN_IN_FIELDS: [string, MessageKey][] = [
  ['email', 'signIn.email'],
  ['password', 'signIn.password'],
];

/** Pages behind no login are never cached: they carry a CSRF token and, after a post, what was typed. */
const NO_STORE = 'no-store';

const t = translate;

/**
 * Getting in, before there is a session: the one-time setup of the platform
 * and the sign-in form. Both forms carry a token tied to a pre-session cookie.
 */
export async function authRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.addHook('preValidation', verifyAnonymousCsrf);

  /** Once the platform has its administrator, the setup page no longer exists. */
  const setupOpen = async () => {
    if (!(await services.auth.setupNeeded())) throw notFound();
  };

  function renderSetup(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { values?: Record<string, string>; errors?: FieldErrors } = {},
  ) {
    const errors = form.errors ?? {};
    const summary = errorSummary(errors, SETUP_FIELDS, t(request));
    return reply
      .header('cache-control', NO_STORE)
      .view('pages/auth/setup.eta', {
        title: summary.length ? t(request)('form.errorTitle', { title: t(request)('setup.title') }) : t(request)('setup.title'),
        csrfToken: app.sessionCookies.anonymousCsrfToken(request, reply),
        values: form.values ?? {},
        errors,
        summary,
      });
  }

  app.get('/setup', { onRequest: setupOpen }, async (request, reply) => renderSetup(request, reply));

  app.post('/setup', { onRequest: setupOpen }, async (request, reply) => {
    const body = formBody(request.body);
    const values = { name: textValue(body, 'name'), email: textValue(body, 'email') };
    const parsed = setupInput.safeParse({ name: body.name, email: body.email, password: body.password });
    const errors = parsed.success ? {} : fieldErrors(parsed.error, t(request), body);
    if (!errors.password && body.passwordConfirmation !== body.password) {
      errors.passwordConfirmation = t(request)('setup.passwordMismatch');
    }
    if (!parsed.success || Object.keys(errors).length) {
      return renderSetup(request, reply.code(422), { values, errors });
    }
    try {
      await services.auth.setup(parsed.data, { ip: request.ip });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'user_exists') {
        return renderSetup(request, reply.code(422), { values, errors: { email: t(request)('setup.emailTaken') } });
      }
      throw error;
    }
    return reply.redirect('/connexion?bienvenue=1', 303);
  });

  function renderSignIn(
    request: FastifyRequest,
    reply: FastifyReply,
    form: {
      values?: Record<string, string>;
      errors?: FieldErrors;
      formError?: string;
      next?: string | null;
      notice?: MessageKey | null;
      setupNeeded?: boolean;
    } = {},
  ) {
    const errors = form.errors ?? {};
    const summary: ErrorSummaryItem[] = form.formError
      ? [{ field: 'email', label: '', message: form.formError, id: 'form-error' }]
      : errorSummary(errors, SIGN_IN_FIELDS, t(request));
    return reply
      .header('cache-control', NO_STORE)
      .view('pages/auth/sign-in.eta', {
        title: summary.length ? t(request)('form.errorTitle', { title: t(request)('signIn.title') }) : t(request)('signIn.title'),
        csrfToken: app.sessionCookies.anonymousCsrfToken(request, reply),
        values: form.values ?? {},
        errors,
        summary,
        formError: form.formError ?? null,
        next: form.next ?? null,
        notice: form.notice ?? null,
        setupNeeded: form.setupNeeded ?? false,
      });
  }

  app.get('/connexion', async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const next = safeReturnPath(query.suivant);
    if (request.auth) return reply.redirect(next ?? '/espace', 303);
    const notice: MessageKey | null = query.bienvenue ? 'setup.done' : query.deconnecte ? 'signIn.signedOut' : null;
    return renderSignIn(request, reply, { next, notice, setupNeeded: await services.auth.setupNeeded() });
  });

  app.post('/connexion', async (request, reply) => {
    const body = formBody(request.body);
    const values = { email: textValue(body, 'email', 320) };
    const next = safeReturnPath(body.suivant);
    const parsed = signInInput.safeParse({ email: body.email, password: body.password });
    if (!parsed.success) {
      return renderSignIn(request, reply.code(422), { values, next, errors: fieldErrors(parsed.error, t(request), body) });
    }
    try {
      const { token } = await services.auth.signIn(parsed.data, {
        ip: request.ip,
        previousToken: request.cookies[app.sessionCookies.sessionName],
      });
      app.sessionCookies.setSession(reply, token);
      return reply.redirect(next ?? '/espace', 303);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (error.code === 'invalid_credentials') {
        return renderSignIn(request, reply.code(401), { values, next, formError: t(request)('signIn.invalid') });
      }
      if (error.code === 'too_many_attempts') {
        const minutes = Number(error.params.minutes);
        reply.code(429).header('retry-after', String(error.params.seconds));
        return renderSignIn(request, reply, {
          values,
          next,
          formError: minutes === 1 ? t(request)('signIn.throttled.one') : t(request)('signIn.throttled.many', { minutes }),
        });
      }
      throw error;
    }
  });
}
