import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services/index.ts';

/** Awarding: one badge, a CSV file, the general badge; a learner's page in the structure. */
export async function awardingRoutes(_app: FastifyInstance, _options: { services: Services }) {}
