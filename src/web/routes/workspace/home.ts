import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services/index.ts';
import { translate } from '../../locale.ts';
import { requireUser } from '../../plugins/session.ts';

/** The workspace's first page: who you are, where you work, what there is and what you can do. */
export async function homeRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.get('/espace', { onRequest: requireUser }, async (request, reply) => {
    const auth = request.auth!;
    // Someone whose only structures are closed: a plain page that says so, and nothing else to do here.
    if (!auth.current && !auth.user.isPlatformAdmin && auth.closedStructures.length) {
      return reply.view('pages/workspace/closed.eta', {
        title: translate(request)('structures.closedPage.title'),
        structures: auth.closedStructures,
      });
    }
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
