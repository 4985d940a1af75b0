import { createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AuthContext } from '../../services/staff-sign-in.ts';
import type { Actor } from '../../services/audit.ts';
import { DomainError } from '../../services/errors.ts';
import { StructureRefusal } from '../../services/rules/structure-open.ts';
import type { Services } from '../../services/index.ts';
import { DEVICE_COOKIE_MS } from '../../services/device-cookies.ts';
import { LEARNER_SESSION_ABSOLUTE_MS } from '../../services/learners/sign-in.ts';
import { CookieSession, secureCookies } from '../cookie-session.ts';
import { CSRF_FIELD, CSRF_SECRET_FORMAT, csrfToken, newCsrfSecret, verifyCsrfToken } from '../csrf.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in person, their structures and the current one; null for everyone else. */
    auth: AuthContext | null;
  }
  interface FastifyInstance {
    sessionCookies: SessionCookies;
    /** The session a cookie's token opens (AuthService.resolve), or null. */
    resolveSession: (token: string) => Promise<AuthContext | null>;
  }
}

export interface SessionOptions {
  services: Services;
  /** PUBLIC_URL: cookies are Secure (and __Host- prefixed) when it is https. */
  publicUrl: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Requests that never need to know who is signed in (and must stay cheap). */
const NO_SESSION_PREFIXES = ['/static/', '/api/', '/healthz', '/readyz'];
/** Where sign-in may send someone back to: a workspace page of ours, nothing else. */
const RETURN_PATH = /^\/espace(?:\/[a-z0-9-]+)*$/;

export const safeReturnPath = (value: unknown): string | null =>
  typeof value === 'string' && value.length <= 200 && RETURN_PATH.test(value) ? value : null;

/**
 * The cookies of getting in, all made by CookieSession (one naming, one set
 * of attributes). The two sessions stay apart, each with its own table and
 * service (AuthService, LearnerService).
 */
export class SessionCookies {
  /** The staff session: no Max-Age, it ends with the browser; the server ends it after 8 idle hours or 30 days. */
  readonly staff: CookieSession;
  /** The learner's space: kept across browser restarts for the session's whole life (learners come back days later, on a phone). */
  readonly learner: CookieSession;
  /** The pre-session secret the forms shown before sign-in are tied to. */
  readonly csrf: CookieSession;
  /** The device cookie of the staff sign-in (DeviceCookies): kept across browser restarts, renewed at each sign-in. */
  readonly device: CookieSession;

  constructor(publicUrl: string) {
    const secure = secureCookies(publicUrl);
    this.staff = new CookieSession('insigne_session', { secure });
    this.learner = new CookieSession('insigne_learner', { secure, maxAgeSeconds: LEARNER_SESSION_ABSOLUTE_MS / 1000 });
    this.csrf = new CookieSession('insigne_csrf', { secure });
    this.device = new CookieSession('insigne_device', { secure, maxAgeSeconds: DEVICE_COOKIE_MS / 1000 });
  }

  /** The pre-session secret of this browser; a new one is set when absent, if there is a reply to set it on. */
  preSessionSecret(request: FastifyRequest, reply: FastifyReply | null): string | null {
    const secret = this.csrf.read(request);
    if (secret && CSRF_SECRET_FORMAT.test(secret)) return secret;
    if (!reply) return null;
    const fresh = newCsrfSecret();
    this.csrf.set(reply, fresh);
    return fresh;
  }

  /**
   * A token for a form shown before sign-in, tied to the pre-session secret.
   * `bind` ties it to something more (the one-time link a form belongs to):
   * it is then valid for that form only.
   */
  anonymousCsrfToken(request: FastifyRequest, reply: FastifyReply, bind?: string): string {
    return csrfToken(boundSecret(this.preSessionSecret(request, reply)!, bind));
  }

  anonymousCsrfValid(request: FastifyRequest, bind?: string): boolean {
    const secret = this.preSessionSecret(request, null);
    return !!secret && verifyCsrfToken(boundSecret(secret, bind), csrfFieldOf(request));
  }
}

const boundSecret = (secret: string, bind: string | undefined) =>
  bind === undefined ? secret : createHmac('sha256', secret).update(`insigne/csrf-bind/v1:${bind}`).digest('base64url');

function csrfFieldOf(request: FastifyRequest): unknown {
  const body = request.body;
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>)[CSRF_FIELD] : undefined;
}

/** A browser tells us when a form was sent from another site: that is never one of ours. */
function crossSite(request: FastifyRequest): boolean {
  return request.headers['sec-fetch-site'] === 'cross-site';
}

/**
 * preValidation hook of the forms filled in before sign-in (setup, sign-in):
 * the token must match the pre-session cookie. A refusal is a 403 that
 * changes nothing.
 */
export async function verifyAnonymousCsrf(request: FastifyRequest): Promise<void> {
  if (SAFE_METHODS.has(request.method)) return;
  if (crossSite(request) || !request.server.sessionCookies.anonymousCsrfValid(request)) {
    throw new DomainError('csrf_failed', 403);
  }
}

/**
 * preValidation hook of every workspace route: a POST, PUT, PATCH or DELETE
 * must carry a token made from the session's secret. Routes that act for
 * someone run `requireUser` first (onRequest); without a session there is
 * nobody to forge a request for, and the route itself decides what to do.
 */
export async function verifySessionCsrf(request: FastifyRequest): Promise<void> {
  if (SAFE_METHODS.has(request.method) || !request.auth) return;
  if (crossSite(request) || !verifyCsrfToken(request.auth.csrfSecret, csrfFieldOf(request))) {
    throw new DomainError('csrf_failed', 403);
  }
}

/** onRequest guard: signed in, or sent to the sign-in page (and back here afterwards). */
export async function requireUser(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
  await loadAuth(request, reply);
  if (request.auth) return;
  const path = request.url.split('?')[0]!;
  const back = SAFE_METHODS.has(request.method) ? safeReturnPath(path) : null;
  return reply.redirect(back && back !== '/espace' ? `/connexion?suivant=${encodeURIComponent(back)}` : '/connexion', 303);
}

/**
 * onRequest guard for structure pages: a member of the current structure
 * ('advisor': any member, admins included), or its admin ('admin').
 */
export function requireRole(role: 'admin' | 'advisor') {
  return async function requireRoleHook(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
    await loadAuth(request, reply);
    if (!request.auth) return requireUser(request, reply);
    const current = request.auth.current;
    if (!current) throw noWorkspace(request.auth);
    if (role === 'admin' && current.role !== 'admin') throw new DomainError('admin_only', 403);
  };
}

/** Why someone with no current structure has no structure pages: theirs was closed, or they belong to none. */
function noWorkspace(auth: AuthContext): DomainError<string> {
  const closed = auth.closedStructures;
  if (closed.length) {
    return new StructureRefusal('structure_closed', 403, { structure: closed.map((c) => c.structureName).join(', ') });
  }
  return new DomainError('member_only', 403);
}

/** onRequest guard for the Région's pages. */
export async function requirePlatformAdmin(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
  await loadAuth(request, reply);
  if (!request.auth) return requireUser(request, reply);
  if (!request.auth.user.isPlatformAdmin) throw new DomainError('platform_admin_only', 403);
}

/**
 * The structure every workspace query is scoped by: the session's, never one
 * named in the URL or the form. Use after `requireRole`.
 */
export function currentStructureId(request: FastifyRequest): string {
  const id = request.auth?.current?.structureId;
  if (!id) throw new DomainError('member_only', 403);
  return id;
}

/** The signed-in person, as the audit trail names whoever acted. Use after a guard. */
export function actorOf(request: FastifyRequest): Extract<Actor, { kind: 'user' }> {
  return { kind: 'user', userId: request.auth!.user.id };
}

/** What the layout shows of the signed-in person (header block, forms' tokens). */
function accountView(auth: AuthContext) {
  return {
    name: auth.user.name,
    isPlatformAdmin: auth.user.isPlatformAdmin,
    memberships: auth.memberships,
    current: auth.current,
    csrfToken: csrfToken(auth.csrfSecret),
  };
}

const loaded = new WeakSet<FastifyRequest>();

/**
 * Reads the session cookie once per request: `request.auth`, and what the
 * layout shows of the person. The guards call it too, so a route never
 * depends on whether the global hook chose to load the session.
 */
async function loadAuth(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (loaded.has(request)) return;
  loaded.add(request);
  const cookie = request.server.sessionCookies.staff;
  const token = cookie.read(request);
  if (!token) return;
  request.auth = await request.server.resolveSession(token);
  if (!request.auth) {
    cookie.clear(reply);
    return;
  }
  reply.locals = { ...reply.locals, account: accountView(request.auth) };
}

/** Pages and forms need the session; the images, files and documents a page pulls in do not. */
function needsSession(request: FastifyRequest): boolean {
  if (NO_SESSION_PREFIXES.some((prefix) => request.url.startsWith(prefix))) return false;
  return !SAFE_METHODS.has(request.method) || String(request.headers.accept ?? '').includes('text/html');
}

/**
 * Loads the session from its cookie for every page and every form post, so
 * that any page (public ones included) knows who is reading it, and every
 * workspace route can guard itself with the helpers above.
 */
export const sessions = fp(
  async (app: FastifyInstance, { services, publicUrl }: SessionOptions) => {
    app.decorate('sessionCookies', new SessionCookies(publicUrl));
    app.decorateRequest('auth', null);
    app.decorate('resolveSession', (token: string) => services.auth.resolve(token));

    app.addHook('onRequest', async (request, reply) => {
      if (needsSession(request)) await loadAuth(request, reply);
    });

    // A page that names the person reading it is theirs only: no shared cache keeps it.
    app.addHook('onSend', async (request, reply) => {
      if (request.auth && String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
        reply.header('cache-control', 'private, no-store');
      }
    });
  },
  { name: 'insigne-sessions', dependencies: ['@fastify/cookie'] },
);
