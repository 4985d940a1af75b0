import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services/index.ts';

/** The outbox as the structure and the platform administrator see it: failures, corrections, re-sends. */
export async function mailRoutes(_app: FastifyInstance, _options: { services: Services }) {}
