import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../../services/index.ts';
import { awardImportRoutes } from './csv-import.ts';
import { learnerRoutes } from './learners.ts';
import { oneAwardRoutes } from './one-award.ts';

/** Awarding: one badge at a time, a CSV file of them, and the structure's learners with the general badge. */
export async function awardingRoutes(app: FastifyInstance, options: { services: Services }) {
  await app.register(oneAwardRoutes, options);
  await app.register(awardImportRoutes, options);
  await app.register(learnerRoutes, options);
}
