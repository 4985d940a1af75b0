import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services/index.ts';

/** The structure's public profile and its invitations. */
export async function accountRoutesForAdmins(_app: FastifyInstance, _options: { services: Services }) {}
