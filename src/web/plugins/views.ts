import { fileURLToPath } from 'node:url';
import fastifyView from '@fastify/view';
import { Eta } from 'eta';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { formatDate, formatNumber, type Locale, LOCALES, translator } from '../../i18n/index.ts';
import { localeOf } from '../locale.ts';
import { mailErrorKey } from '../mail-errors.ts';
import { renderNarrative } from '../narrative.ts';
import { onceKey } from '../once.ts';
import { validityText } from '../validity.ts';

export const VIEWS_DIR = fileURLToPath(new URL('../../../views', import.meta.url));

declare module 'fastify' {
  interface FastifyReply {
    locals?: Record<string, unknown>;
  }
}

/**
 * The path of this page as a link that can only stay on this site. The
 * request's path is raw: `/.//evil.com` normalises to `//evil.com`, which a
 * browser reads as another host. Runs of slashes (backslashes are already
 * slashes once parsed) become one: no route has an empty segment, so no
 * page that exists changes, and the result always starts with one `/`.
 */
function samePagePath(pathname: string): string {
  return `/${pathname.replace(/^[/\\]+/, '').replace(/[/\\]{2,}/g, '/')}`;
}

/** What every template can use: the translator, the locale, and formatting helpers. */
export function viewContext(request: FastifyRequest) {
  const locale: Locale = localeOf(request);
  const url = new URL(request.url, 'http://x');
  const t = translator(locale);
  return {
    locale,
    locales: LOCALES,
    t,
    date: (d: Date | null | undefined) => (d ? formatDate(d, locale) : ''),
    // A count in the reader's words (« 20 000 »); nothing for a count there is none of.
    number: (n: number | null | undefined) => (typeof n === 'number' ? formatNumber(n, locale) : ''),
    narrative: renderNarrative,
    // On an English page, the badges' own words (names, descriptions, criteria of the regional catalogue) stay French and say so.
    fr: locale === 'fr' ? '' : ' lang="fr"',
    // A colon after a label, as each language writes it (French puts a no-break space before it).
    colon: locale === 'fr' ? '\u00a0:' : ':',
    // Why an email was not delivered, in words (the raw text is the Région's only).
    mailError: (lastError: string) => t(mailErrorKey(lastError)),
    // A badge's validity in the words people use (« 24 mois », « 1 an »), never a count of days that is a whole number of months.
    validity: (days: number) => validityText(t, days),
    // A fresh one-time key for each state-changing form a page shows (src/web/once.ts).
    onceKey,
    // The language switch keeps the person on the page they are reading.
    switchLocaleHref: (target: Locale) => {
      url.searchParams.set('lang', target);
      return `${samePagePath(url.pathname)}?${url.searchParams.toString()}`;
    },
    path: url.pathname,
  };
}

export const views = fp(async (app: FastifyInstance, options: { production: boolean; secureCookies: boolean }) => {
  // Eta escapes `<%= %>` by default; raw output (`<%~ %>`) is kept to
  // markup we build ourselves (the layout body, rendered narratives).
  const eta = new Eta({ views: VIEWS_DIR, cache: options.production, autoEscape: true, autoTrim: [false, 'nl'] });
  await app.register(fastifyView, {
    engine: { eta },
    templates: VIEWS_DIR,
    layout: 'layouts/main.eta',
    production: options.production,
  });
  app.addHook('preHandler', async (request, reply) => {
    reply.locals = { ...reply.locals, ...viewContext(request) };
  });
  // A page's language comes from ?lang, the lang cookie or Accept-Language (src/web/locale.ts): a cache must keep them apart.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (!String(reply.getHeader('content-type') ?? '').startsWith('text/html')) return payload;
    const vary = String(reply.getHeader('vary') ?? '');
    const names = new Set(
      vary
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    );
    for (const name of ['Accept-Language', 'Cookie']) if (![...names].some((n) => n.toLowerCase() === name.toLowerCase())) names.add(name);
    reply.header('vary', [...names].join(', '));
    return payload;
  });
  // A language chosen from the switch is remembered for the next pages.
  app.addHook('onRequest', async (request, reply) => {
    const lang = (request.query as Record<string, unknown> | undefined)?.lang;
    if ((lang === 'fr' || lang === 'en') && request.cookies.lang !== lang) {
      reply.setCookie('lang', lang, { path: '/', sameSite: 'lax', httpOnly: true, secure: options.secureCookies, maxAge: 31_536_000 });
    }
  });
});
