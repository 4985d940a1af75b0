import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services/index.ts';

/** « Vérifier un badge »: any Open Badges 2.0 badge, from a file, a URL or a JWS. */
export async function verifierRoutes(_app: FastifyInstance, _options: { services: Services }) {}
