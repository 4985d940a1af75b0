import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services/index.ts';
import { translate } from '../../locale.ts';
import { requirePlatformAdmin } from '../../plugins/session.ts';

/** The Région's view of the programme: every structure and its figures. */
export async function platformRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.get('/espace/structures', { onRequest: requirePlatformAdmin }, async (request, reply) => {
    const { totals, structures } = await services.workspace.platformOverview();
    return reply.view('pages/workspace/structures.eta', {
      title: translate(request)('structures.title'),
      totals,
      structures,
    });
  });
}
