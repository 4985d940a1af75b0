import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services/index.ts';
import { translate } from '../../locale.ts';
import { requireUser } from '../../plugins/session.ts';

/** The workspace's first page: who you are, where you work, what there is and what you can do. */
export async function homeRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.get('/espace', { onRequest: requireUser }, async (request, reply) => {
    const auth = request.auth!;
    const [overview, platform, generalNotices] = await Promise.all([
      auth.current ? services.workspace.structureOverview(auth.current.structureId) : null,
      auth.user.isPlatformAdmin ? services.workspace.platformOverview() : null,
      auth.current ? services.structureLearners.generalBadgeNotices(auth.current.structureId) : [],
    ]);
    return reply.view('pages/workspace/home.eta', {
      title: translate(request)('workspace.title'),
      user: auth.user,
      current: auth.current,
      overview,
      platform: platform?.totals ?? null,
      generalNotices,
      urls: { framework: services.urls.framework(), api: '/api/docs' },
    });
  });
}
