import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services/index.ts';

/** The structure's badge classes (editor, versions, archive) and the shared catalogue. */
export async function badgeClassRoutes(_app: FastifyInstance, _options: { services: Services }) {}
