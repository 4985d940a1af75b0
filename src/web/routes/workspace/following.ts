import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services/index.ts';

/** Following: awarded badges and their detail, figures, API tokens, the audit trail. */
export async function followingRoutes(_app: FastifyInstance, _options: { services: Services }) {}
