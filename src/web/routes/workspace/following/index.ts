import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../../services/index.ts';
import { followingAdminRoutes } from './admin.ts';
import { followingAuditRoutes } from './audit.ts';
import { followingAwardRoutes } from './awards.ts';
import { followingFigureRoutes } from './figures.ts';

/** Following: awarded badges and their detail, figures, API tokens, the audit trail. */
export async function followingRoutes(app: FastifyInstance, options: { services: Services }) {
  await app.register(followingAwardRoutes, options);
  await app.register(followingFigureRoutes, options);
  await app.register(followingAdminRoutes, options);
  await app.register(followingAuditRoutes, options);
}
