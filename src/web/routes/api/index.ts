import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { Services } from '../../../services/index.ts';
import { apiV1Routes } from './v1/index.ts';
import { verificationApiRoutes } from './v1/verifications.ts';

/** The REST API for integrations, documented as OpenAPI at /api/docs. */
export async function apiRoutes(app: FastifyInstance, options: { services: Services; publicUrl: string }) {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Insigne API',
        version: '1.0.0',
        description:
          "Award, read and revoke Open Badges 2.0 for your structure; verify anyone's. Every request but POST /v1/verifications carries " +
          '`Authorization: Bearer <token>`; a token belongs to one structure and sees nothing of others. ' +
          'Create one with `npx insigne token create --structure ID`. Errors are JSON: ' +
          '`{ "error": { "code", "message", "details"? } }` with a 4xx status; messages follow Accept-Language (French by default).',
      },
      servers: [{ url: options.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  // indexPrefix: the console's assets are linked from /api/docs, under this plugin's /api prefix.
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', indexPrefix: '/api' });
  await app.register(apiV1Routes, { prefix: '/v1', services: options.services });
  // Beside, not inside, apiV1Routes: no bearer token (its hook stays in its own context).
  await app.register(verificationApiRoutes, { prefix: '/v1', services: options.services });
}
