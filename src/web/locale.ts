import type { FastifyRequest } from 'fastify';
import { type Locale, type Translate, translator } from '../i18n/index.ts';

/**
 * The language of this request: the one asked in the address (`?lang=`, the
 * language switch), else the one chosen before (the `lang` cookie the switch
 * sets), else the browser's or client's Accept-Language, French first when
 * it prefers neither or says nothing.
 */
export function localeOf(request: FastifyRequest): Locale {
  const query = (request.query as Record<string, unknown> | undefined)?.lang;
  if (query === 'fr' || query === 'en') return query;
  const cookie = request.cookies?.lang;
  if (cookie === 'fr' || cookie === 'en') return cookie;
  return request.accepts().language(['fr', 'en']) === 'en' ? 'en' : 'fr';
}

/** The translator for the language of this request's pages. */
export function translate(request: FastifyRequest): Translate {
  return translator(localeOf(request));
}
