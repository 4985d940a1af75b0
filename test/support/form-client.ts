import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Response as InjectResponse } from 'light-my-request';

let ipCounter = 0;

/**
 * A person's browser over fastify.inject: its own cookies and address, HTML
 * accepted, forms posted urlencoded with the CSRF token their page carried.
 * `app` can be swapped to move the same browser to another instance.
 */
export class FormClient {
  readonly cookies = new Map<string, string>();
  constructor(
    public app: FastifyInstance,
    readonly ip = `203.0.113.${(++ipCounter % 250) + 1}`,
  ) {}

  async request(
    method: 'GET' | 'POST',
    url: string,
    options: { form?: Record<string, string | string[]>; headers?: Record<string, string> } = {},
  ): Promise<InjectResponse> {
    const headers: Record<string, string> = { accept: 'text/html,application/xhtml+xml', ...options.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let payload: string | undefined;
    if (options.form) {
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(options.form)) for (const one of [v].flat()) params.append(k, one);
      payload = params.toString();
    }
    const response = await this.app.inject({ method, url, headers, payload, remoteAddress: this.ip } as InjectOptions);
    for (const cookie of response.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const cleared = cookie.maxAge === 0 || (cookie.expires && cookie.expires.getTime() <= Date.now()) || cookie.value === '';
      if (cleared) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    return response;
  }

  get(url: string) {
    return this.request('GET', url);
  }

  /** Loads the page of a form, then posts it with the token that page carried. */
  async submit(pageUrl: string, action: string, form: Record<string, string | string[]>) {
    const page = await this.get(pageUrl);
    return this.request('POST', action, { form: { _csrf: csrfOf(page.body), ...form } });
  }

  async signIn(email: string, password: string) {
    const response = await this.submit('/connexion', '/connexion', { email, password });
    if (response.statusCode !== 303) throw new Error(`sign-in failed (${response.statusCode}): ${response.body.slice(0, 300)}`);
    return response;
  }
}

export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token on the page');
  return match[1]!;
}
