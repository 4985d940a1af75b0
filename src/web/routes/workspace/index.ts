import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services/index.ts';
import { verifySessionCsrf } from '../../plugins/session.ts';
import { awardingRoutes } from './awarding/index.ts';
import { badgeClassAndCatalogueRoutes } from './badge-classes/index.ts';
import { followingRoutes } from './following/index.ts';
import { homeRoutes } from './home.ts';
import { mailRoutes } from './mail.ts';
import { memberRoutes } from './members.ts';
import { platformRoutes } from './platform.ts';
import { platformStructureRoutes } from './platform-structure.ts';
import { staffSessionRoutes } from './staff-session.ts';
import { structureProfileRoutes } from './structure-profile.ts';

/**
 * Everything behind sign-in. Each route guards itself (requireUser,
 * requireRole, requirePlatformAdmin from plugins/session.ts) and scopes its
 * queries by the session's current structure; every POST, PUT, PATCH or
 * DELETE registered here must carry the session's CSRF token.
 */
export async function workspaceRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.addHook('preValidation', verifySessionCsrf);
  // Without SMTP no email leaves: every workspace page says so, since many of them send one.
  app.addHook('preHandler', async (_request, reply) => {
    if (!services.mail.configured) reply.locals = { ...reply.locals, mailHeld: true };
  });
  // A workspace page is about one person and one structure: never cached, never framed.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'private, no-store');
  });
  await app.register(staffSessionRoutes, { services });
  await app.register(homeRoutes, { services });
  await app.register(platformRoutes, { services });
  await app.register(platformStructureRoutes, { services });
  await app.register(memberRoutes, { services });
  await app.register(structureProfileRoutes, { services });
  await app.register(badgeClassAndCatalogueRoutes, { services });
  await app.register(awardingRoutes, { services });
  await app.register(followingRoutes, { services });
  await app.register(mailRoutes, { services });
}
