import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { OpenAPIV3_1 } from 'openapi-types';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { Services } from '../../../services/index.ts';
import { apiReference } from '../../api-reference.ts';
import { translate } from '../../locale.ts';
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
  // The reference as a page of our own, read from the OpenAPI document: swagger-ui's console
  // could not be made accessible (unlabelled fields and selects, nested buttons, contrast).
  const hidden = { schema: { hide: true } };
  app.get('/docs', hidden, async (request, reply) =>
    reply.view('pages/api-docs.eta', {
      title: translate(request)('apiDocs.title'),
      reference: apiReference(app.swagger() as OpenAPIV3_1.Document),
    }),
  );
  app.get('/docs/', hidden, async (_request, reply) => reply.redirect('/api/docs', 301));
  app.get('/docs/json', hidden, async (_request, reply) => reply.header('access-control-allow-origin', '*').send(app.swagger()));
  app.get('/docs/yaml', hidden, async (_request, reply) =>
    reply
      .header('access-control-allow-origin', '*')
      .type('application/yaml; charset=utf-8')
      .send(app.swagger({ yaml: true })),
  );
  await app.register(apiV1Routes, { prefix: '/v1', services: options.services });
  // Beside, not inside, apiV1Routes: no bearer token (its hook stays in its own context).
  await app.register(verificationApiRoutes, { prefix: '/v1', services: options.services });
}
