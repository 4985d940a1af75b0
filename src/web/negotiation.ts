import type { FastifyRequest } from 'fastify';

export type Representation = 'html' | 'ld+json' | 'json';

/**
 * One URL, two audiences: a browser gets the verification page, every other
 * client the JSON-LD document. Verifiers send no Accept, `*\/*`, or JSON
 * types; only a client that prefers text/html gets HTML.
 */
export function negotiateDocument(request: FastifyRequest): Representation {
  const type = request.accepts().type(['application/ld+json', 'application/json', 'text/html']);
  if (type === 'text/html') return 'html';
  if (type === 'application/json') return 'json';
  return 'ld+json';
}

export function jsonContentType(representation: Representation): string {
  return representation === 'json' ? 'application/json; charset=utf-8' : 'application/ld+json; charset=utf-8';
}
