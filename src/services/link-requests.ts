import { randomInt } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import { claimNextLinkRequest, deleteLinkRequest, insertLinkRequest, type LinkRequestRow } from '../db/repositories/link-requests.ts';
import type { LinkRequestPurpose } from '../db/schema.ts';
import { type Locale, LOCALES } from '../i18n/index.ts';
import { Poller } from './background/poller.ts';
import type { MailSignal } from './mail/signal.ts';

/** What the work behind a request gets: the address as typed (maybe nobody's), the page's language, the asker's address. */
export interface LinkRequest {
  email: string;
  lang: Locale;
  ip: string;
}

/** Sends the link if the address is known (and not asked too often), inside the runner's transaction. */
export type LinkRequestHandler = (tx: Database, request: LinkRequest) => Promise<void>;

/**
 * The forgotten-password and learner sign-in forms answer before the work:
 * both queue one row, whatever the address, and say the same, so that
 * neither the answer nor the time it takes tells whether an address has an
 * account or badges. Whether there is an account, a token and an email is
 * decided after, by the runner, one request per transaction.
 */
export class LinkRequests {
  private readonly listeners = new Set<() => void>();
  private handlers: Record<LinkRequestPurpose, LinkRequestHandler> | undefined;

  constructor(
    private readonly db: Database,
    private readonly now: Clock,
    private readonly mailSignal: MailSignal,
  ) {}

  /** Who does the work of each kind (the accounts and the learners' services, wired in index.ts). */
  handle(handlers: Record<LinkRequestPurpose, LinkRequestHandler>): void {
    this.handlers = handlers;
  }

  /** The whole of what a form does for any address: one row, then a nudge to this process's runner. */
  async queue(purpose: LinkRequestPurpose, request: LinkRequest): Promise<void> {
    await insertLinkRequest(this.db, { purpose, ...request, ip: request.ip.slice(0, 100), requestedAt: this.now() });
    for (const listener of this.listeners) listener();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Does the work of the oldest request and deletes it, in one transaction; false when none is left. */
  async runNext(): Promise<boolean> {
    const handlers = this.handlers;
    if (!handlers) throw new Error('LinkRequests: no handlers');
    const done = await this.db.transaction(async (tx) => {
      const row = await claimNextLinkRequest(tx);
      if (!row) return false;
      await handlers[row.purpose](tx, requestOf(row));
      await deleteLinkRequest(tx, row.id);
      return true;
    });
    if (done) this.mailSignal.notify();
    return done;
  }
}

const requestOf = (row: LinkRequestRow): LinkRequest => ({
  email: row.email,
  lang: (LOCALES as readonly string[]).includes(row.lang) ? (row.lang as Locale) : 'fr',
  ip: row.ip,
});

/** The link goes out this long after the answer, plus up to the jitter. */
const WAKE_AFTER_MS = 200;
const WAKE_JITTER_MS = 800;

/**
 * Works through the link requests in the background of every server
 * (src/platform.ts starts and stops it): at once when this process queued
 * one, and by polling for what another instance left.
 */
export class LinkRequestRunner {
  private readonly poller: Poller;
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly requests: LinkRequests,
    options: { intervalMs?: number; onError?: (error: unknown) => void } = {},
  ) {
    this.poller = new Poller({
      name: 'Link request runner',
      warningType: 'InsigneMailWarning',
      intervalMs: options.intervalMs ?? 5000,
      round: () => this.requests.runNext(),
      onError: options.onError,
    });
  }

  start(): void {
    this.unsubscribe = this.requests.subscribe(() => this.wakeSoon());
    this.poller.start();
  }

  /**
   * The work starts a moment after the answer, never alongside it: the
   * embedded database runs in this process's thread, so work begun at once
   * would still slow the answer for a known address. The moment varies, so
   * that a request sent just after does not find the work at a fixed time.
   */
  private wakeSoon(): void {
    if (this.timer) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.poller.wake();
      },
      WAKE_AFTER_MS + randomInt(WAKE_JITTER_MS),
    );
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.poller.stop();
  }

  /** Does every queued request now; resolves when none is left (tests, and whoever must see the email at once). */
  async drain(): Promise<void> {
    await this.poller.idle();
    while (await this.requests.runNext()) {
      // next one
    }
    // …and the one the background loop may have been holding meanwhile.
    await this.poller.idle();
  }
}
