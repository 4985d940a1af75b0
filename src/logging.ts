import { SECRET_LINKS } from './services/urls.ts';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const declared: readonly { prefix: string; param?: string }[] = Object.values(SECRET_LINKS);

/**
 * Request URLs go to the log, and some carry a secret: a sign-in, password or
 * invitation link works for whoever holds it, and an unsubscribe link names
 * an address. Their secret part is replaced before anything is written.
 * Which parts those are is what PublicUrls declares (SECRET_LINKS), the one
 * place emailed links are built: a link added there is hidden here too.
 */
const SECRET_PATHS = new RegExp(`^(${declared.map((l) => escapeRegExp(l.prefix)).join('|')})[^/?#]+`);
const SECRET_PARAMS = [...new Set(declared.flatMap((l) => (l.param ? [l.param] : [])))];
/**
 * Query parameters that name a person by their address: the API's
 * `recipientEmail` filter, the members page's `email` notice after an
 * invitation. Any other parameter or path segment holding an `@` (a search
 * typed as an address, a return path carrying one) is hidden as well, so a
 * new one cannot leak a learner's address into the log by being forgotten here.
 */
const ADDRESS_PARAMS = new Set(['email', 'recipientEmail']);
const HIDDEN = '***';

const holdsAddress = (text: string) => /@|%40/i.test(text);

export function redactUrl(url: string): string {
  const [path = '', query] = url.split('?', 2) as [string, string | undefined];
  const safePath = path
    .replace(SECRET_PATHS, `$1${HIDDEN}`)
    .split('/')
    .map((segment) => (holdsAddress(segment) ? HIDDEN : segment))
    .join('/');
  if (query === undefined) return safePath;
  const params = new URLSearchParams(query);
  const hidden = [...params].filter(([name, value]) => SECRET_PARAMS.includes(name) || ADDRESS_PARAMS.has(name) || holdsAddress(value));
  for (const [name] of hidden) params.set(name, HIDDEN);
  return `${safePath}?${params.toString().replace(/%2A/g, '*')}`;
}

/**
 * The server's logger: tokens, session cookies and the secrets of emailed
 * links never reach a log. `stream` is for tests that read what was written.
 */
export function loggerOptions(level: string, stream?: { write(line: string): void }) {
  return {
    level,
    redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
    serializers: { req: requestForLog },
    ...(stream && { stream }),
  };
}

/** Fastify's request serializer, with the URL redacted. */
export function requestForLog(request: { method: string; url: string; host?: string; ip?: string; socket?: { remotePort?: number } }) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/**
 * What of an error goes to a log. A failed database query's message carries
 * its parameters (addresses, names): only the SQL and the cause are kept.
 */
export function errorForLog(error: unknown): unknown {
  const e = error as { name?: string; query?: unknown; params?: unknown; cause?: unknown; stack?: string };
  if (e && typeof e === 'object' && typeof e.query === 'string' && Array.isArray(e.params)) {
    const cause = e.cause instanceof Error ? e.cause : undefined;
    return {
      type: e.name ?? 'Error',
      message: `Failed query (parameters withheld): ${e.query.slice(0, 500)}`,
      cause: cause ? { type: cause.name, message: cause.message, code: (cause as { code?: unknown }).code } : undefined,
      stack: cause?.stack,
    };
  }
  return error;
}

/** One line about a background failure, for a warning: never a query's parameters. */
export function briefError(error: unknown): string {
  const e = error as { cause?: unknown; message?: unknown; query?: unknown };
  const message =
    typeof e?.query === 'string' && e.cause instanceof Error ? e.cause.message : typeof e?.message === 'string' ? e.message : String(error);
  return message.split('\n')[0]!.slice(0, 200);
}
