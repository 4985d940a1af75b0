import type { FastifyRequest } from 'fastify';
import { type Locale, type Translate, translator } from '../i18n/index.ts';

/**
 * French first. Pages switch to English only when the person chose it (the
 * language switch sets `lang`); API clients, which have no switch, may ask
 * through Accept-Language.
 */
export function localeOf(request: FastifyRequest, options: { acceptLanguage?: boolean } = {}): Locale {
  const query = (request.query as Record<string, unknown> | undefined)?.lang;
  if (query === 'fr' || query === 'en') return query;
  const cookie = request.cookies?.lang;
  if (cookie === 'fr' || cookie === 'en') return cookie;
  if (options.acceptLanguage) return request.accepts().language(['fr', 'en']) === 'en' ? 'en' : 'fr';
  return 'fr';
}

/** The translator for the language of this request's pages. */
export function translate(request: FastifyRequest): Translate {
  return translator(localeOf(request));
}
