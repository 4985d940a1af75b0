import type { FastifyInstance } from 'fastify';
import type { AuthenticatedToken } from '../../../../services/api-tokens.ts';
import { DomainError } from '../../../../services/errors.ts';
import type { Services } from '../../../../services/index.ts';
import { assertionRoutes } from './assertions.ts';
import { badgeClassRoutes } from './badge-classes.ts';

declare module 'fastify' {
  interface FastifyRequest {
    apiCaller?: AuthenticatedToken;
  }
}

export function callerOf(request: { apiCaller?: AuthenticatedToken }): AuthenticatedToken {
  if (!request.apiCaller) throw new DomainError('invalid_token', 401);
  return request.apiCaller;
}

export async function apiV1Routes(app: FastifyInstance, { services }: { services: Services }) {
  app.decorateRequest('apiCaller', undefined);
  // The API speaks JSON only: anything else is a 415, not a parse error.
  app.removeContentTypeParser('text/plain');
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      reply.header('www-authenticate', 'Bearer');
      throw new DomainError('invalid_token', 401);
    }
    try {
      request.apiCaller = await services.apiTokens.authenticate(match[1]!);
    } catch (error) {
      // Every 401 says how to authenticate (RFC 6750).
      if (error instanceof DomainError && error.status === 401) {
        reply.header('www-authenticate', 'Bearer error="invalid_token"');
      }
      throw error;
    }
  });
  await app.register(badgeClassRoutes, { services });
  await app.register(assertionRoutes, { services });
}
