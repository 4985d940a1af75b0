import { fileURLToPath } from 'node:url';
import fastifyAccepts from '@fastify/accepts';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Platform } from '../platform.ts';
import { secureCookies } from './cookie-session.ts';
import { errorHandling } from './plugins/errors.ts';
import { rateLimits } from './plugins/rate-limits.ts';
import { sessions } from './plugins/session.ts';
import { views } from './plugins/views.ts';
import { apiRoutes } from './routes/api/index.ts';
import { healthRoutes } from './routes/health.ts';
import { openBadgesRoutes } from './routes/public/open-badges.ts';
import { openBadges3Routes } from './routes/public/open-badges-v3.ts';
import { learnerRoutes } from './routes/public/learner.ts';
import { pageRoutes } from './routes/public/pages.ts';
import { unsubscribeRoutes } from './routes/public/unsubscribe.ts';
import { verifierRoutes } from './routes/public/verifier.ts';
import { authRoutes } from './routes/workspace/auth.ts';
import { workspaceRoutes } from './routes/workspace/index.ts';

export interface AppOptions {
  logger?: boolean | object;
  /**
   * Adds GET /__bench/baseline/:id, one raw primary-key lookup returned as
   * JSON: the yardstick `npm run bench` measures our pages against, in the
   * same process. Off unless the benchmark starts the server.
   */
  benchBaseline?: boolean;
  /** Told of every route as it is registered (the access-matrix test lists them all this way). */
  onRoute?: (route: RouteOptions) => void;
}

/**
 * The HTTP face of the platform. Plugins are registered by concern; routes
 * stay thin and hand every decision to the services.
 */
export async function buildApp(platform: Platform, options: AppOptions = {}): Promise<FastifyInstance> {
  const { config, services } = platform;
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: config.TRUST_PROXY,
    bodyLimit: 1_048_576,
    // Open Badges ids never carry a trailing slash; refuse rather than serve a second address.
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 200 },
  });
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(fastifyCookie);
  await app.register(fastifyAccepts);
  await app.register(fastifyFormbody);
  await app.register(fastifyStatic, {
    root: fileURLToPath(new URL('../../public', import.meta.url)),
    prefix: '/static/',
    maxAge: config.NODE_ENV === 'production' ? '1d' : 0,
  });
  await app.register(fastifyStatic, {
    root: fileURLToPath(new URL('../../assets/catalogue', import.meta.url)),
    prefix: '/static/catalogue/',
    decorateReply: false,
    maxAge: config.NODE_ENV === 'production' ? '1d' : 0,
  });
  // An https PUBLIC_URL is the public face even behind a plain-HTTP proxy: cookies are Secure, HSTS is sent.
  const https = secureCookies(config.PUBLIC_URL);
  await app.register(views, { production: config.NODE_ENV === 'production', secureCookies: https });
  await app.register(errorHandling);
  await app.register(rateLimits, { enabled: config.RATE_LIMITS });
  await app.register(sessions, { services, publicUrl: config.PUBLIC_URL });

  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'strict-origin-when-cross-origin');
    // One year, this host only: other hosts of the same domain (the Région's own site) are not ours to commit to https.
    if (https) reply.header('strict-transport-security', 'max-age=31536000');
    if (!reply.hasHeader('content-security-policy')) {
      reply.header(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
      );
    }
  });

  await app.register(healthRoutes, { platform });
  if (options.benchBaseline) {
    app.get<{ Params: { id: string } }>('/__bench/baseline/:id', async (request) => {
      const [row] = await platform.database.rawQuery('select id, recipient_name, issued_on from assertions where id = $1', [
        request.params.id,
      ]);
      return row ?? null;
    });
  }
  await app.register(pageRoutes, { services });
  await app.register(openBadgesRoutes, { services });
  await app.register(openBadges3Routes, { services });
  await app.register(verifierRoutes, { services });
  await app.register(learnerRoutes, { services });
  await app.register(unsubscribeRoutes, { services });
  await app.register(apiRoutes, { prefix: '/api', services, publicUrl: config.PUBLIC_URL });
  await app.register(authRoutes, { services });
  await app.register(workspaceRoutes, { services });
  return app;
}
