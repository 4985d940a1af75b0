import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform.ts';

/** For load balancers: alive (the process answers) and ready (the database answers too). */
export async function healthRoutes(app: FastifyInstance, { platform }: { platform: Platform }) {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await platform.services.pingDatabase();
      return { status: 'ready' };
    } catch {
      return reply.code(503).header('retry-after', '5').send({ status: 'unavailable', reason: 'database' });
    }
  });
}
