import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../../../services/index.ts';
import { callerOf } from './index.ts';
import { apiErrorResponses, badgeClassResource, toBadgeClassResource } from './resources.ts';

export async function badgeClassRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/badge-classes',
    {
      schema: {
        summary: "The badge classes your structure can award (the regional catalogue's nine and your own)",
        tags: ['Badge classes'],
        response: { 200: z.object({ items: z.array(badgeClassResource) }), ...apiErrorResponses },
      },
    },
    async (request) => {
      const { structureId } = callerOf(request);
      const rows = await services.badgeClasses.listAwardable(structureId);
      return { items: rows.map((row) => toBadgeClassResource(row, services.urls)) };
    },
  );
}
