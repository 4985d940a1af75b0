import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services/index.ts';
import { formBody } from '../../forms.ts';
import { requireUser } from '../../plugins/session.ts';

/** The staff session: leaving it, and moving it between one's structures. */
export async function staffSessionRoutes(app: FastifyInstance, { services }: { services: Services }) {
  // Signing out of a session that has already ended just says goodbye.
  app.post('/deconnexion', async (request, reply) => {
    if (request.auth) await services.auth.signOut(request.auth);
    app.sessionCookies.staff.clear(reply);
    return reply.redirect('/connexion?deconnecte=1', 303);
  });

  // The switcher in the header: only a structure the person belongs to; the
  // workspace then shows that one, whatever page it was sent from.
  app.post('/espace/structure/changer', { onRequest: requireUser }, async (request, reply) => {
    const structureId = formBody(request.body).structureId;
    await services.auth.switchStructure(request.auth!, typeof structureId === 'string' ? structureId : '');
    return reply.redirect('/espace', 303);
  });
}
