// URL rules shared by the builders (what we publish) and the verifier (what
// we accept from others).

export function parseHttpUrl(value: unknown): URL | null {
  if (typeof value !== 'string' || value.trim() !== value || value === '') return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  return url.protocol === 'https:' || url.protocol === 'http:' ? url : null;
}

export function isHttpUrl(value: unknown): value is string {
  return parseHttpUrl(value) !== null;
}

export function isDataUri(value: unknown): boolean {
  return typeof value === 'string' && /^data:/i.test(value.trim());
}

function effectivePort(url: URL): string {
  if (url.port !== '') return url.port;
  return url.protocol === 'https:' ? '443' : '80';
}

/**
 * "Host means host plus port" (INTEROP): https://a and http://a:443 are the
 * same place, https://a and https://a:8443 are not.
 */
export function sameHostAndPort(a: string, b: string): boolean {
  const ua = parseHttpUrl(a);
  const ub = parseHttpUrl(b);
  if (!ua || !ub) return false;
  return ua.hostname.toLowerCase() === ub.hostname.toLowerCase() && effectivePort(ua) === effectivePort(ub);
}

/** Equality up to URL normalisation (default port, host case, empty path). */
export function sameUrl(a: string, b: string): boolean {
  const ua = parseHttpUrl(a);
  const ub = parseHttpUrl(b);
  if (!ua || !ub) return a === b;
  return ua.href === ub.href;
}
