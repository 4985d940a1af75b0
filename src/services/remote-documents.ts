import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { createRequire } from 'node:module';
import type { Agent, buildConnector as BuildConnector } from 'undici';
import { type DocumentLoader, isPng } from '../openbadges/index.ts';
import { isPublicAddress } from './network-addresses.ts';

/**
 * Fetching another issuer's documents for « Vérifier un badge ». Anyone can
 * paste any URL, so every fetch is a door into our own network: only http(s),
 * only public unicast addresses (checked on the address actually connected
 * to, for the first request and for each redirect), a short total time and a
 * bounded body. Each refusal has its own code, which the page explains.
 */

export type RemoteFailure =
  | 'invalid_url'
  | 'scheme_not_allowed'
  | 'private_address'
  | 'name_not_found'
  | 'connection_failed'
  | 'timeout'
  | 'too_large'
  | 'too_many_redirects'
  | 'not_json'
  | 'not_image';

export class RemoteDocumentError extends Error {
  constructor(
    readonly code: RemoteFailure,
    message: string,
  ) {
    super(message);
    this.name = 'RemoteDocumentError';
  }
}

export interface RemoteDocumentsOptions {
  /**
   * VERIFIER_ALLOW_PRIVATE_NETWORKS: lets the test suite fetch from its own
   * local servers. Never on in production (the configuration refuses it).
   */
  allowPrivateNetworks: boolean;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  /**
   * Test-only: decides which resolved addresses may be connected to, to stand
   * in for a public host with a local server. Production uses the default.
   */
  addressAllowed?: (address: string) => boolean;
}

/**
 * Per document. Honest issuers on a slow shared host answer in several
 * seconds (6 s was seen on a genuine badge refused with 5 s): 10 s leaves that
 * margin, while the verification's overall budget (VerifierService) bounds
 * how long a person waits and how long a request holds a connection.
 */
export const REMOTE_TIMEOUT_MS = 10_000;
export const REMOTE_MAX_BYTES = 1_048_576;
/** A badge image may be a large PNG: a verification checks it is one, so it may not fail on its size alone. */
export const REMOTE_MAX_IMAGE_BYTES = 5 * 1_048_576;
export const REMOTE_MAX_REDIRECTS = 3;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const JSON_ACCEPT = 'application/ld+json, application/json;q=0.9';
const IMAGE_ACCEPT = 'image/png, image/svg+xml;q=0.9';
// The assertion a person pastes may be the URL of its baked image: ask for JSON first, take an image too.
const BADGE_ACCEPT = 'application/ld+json, application/json;q=0.9, image/png;q=0.8, image/svg+xml;q=0.8';

/** A document as fetched: its status, its JSON, and what a verifier should note about how it was served. */
export interface FetchedDocument {
  status: number;
  body: unknown;
  /** Set when the JSON came under another content type (text/html, application/octet-stream…) and was parsed anyway. */
  contentType?: string;
  /** The address the answer finally came from, when redirects led elsewhere. */
  finalUrl?: string;
  /** A baked badge image (PNG or SVG) answered instead of JSON; body is then undefined. */
  image?: { mime: 'image/png' | 'image/svg+xml'; bytes: Uint8Array };
}

export interface FetchOptions {
  /** Shorter than the per-document limit when the verification's budget is nearly spent. */
  timeoutMs?: number;
  /** Accept a baked image in answer (the URL a person pasted). */
  acceptImage?: boolean;
}
const USER_AGENT = 'Insigne-Verifier/1.0 (Open Badges 2.0)';

/** The URL itself before any connection: a scheme we fetch, a host. */
export function checkRemoteUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RemoteDocumentError('invalid_url', 'not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RemoteDocumentError('scheme_not_allowed', `${url.protocol} URLs are not fetched`);
  }
  if (url.hostname === '') throw new RemoteDocumentError('invalid_url', 'the URL has no host');
  if (url.username !== '' || url.password !== '') {
    throw new RemoteDocumentError('invalid_url', 'URLs with credentials are not fetched');
  }
  return url;
}

type Body = AsyncIterable<Uint8Array> & { destroy(error?: Error): unknown; dump(options?: { limit: number }): Promise<void> };

const loadUndici = () => createRequire(import.meta.url)('undici') as typeof import('undici');

export class RemoteDocuments {
  private readonly allowed: (address: string) => boolean;
  private agentInstance: Agent | undefined;
  private readonly makeAgent: () => Agent;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly maxRedirects: number;

  constructor(options: RemoteDocumentsOptions) {
    this.allowed = options.addressAllowed ?? ((address) => options.allowPrivateNetworks || isPublicAddress(address));
    this.timeoutMs = options.timeoutMs ?? REMOTE_TIMEOUT_MS;
    this.maxBytes = options.maxBytes ?? REMOTE_MAX_BYTES;
    this.maxRedirects = options.maxRedirects ?? REMOTE_MAX_REDIRECTS;

    // The address is checked inside the connection itself: the one DNS
    // answer we judge is the one the socket uses, so a name cannot resolve
    // to a public address for a check and to a private one for the connect.
    const allowed = this.allowed;
    const guardedLookup: LookupFunction = (hostname, lookupOptions, callback) => {
      dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses: LookupAddress[]) => {
        if (error) {
          callback(nameError(error), '', 0);
          return;
        }
        const refused = addresses.find((a) => !allowed(a.address));
        if (refused || addresses.length === 0) {
          callback(new RemoteDocumentError('private_address', `${hostname} resolves to a non-public address`), '', 0);
          return;
        }
        if (lookupOptions.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      });
    };
    // undici is loaded on the first verification of another issuer's badge, not at start-up.
    this.makeAgent = () => {
      const { Agent, buildConnector } = loadUndici();
      const connector = buildConnector({ lookup: guardedLookup, timeout: this.timeoutMs } as BuildConnector.BuildOptions);
      return new Agent({
        connect: (connectOptions, callback) => {
          // An IP literal never goes through lookup: judge it here.
          const host = connectOptions.hostname.replace(/^\[|\]$/g, '');
          if (isIP(host) !== 0 && !allowed(host)) {
            callback(new RemoteDocumentError('private_address', `${host} is not a public address`), null);
            return;
          }
          connector(connectOptions, callback);
        },
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        // undici's request() never follows redirects by itself: fetch() does it hop by hop.
      });
    };
  }

  private get agent(): Agent {
    return (this.agentInstance ??= this.makeAgent());
  }

  /** The DocumentLoader of the core verifier: any HTTP status is returned, failures throw RemoteDocumentError. */
  loader(): DocumentLoader {
    return { fetchJson: (url) => this.fetchJson(url) };
  }

  async fetchJson(url: string, options: FetchOptions = {}): Promise<FetchedDocument> {
    const response = await this.fetch(url, options.acceptImage ? BADGE_ACCEPT : JSON_ACCEPT, options.timeoutMs);
    const isJsonType = /^application\/(?:ld\+)?json$|\+json$/.test(response.mime);
    const finalUrl = response.url !== checkRemoteUrl(url).href ? { finalUrl: response.url } : {};
    if (response.status !== 200) {
      // A revoked hosted assertion answers 410 with a JSON body that says why (whatever type it was served as).
      const body = parseJson(response.bytes);
      return { status: response.status, body: isJsonType ? (body ?? null) : isJsonObject(body) ? body : null, ...finalUrl };
    }
    if (options.acceptImage) {
      const image = imageOf(response.mime, response.bytes);
      if (image) return { status: 200, body: undefined, image, ...finalUrl };
    }
    // The spec asks for JSON-LD, but real issuers serve it as text/plain, text/html or
    // application/octet-stream: what parses as a JSON object is read, and the type noted.
    const body = parseJson(response.bytes);
    if (body === undefined || (!isJsonType && !isJsonObject(body))) {
      throw new RemoteDocumentError('not_json', `${url} answered ${response.mime || 'no content type'}, not JSON`);
    }
    return { status: 200, body, ...(!isJsonType && { contentType: response.mime || '(none)' }), ...finalUrl };
  }

  /** A badge image, to show on the page: PNG or SVG only. */
  /** Whatever an image URL answers, for the verifier to judge (a BadgeClass image must be one). */
  async fetchImageBytes(url: string, options: FetchOptions = {}): Promise<{ status: number; mime: string; bytes: Uint8Array }> {
    const { status, mime, bytes } = await this.fetch(url, IMAGE_ACCEPT, options.timeoutMs, Math.max(this.maxBytes, REMOTE_MAX_IMAGE_BYTES));
    return { status, mime, bytes };
  }

  async fetchImage(
    url: string,
    options: FetchOptions = {},
  ): Promise<{ status: number; mime: 'image/png' | 'image/svg+xml'; bytes: Uint8Array }> {
    const response = await this.fetch(url, IMAGE_ACCEPT, options.timeoutMs);
    if (response.status !== 200) throw new RemoteDocumentError('not_image', `${url} answered HTTP ${response.status}`);
    const image = imageOf(response.mime, response.bytes);
    if (!image) throw new RemoteDocumentError('not_image', `${url} is not a PNG or SVG image`);
    return { status: 200, ...image };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async fetch(
    url: string,
    accept: string,
    timeoutMs = this.timeoutMs,
    maxBytes = this.maxBytes,
  ): Promise<{ status: number; mime: string; bytes: Uint8Array; url: string }> {
    const limit = Math.max(0, Math.min(timeoutMs, this.timeoutMs));
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new RemoteDocumentError('timeout', `no complete answer within ${limit} ms`)), limit);
    try {
      let current = checkRemoteUrl(url);
      for (let hop = 0; ; hop++) {
        let response;
        try {
          response = await loadUndici().request(current, {
            method: 'GET',
            dispatcher: this.agent,
            signal: controller.signal,
            headers: { accept, 'user-agent': USER_AGENT },
          });
        } catch (error) {
          throw classify(error, controller.signal);
        }
        const body = response.body as unknown as Body;
        if (REDIRECTS.has(response.statusCode)) {
          const location = headerOf(response.headers, 'location');
          await body.dump({ limit: 65_536 }).catch(() => undefined);
          if (!location) return { status: response.statusCode, mime: '', bytes: new Uint8Array(), url: current.href };
          if (hop >= this.maxRedirects) {
            throw new RemoteDocumentError('too_many_redirects', `more than ${this.maxRedirects} redirects`);
          }
          let next: string;
          try {
            next = new URL(location, current).href;
          } catch {
            throw new RemoteDocumentError('invalid_url', 'the redirect points to an invalid URL');
          }
          // The next hop is checked like the first: scheme here, address at its connection.
          current = checkRemoteUrl(next);
          continue;
        }
        const declared = Number(headerOf(response.headers, 'content-length'));
        if (Number.isFinite(declared) && declared > maxBytes) {
          body.destroy();
          throw new RemoteDocumentError('too_large', `the answer announces ${declared} bytes`);
        }
        const bytes = await this.readBounded(body, controller.signal, maxBytes);
        const mime = (headerOf(response.headers, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
        return { status: response.statusCode, mime, bytes, url: current.href };
      }
    } finally {
      clearTimeout(timer);
    }
  }

  private async readBounded(body: Body, signal: AbortSignal, maxBytes: number): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for await (const chunk of body) {
        size += chunk.length;
        if (size > maxBytes) {
          body.destroy();
          throw new RemoteDocumentError('too_large', `the answer exceeds ${maxBytes} bytes`);
        }
        chunks.push(chunk);
      }
    } catch (error) {
      throw classify(error, signal);
    }
    return Buffer.concat(chunks);
  }
}

function headerOf(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A PNG by its signature, an SVG by its start tag: what the bytes are, whatever the declared type. */
function imageOf(mime: string, bytes: Uint8Array): FetchedDocument['image'] {
  if (isPng(bytes)) return { mime: 'image/png', bytes };
  const head = new TextDecoder('utf-8').decode(bytes.subarray(0, 4096)).replace(/^\uFEFF/, '');
  if ((mime === 'image/svg+xml' || /^\s*(?:<\?xml[^>]*>\s*)?<svg[\s>]/i.test(head)) && /<svg[\s>]/i.test(head)) {
    return { mime: 'image/svg+xml', bytes };
  }
  return undefined;
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '')) as unknown;
  } catch {
    return undefined;
  }
}

function nameError(error: NodeJS.ErrnoException): Error {
  return error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN' || error.code === 'ENODATA'
    ? new RemoteDocumentError('name_not_found', 'the host name does not resolve')
    : error;
}

/** Our own refusals travel through undici as the cause of its errors: find them. */
function classify(error: unknown, signal: AbortSignal): RemoteDocumentError {
  for (let e = error, depth = 0; e && depth < 6; depth++) {
    if (e instanceof RemoteDocumentError) return e;
    const errors = (e as { errors?: unknown[] }).errors;
    const inner = Array.isArray(errors) ? errors.find((x) => x instanceof RemoteDocumentError) : undefined;
    if (inner) return inner as RemoteDocumentError;
    e = (e as { cause?: unknown }).cause;
  }
  if (signal.aborted) {
    return signal.reason instanceof RemoteDocumentError ? signal.reason : new RemoteDocumentError('timeout', 'the fetch was aborted');
  }
  const code = (error as { code?: string } | undefined)?.code;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new RemoteDocumentError('name_not_found', 'the host name does not resolve');
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new RemoteDocumentError('timeout', 'the server took too long');
  }
  return new RemoteDocumentError('connection_failed', error instanceof Error ? error.message : 'the connection failed');
}
