import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services/index.ts';

/** The link at the bottom of every email: stop receiving the platform's emails. */
export async function unsubscribeRoutes(_app: FastifyInstance, _options: { services: Services }) {}
