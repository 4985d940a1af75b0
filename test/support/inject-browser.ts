import type { FastifyInstance } from 'fastify';
import type { Response as InjectResponse } from 'light-my-request';

/**
 * A browser for app.inject: its own cookies and address, HTML accepted,
 * forms posted urlencoded. Enough to walk through the workspace's forms the
 * way a person does (load the page, post its form with the page's token).
 */
let ipCounter = 0;

export class InjectBrowser {
  readonly cookies = new Map<string, string>();
  constructor(
    private readonly app: () => FastifyInstance,
    readonly ip = `198.18.${Math.floor(++ipCounter / 250)}.${(ipCounter % 250) + 1}`,
  ) {}

  async request(
    method: 'GET' | 'POST',
    url: string,
    options: { form?: Record<string, string | string[]>; raw?: string | Buffer; headers?: Record<string, string> } = {},
  ): Promise<InjectResponse> {
    const headers: Record<string, string> = { accept: 'text/html,application/xhtml+xml', ...options.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let payload: string | Buffer | undefined;
    if (options.form || options.raw !== undefined) {
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
      if (options.raw !== undefined) payload = options.raw;
      else {
        const params = new URLSearchParams();
        for (const [k, v] of Object.entries(options.form!)) for (const one of [v].flat()) params.append(k, one);
        payload = params.toString();
      }
    }
    const response = await this.app().inject({ method, url, headers, payload, remoteAddress: this.ip });
    for (const cookie of response.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const cleared = cookie.maxAge === 0 || (cookie.expires && cookie.expires.getTime() <= Date.now()) || cookie.value === '';
      if (cleared) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    return response;
  }

  get(url: string, headers: Record<string, string> = {}) {
    return this.request('GET', url, { headers });
  }

  post(url: string, form: Record<string, string | string[]>) {
    return this.request('POST', url, { form });
  }

  /** Loads the page of a form, then posts it with the token the page carried (unless told otherwise). */
  async submit(pageUrl: string, action: string, form: Record<string, string | string[]>, token?: string) {
    const page = await this.get(pageUrl);
    return this.request('POST', action, { form: { _csrf: token ?? csrfOf(page.body), ...form } });
  }

  async signIn(email: string, password: string) {
    const response = await this.submit('/connexion', '/connexion', { email, password });
    if (response.statusCode !== 303) throw new Error(`sign-in of ${email} failed: ${response.statusCode}`);
    return response;
  }

  /** The token of the forms of the page (the header's, once signed in). */
  async token(url = '/espace') {
    return csrfOf((await this.get(url)).body);
  }
}

export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token on the page');
  return match[1]!;
}

/** The words of a page as a person reads them: tags dropped, entities decoded, spaces collapsed. */
export const pageText = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();

/** The token of the form that posts to this action (a signed-in page has others: the header's). */
export function csrfOfForm(html: string, action: string): string {
  const escaped = action.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`<form[^>]*action="${escaped}"[^>]*>\\s*<input type="hidden" name="_csrf" value="([^"]+)"`).exec(html);
  if (!match) throw new Error(`no form posting to ${action} on the page`);
  return match[1]!;
}
