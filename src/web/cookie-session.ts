import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * One cookie of getting in (the staff session, the learner session, the
 * pre-session CSRF secret): its name and attributes, and reading, setting and
 * clearing it. Every such cookie is HttpOnly, SameSite=Lax, Path=/, and under
 * https Secure with the __Host- prefix (no subdomain can set it). Without
 * `maxAgeSeconds` it ends with the browser; the server ends the session itself.
 * What the token opens stays with each session's own service and table.
 */
export class CookieSession {
  readonly name: string;

  constructor(
    baseName: string,
    private readonly options: { secure: boolean; maxAgeSeconds?: number },
  ) {
    this.name = `${options.secure ? '__Host-' : ''}${baseName}`;
  }

  private attributes() {
    return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: this.options.secure };
  }

  /** The raw token the browser sent, if any (its form is for the service to check). */
  read(request: FastifyRequest): string | undefined {
    return request.cookies[this.name] || undefined;
  }

  set(reply: FastifyReply, token: string): void {
    const maxAge = this.options.maxAgeSeconds;
    reply.setCookie(this.name, token, { ...this.attributes(), ...(maxAge !== undefined && { maxAge }) });
  }

  clear(reply: FastifyReply): void {
    reply.clearCookie(this.name, this.attributes());
  }
}

/** Cookies are Secure (and __Host- prefixed) when PUBLIC_URL is https. */
export const secureCookies = (publicUrl: string): boolean => publicUrl.startsWith('https://');
