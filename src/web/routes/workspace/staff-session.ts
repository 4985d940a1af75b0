import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../../services/index.ts';
import { requireUser } from '../../plugins/session.ts';

/** The staff session: leaving it, and moving it between one's structures. */
export async function staffSessionRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  // Signing out of a session that has already ended just says goodbye.
  app.post('/deconnexion', async (request, reply) => {
    if (request.auth) await services.auth.signOut(request.auth);
    app.sessionCookies.staff.clear(reply);
    return reply.redirect('/connexion?deconnecte=1', 303);
  });

  // The switcher in the header: only a structure the person belongs to; the
  // workspace then shows that one, whatever page it was sent from.
  // A structure id that is not one of the person's memberships is refused by the service (403).
  const switchForm = z.looseObject({ structureId: z.string().max(100).catch('') });

  app.post('/espace/structure/changer', { onRequest: requireUser, schema: { body: switchForm } }, async (request, reply) => {
    await services.auth.switchStructure(request.auth!, request.body.structureId);
    return reply.redirect('/espace', 303);
  });
}
