import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services/index.ts';
import { verifySessionCsrf } from '../../plugins/session.ts';
import { accountRoutes } from './account.ts';
import { homeRoutes } from './home.ts';
import { memberRoutes } from './members.ts';
import { platformRoutes } from './platform.ts';

/**
 * Everything behind sign-in. Each route guards itself (requireUser,
 * requireRole, requirePlatformAdmin from plugins/session.ts) and scopes its
 * queries by the session's current structure; every POST, PUT, PATCH or
 * DELETE registered here must carry the session's CSRF token.
 */
export async function workspaceRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.addHook('preValidation', verifySessionCsrf);
  // A workspace page is about one person and one structure: never cached, never framed.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'private, no-store');
  });
  await app.register(accountRoutes, { services });
  await app.register(homeRoutes, { services });
  await app.register(platformRoutes, { services });
  await app.register(memberRoutes, { services });
}
