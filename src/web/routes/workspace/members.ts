import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services/index.ts';
import { translate } from '../../locale.ts';
import { currentStructureId, requireRole } from '../../plugins/session.ts';

/** Who has access to the structure's workspace: for its administrators. */
export async function memberRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.get('/espace/membres', { onRequest: requireRole('admin') }, async (request, reply) => {
    const members = await services.workspace.members(currentStructureId(request));
    return reply.view('pages/workspace/members.eta', {
      title: translate(request)('members.title', { structure: request.auth!.current!.structureName }),
      structureName: request.auth!.current!.structureName,
      members,
      userId: request.auth!.user.id,
    });
  });
}
