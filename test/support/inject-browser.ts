import type { FastifyInstance } from 'fastify';
import type { Response as InjectResponse } from 'light-my-request';

/**
 * A browser for app.inject: its own cookies and address, HTML accepted,
 * forms posted urlencoded. Enough to walk through the workspace's forms the
 * way a person does (load the page, post its form with the page's token).
 * Test files give it their app and, when they sign people in, their password:
 * `class Browser extends InjectBrowser` (see test/web/auth.test.ts).
 */
let ipCounter = 0;

/** A file of a multipart form, as a person picks it. */
export interface FilePart {
  fileName: string;
  bytes: Uint8Array;
  type?: string;
}

/** A form's fields: a value, several values of one name, or a file. */
export type FormFields = Record<string, string | string[] | FilePart>;

/** The fields as the FormData a browser would send. */
export function formData(fields: FormFields): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string') form.append(name, value);
    else if (Array.isArray(value)) for (const one of value) form.append(name, one);
    else
      form.append(
        name,
        new Blob([value.bytes as Uint8Array<ArrayBuffer>], { type: value.type ?? 'application/octet-stream' }),
        value.fileName,
      );
  }
  return form;
}

export class InjectBrowser {
  readonly cookies = new Map<string, string>();
  constructor(
    private readonly app: () => FastifyInstance,
    readonly ip = `198.18.${Math.floor(++ipCounter / 250)}.${(ipCounter % 250) + 1}`,
  ) {}

  async request(
    method: 'GET' | 'POST',
    url: string,
    options: {
      form?: Record<string, string | string[]>;
      /** A multipart/form-data body, like the forms that carry files (fields and files, or a FormData). */
      multipart?: FormFields | FormData;
      raw?: string | Buffer;
      headers?: Record<string, string>;
    } = {},
  ): Promise<InjectResponse> {
    const headers: Record<string, string> = { accept: 'text/html,application/xhtml+xml', ...options.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let payload: string | Buffer | undefined;
    if (options.multipart) {
      const body = options.multipart instanceof FormData ? options.multipart : formData(options.multipart);
      // Encoded the way a browser does it, boundary and all.
      const encoded = new Request('http://x/', { method: 'POST', body });
      headers['content-type'] = encoded.headers.get('content-type')!;
      payload = Buffer.from(await encoded.arrayBuffer());
    } else if (options.form || options.raw !== undefined) {
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

  /** Posts a form as it stands, or with this token added as the page's would be. */
  post(url: string, form: Record<string, string | string[]>, token?: string) {
    return this.request('POST', url, { form: token === undefined ? form : { _csrf: token, ...form } });
  }

  /**
   * Posts a form as one sent from a workspace page: with the token of that
   * page's header (or `token`; null sends none), urlencoded or, with
   * `multipart`, as multipart/form-data (files allowed).
   */
  async postFromWorkspace(url: string, fields: FormFields = {}, options: { token?: string | null; multipart?: boolean } = {}) {
    const token = options.token === undefined ? await this.token() : options.token;
    const all = token === null ? fields : { _csrf: token, ...fields };
    if (options.multipart) return this.request('POST', url, { multipart: all });
    const form: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(all)) {
      if (typeof value !== 'string' && !Array.isArray(value)) throw new Error(`the file ${name} needs a multipart form`);
      form[name] = value;
    }
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
  if (!match) throw new Error(`no CSRF token on the page:\n${html.slice(0, 500)}`);
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
