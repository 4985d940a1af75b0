/**
 * Request URLs go to the log, and some carry a secret: a sign-in, password or
 * invitation link works for whoever holds it, and an unsubscribe link names
 * an address. Their secret part is replaced before anything is written.
 */
const SECRET_PATHS = /^(\/mon-espace\/lien\/|\/mot-de-passe\/|\/invitation\/|\/courriels\/arret\/)[^/?#]+/;
const SECRET_PARAMS = ['jeton', 'token'];

export function redactUrl(url: string): string {
  const [path = '', query] = url.split('?', 2) as [string, string | undefined];
  const safePath = path.replace(SECRET_PATHS, '$1***');
  if (query === undefined) return safePath;
  const params = new URLSearchParams(query);
  for (const name of SECRET_PARAMS) if (params.has(name)) params.set(name, '***');
  return `${safePath}?${params.toString().replace(/%2A/g, '*')}`;
}

/** Fastify's request serializer, with the URL redacted. */
export function requestForLog(request: {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
