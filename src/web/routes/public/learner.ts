import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services/index.ts';

/** The learner's space: sign-in links, their badges, downloads, sharing, privacy. */
export async function learnerRoutes(_app: FastifyInstance, _options: { services: Services }) {}
