import { z } from 'zod';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { MessageKey } from '../../../i18n/index.ts';
import { newAccountInput, newPasswordInput } from '../../../services/account-links.ts';
import { DomainError, notFound } from '../../../services/errors.ts';
import type { Services } from '../../../services/index.ts';
import { email as emailInput, setupInput, signInInput } from '../../../services/inputs.ts';
import { paths } from '../../../services/urls.ts';
import { type FieldErrors, fieldErrors, formBody, formPage, textValue } from '../../forms.ts';
import { refusalText } from '../../refusals.ts';
import { query } from '../../schemas.ts';
import { localeOf, translate } from '../../locale.ts';
import { FORM_LIMIT } from '../../plugins/rate-limits.ts';
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
  await app.register(formsBeforeSignIn, { services });
  // Forms reached from a one-time link: their tokens are bound to the link as well.
  await app.register(oneTimeLinkRoutes, { services });
}

/** What the sign-in page is told by the address: where to go next, and what just happened. */
const signInQuery = query({
  suivant: z.string().max(2000).optional().catch(undefined),
  bienvenue: z.string().optional().catch(undefined),
  deconnecte: z.string().optional().catch(undefined),
});

/** A one-time link's token as the address carries it (checked, and looked up by its hash, by the service). */
// A token too long to be one of ours opens the « link no longer valid » page, like any unknown one.
const linkParams = z.object({ token: z.string().max(200).catch('') });

async function formsBeforeSignIn(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preValidation', verifyAnonymousCsrf);
  await app.register(forgottenPasswordRoutes, { services });

  /** Once the platform has its administrator, the setup page no longer exists. */
  const setupOpen = async () => {
    if (!(await services.auth.setupNeeded())) throw notFound();
  };

  function renderSetup(request: FastifyRequest, reply: FastifyReply, form: { values?: Record<string, string>; errors?: FieldErrors } = {}) {
    return reply.header('cache-control', NO_STORE).view('pages/auth/setup.eta', {
      ...formPage(t(request), t(request)('setup.title'), form.errors, SETUP_FIELDS),
      csrfToken: app.sessionCookies.anonymousCsrfToken(request, reply),
      values: form.values ?? {},
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
      refusal?: DomainError;
      next?: string | null;
      notice?: MessageKey | null;
      setupNeeded?: boolean;
    } = {},
  ) {
    const formError = form.refusal ? { message: refusalText(t(request), form.refusal), field: 'email' } : undefined;
    return reply.header('cache-control', NO_STORE).view('pages/auth/sign-in.eta', {
      ...formPage(t(request), t(request)('signIn.title'), form.errors, SIGN_IN_FIELDS, formError),
      csrfToken: app.sessionCookies.anonymousCsrfToken(request, reply),
      values: form.values ?? {},
      next: form.next ?? null,
      notice: form.notice ?? null,
      setupNeeded: form.setupNeeded ?? false,
      // After a refused sign-in, the way to the learner's space (a learner may have come here by mistake).
      failed: form.refusal !== undefined,
    });
  }

  app.get('/connexion', { schema: { querystring: signInQuery } }, async (request, reply) => {
    const query = request.query;
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
      const { token, deviceCookie } = await services.auth.signIn(parsed.data, {
        ip: request.ip,
        deviceCookie: app.sessionCookies.device.read(request),
        previousToken: app.sessionCookies.staff.read(request),
      });
      app.sessionCookies.staff.set(reply, token);
      app.sessionCookies.device.set(reply, deviceCookie);
      return reply.redirect(next ?? '/espace', 303);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (error.code === 'invalid_credentials') return renderSignIn(request, reply.code(401), { values, next, refusal: error });
      if (error.code === 'too_many_attempts') {
        reply.code(429).header('retry-after', String(error.params.seconds));
        return renderSignIn(request, reply, { values, next, refusal: error });
      }
      throw error;
    }
  });
}

const RESET_FIELDS: [string, MessageKey][] = [
  ['password', 'accounts.reset.password'],
  ['passwordConfirmation', 'accounts.reset.passwordConfirmation'],
];
const NEW_ACCOUNT_FIELDS: [string, MessageKey][] = [
  ['name', 'accounts.invitation.name'],
  ['password', 'accounts.reset.password'],
  ['passwordConfirmation', 'accounts.reset.passwordConfirmation'],
];

/** New password and its confirmation, checked the way the setup checks them. */
function checkNewPassword(request: FastifyRequest, body: Record<string, unknown>, extra: { name?: true } = {}) {
  const schema = extra.name ? newAccountInput : newPasswordInput;
  const parsed = schema.safeParse(extra.name ? { name: body.name, password: body.password } : { password: body.password });
  const errors: FieldErrors = parsed.success ? {} : fieldErrors(parsed.error, t(request), body);
  if (!errors.password && body.passwordConfirmation !== body.password) {
    errors.passwordConfirmation = t(request)('accounts.reset.mismatch');
  }
  return { parsed, errors };
}

/** "Forgotten password": the same answer whether or not the account exists. */
async function forgottenPasswordRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const FIELDS: [string, MessageKey][] = [['email', 'accounts.forgot.email']];

  function render(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { values?: Record<string, string>; errors?: FieldErrors; sentTo?: string } = {},
  ) {
    const page = formPage(t(request), t(request)('accounts.forgot.title'), form.errors, FIELDS);
    return reply.header('cache-control', NO_STORE).view('pages/auth/forgot.eta', {
      ...page,
      title: form.sentTo !== undefined ? t(request)('accounts.forgot.sent.title') : page.title,
      csrfToken: app.sessionCookies.anonymousCsrfToken(request, reply),
      values: form.values ?? {},
      sentTo: form.sentTo ?? null,
    });
  }

  app.get('/mot-de-passe-oublie', async (request, reply) => render(request, reply));

  app.post('/mot-de-passe-oublie', { config: { rateLimit: FORM_LIMIT } }, async (request, reply) => {
    const body = formBody(request.body);
    const values = { email: textValue(body, 'email', 320) };
    const parsed = z.object({ email: emailInput }).safeParse({ email: body.email });
    if (!parsed.success) {
      return render(request, reply.code(422), { values, errors: fieldErrors(parsed.error, t(request), body) });
    }
    await services.accounts.requestPasswordReset(parsed.data, localeOf(request), { ip: request.ip });
    return render(request, reply, { sentTo: parsed.data.email });
  });
}

/**
 * The pages a one-time link opens: a new password, an invitation. Looking
 * never uses the link; the form's token is bound to the browser's pre-session
 * cookie and to the link, so it serves for this link only.
 */
async function oneTimeLinkRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const oneLink = { schema: { params: linkParams } };
  const bindOf = (request: FastifyRequest) => `${request.url.split('?')[0]}`;

  app.addHook('onSend', async (_request, reply) => {
    // The link's token is in the address: never sent on to another site, never kept.
    reply.header('referrer-policy', 'no-referrer').header('cache-control', NO_STORE);
  });
  app.addHook('preValidation', async (request) => {
    if (request.method !== 'POST') return;
    if (request.headers['sec-fetch-site'] === 'cross-site' || !app.sessionCookies.anonymousCsrfValid(request, bindOf(request))) {
      throw new DomainError('csrf_failed', 403);
    }
  });

  function renderInvalid(request: FastifyRequest, reply: FastifyReply, kind: 'reset' | 'invitation' | 'invitationUsed') {
    const titles = {
      reset: 'accounts.reset.invalid.title',
      invitation: 'accounts.invitation.invalid.title',
      invitationUsed: 'accounts.invitation.used.title',
    } as const;
    return reply.code(410).view('pages/auth/link-invalid.eta', {
      title: t(request)(titles[kind]),
      kind,
    });
  }

  // ── New password ──
  function renderReset(request: FastifyRequest, reply: FastifyReply, token: string, email: string, errors: FieldErrors = {}) {
    return reply.view('pages/auth/reset.eta', {
      ...formPage(t(request), t(request)('accounts.reset.title'), errors, RESET_FIELDS),
      csrfToken: app.sessionCookies.anonymousCsrfToken(request, reply, bindOf(request)),
      action: paths.passwordReset(token),
      email,
    });
  }

  app.get('/mot-de-passe/:token', oneLink, async (request, reply) => {
    const link = await services.accounts.passwordResetLink(request.params.token);
    if (!link) return renderInvalid(request, reply, 'reset');
    return renderReset(request, reply, request.params.token, link.email);
  });

  app.post('/mot-de-passe/:token', oneLink, async (request, reply) => {
    const token = request.params.token;
    const link = await services.accounts.passwordResetLink(token);
    if (!link) return renderInvalid(request, reply, 'reset');
    const body = formBody(request.body);
    const { parsed, errors } = checkNewPassword(request, body);
    if (!parsed.success || Object.keys(errors).length) return renderReset(request, reply.code(422), token, link.email, errors);
    try {
      const session = await services.accounts.resetPassword(
        token,
        { password: String(body.password) },
        {
          ip: request.ip,
          previousToken: app.sessionCookies.staff.read(request),
        },
      );
      app.sessionCookies.staff.set(reply, session.token);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'link_invalid') return renderInvalid(request, reply, 'reset');
      throw error;
    }
    return reply.redirect('/espace', 303);
  });

  // ── Invitation ──
  type Mode = 'new' | 'existing' | 'signed-in' | 'other-account';
  const modeOf = (request: FastifyRequest, invitation: { email: string; accountExists: boolean }): Mode =>
    request.auth
      ? request.auth.user.email === invitation.email
        ? 'signed-in'
        : 'other-account'
      : invitation.accountExists
        ? 'existing'
        : 'new';

  function renderInvitation(
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    invitation: NonNullable<Awaited<ReturnType<Services['accounts']['invitation']>>>,
    form: { values?: Record<string, string>; errors?: FieldErrors; refusal?: DomainError } = {},
  ) {
    const mode = modeOf(request, invitation);
    const formError = form.refusal
      ? { message: refusalText(t(request), form.refusal), field: mode === 'existing' ? 'password' : 'accept' }
      : undefined;
    return reply.view('pages/auth/invitation.eta', {
      ...formPage(
        t(request),
        t(request)('accounts.invitation.title', { structure: invitation.structureName }),
        form.errors,
        NEW_ACCOUNT_FIELDS,
        formError,
      ),
      csrfToken: app.sessionCookies.anonymousCsrfToken(request, reply, bindOf(request)),
      action: paths.invitation(token),
      invitation,
      mode,
      values: form.values ?? {},
    });
  }

  app.get('/invitation/:token', oneLink, async (request, reply) => {
    const invitation = await services.accounts.invitation(request.params.token);
    if (!invitation) {
      // Accepted already, by someone who has an account now: sign in, rather than ask for another invitation.
      const used = await services.accounts.invitationUsedByAccount(request.params.token);
      return renderInvalid(request, reply, used ? 'invitationUsed' : 'invitation');
    }
    return renderInvitation(request, reply, request.params.token, invitation);
  });

  app.post('/invitation/:token', oneLink, async (request, reply) => {
    const token = request.params.token;
    const invitation = await services.accounts.invitation(token);
    if (!invitation) return renderInvalid(request, reply, 'invitation');
    const body = formBody(request.body);
    const mode = modeOf(request, invitation);
    const origin = {
      ip: request.ip,
      deviceCookie: app.sessionCookies.device.read(request),
      previousToken: app.sessionCookies.staff.read(request),
    };
    try {
      if (mode === 'other-account') {
        return renderInvitation(request, reply.code(403), token, invitation);
      }
      if (mode === 'signed-in') {
        const { structureId } = await services.accounts.acceptInvitation(
          token,
          { kind: 'signed-in', userId: request.auth!.user.id },
          origin,
        );
        await services.auth.enterStructure(request.auth!, structureId);
        return reply.redirect('/espace', 303);
      }
      if (mode === 'existing') {
        const password = typeof body.password === 'string' ? body.password : '';
        if (!password) {
          return renderInvitation(request, reply.code(422), token, invitation, { errors: { password: t(request)('form.required') } });
        }
        const { session } = await services.accounts.acceptInvitation(token, { kind: 'existing', password }, origin);
        app.sessionCookies.staff.set(reply, session!.token);
        return reply.redirect('/espace', 303);
      }
      const values = { name: textValue(body, 'name', 200) };
      const { parsed, errors } = checkNewPassword(request, body, { name: true });
      if (!parsed.success || Object.keys(errors).length) {
        return renderInvitation(request, reply.code(422), token, invitation, { values, errors });
      }
      const { session } = await services.accounts.acceptInvitation(
        token,
        { kind: 'new', name: String(body.name), password: String(body.password) },
        origin,
      );
      app.sessionCookies.staff.set(reply, session!.token);
      return reply.redirect('/espace', 303);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (error.code === 'link_invalid') return renderInvalid(request, reply, 'invitation');
      if (error.code === 'invalid_credentials') return renderInvitation(request, reply.code(401), token, invitation, { refusal: error });
      if (error.code === 'too_many_attempts') {
        reply.code(429).header('retry-after', String(error.params.seconds));
        return renderInvitation(request, reply, token, invitation, { refusal: error });
      }
      if (error.code === 'user_exists') return renderInvitation(request, reply.code(409), token, invitation, { refusal: error });
      throw error;
    }
  });
}
