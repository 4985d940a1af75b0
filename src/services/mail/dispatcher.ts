import type { Database } from '../../db/database.ts';
import { randomUUID } from 'node:crypto';
import {
  type ClaimedMessage,
  claimDueMessages,
  holdDueMessages,
  markAttemptFailed,
  markSent,
  renewMessageClaims,
} from '../../db/repositories/outbox.ts';
import type { MailKind } from '../../db/schema.ts';
import { CLAIM_LEASE_MS, Heartbeat } from '../background/heartbeat.ts';
import { Poller } from '../background/poller.ts';
import type { MailSignal } from './signal.ts';
import { MailSendError, type MailTransport } from './transport.ts';
import type { UnsubscribeLinks } from './unsubscribe-links.ts';
import type { Clock } from '../../clock.ts';

const MINUTE = 60_000;
/** Wait before attempt 2, 3, …: after the last one, the message is `failed`. */
export const RETRY_DELAYS_MS: readonly number[] = [MINUTE, 5 * MINUTE, 30 * MINUTE, 120 * MINUTE, 720 * MINUTE];
/**
 * Recording the outcome of a send (above all `sent`) is tried again until
 * the database answers, waiting from 100 ms doubling up to 5 s: a message
 * left `sending` would be sent again once its lease lapsed. Once the
 * dispatcher is stopping, it gives up after RECORD_TRIES_WHEN_STOPPING more
 * tries rather than hold the shutdown forever.
 */
const RECORD_RETRY_FIRST_MS = 100;
const RECORD_RETRY_MAX_MS = 5_000;
const RECORD_TRIES_WHEN_STOPPING = 5;
const BATCH = 6;

/** Kinds a learner receives without asking: they carry the one-click unsubscribe headers. */
const NOTIFICATION_KINDS: ReadonlySet<MailKind> = new Set(['award', 'revocation', 'expiry-reminder']);

export interface DispatcherOptions {
  /** Null when SMTP_URL is not set: messages are then held for the platform administrator. */
  transport: MailTransport | null;
  from: string;
  pollIntervalMs: number;
  signal: MailSignal;
  unsubscribe: UnsubscribeLinks;
  now: Clock;
  /** Where a failed round is reported instead of a process warning (never with a secret in it). */
  onError?: (error: unknown) => void;
}

/**
 * Sends the outbox. Every app instance runs one: each round claims due
 * messages (one UPDATE … FOR UPDATE SKIP LOCKED, so two instances never
 * take the same one), sends them, and records the outcome. A failure is
 * retried with back-off (1 min, 5 min, 30 min, 2 h, 12 h) then marked
 * `failed`; a permanent refusal (5xx to the recipient or the message) is
 * `failed` at once. It runs right after this process queues mail and
 * otherwise every `pollIntervalMs` (the Poller's loop).
 */
export class MailDispatcher {
  private readonly now: Clock;
  private readonly poller: Poller;
  private unsubscribeSignal: (() => void) | undefined;
  private readonly domain: string;

  constructor(
    private readonly db: Database,
    private readonly options: DispatcherOptions,
  ) {
    this.now = options.now;
    this.domain = /@([^\s<>@]+)>?\s*$/.exec(options.from)?.[1] ?? 'insigne.invalid';
    this.poller = new Poller({
      name: 'Mail dispatcher',
      warningType: 'InsigneMailWarning',
      intervalMs: options.pollIntervalMs,
      round: async () => (await this.runOnce()) > 0,
      onError: options.onError,
    });
  }

  get sending(): boolean {
    return this.options.transport !== null;
  }

  start(): void {
    if (!this.poller.stopping) return;
    this.unsubscribeSignal = this.options.signal.subscribe(() => this.poller.wake());
    this.poller.start();
  }

  /** Runs a round now, or right after the one in progress. */
  wake(): void {
    this.poller.wake();
  }

  /** Resolves once no round is running (nor about to run again): what tests wait for before stepping the clock. */
  idle(): Promise<void> {
    return this.poller.idle();
  }

  /** Stops polling, lets the round in progress finish, and closes the SMTP connections. */
  async stop(): Promise<void> {
    this.unsubscribeSignal?.();
    this.unsubscribeSignal = undefined;
    await this.poller.stop();
    this.options.transport?.close();
  }

  /**
   * One round: claims up to a batch of due messages and sends them (or,
   * without SMTP, holds every due message). Returns how many it handled.
   * Tests call it directly to step through retries on an injected clock.
   */
  async runOnce(): Promise<number> {
    const now = this.now();
    const transport = this.options.transport;
    if (!transport) return holdDueMessages(this.db, now);
    // A short lease, renewed every few seconds while the batch is sent (one
    // SMTP exchange can take ~100 s before its timeouts fire): if this
    // process dies, another instance takes the messages over within
    // CLAIM_LEASE_MS instead of after a long fixed claim.
    const claimedBy = randomUUID();
    const lease = () => new Date(this.now().getTime() + CLAIM_LEASE_MS);
    const claimed = await claimDueMessages(this.db, { now, claimedUntil: lease(), claimedBy, limit: BATCH });
    if (claimed.length === 0) return 0;
    const heartbeat = new Heartbeat(() => renewMessageClaims(this.db, { claimedBy, claimedUntil: lease() }));
    try {
      await Promise.all(claimed.map((message) => this.deliver(transport, message)));
    } finally {
      await heartbeat.stop();
    }
    return claimed.length;
  }

  private async deliver(transport: MailTransport, message: ClaimedMessage): Promise<void> {
    const headers: Record<string, string> = { 'Auto-Submitted': 'auto-generated' };
    if (NOTIFICATION_KINDS.has(message.kind)) {
      // RFC 8058: a mail client's own "unsubscribe" button posts here, no page in between.
      headers['List-Unsubscribe'] = `<${this.options.unsubscribe.url(message.toAddress)}>`;
      headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    }
    try {
      await transport.send({
        from: this.options.from,
        to: message.toAddress,
        subject: message.subject,
        text: message.textBody,
        html: message.htmlBody,
        messageId: `<${message.id}@${this.domain}>`,
        headers,
      });
    } catch (error) {
      const permanent = error instanceof MailSendError && error.permanent;
      const delay = RETRY_DELAYS_MS[message.attempts - 1];
      const text = error instanceof MailSendError ? error.message : 'unexpected error while sending';
      const retryAt = permanent || delay === undefined ? null : new Date(this.now().getTime() + delay);
      await this.record(() => markAttemptFailed(this.db, message, { error: text, retryAt }));
      return;
    }
    // Sent: from here the only way to send it twice is to lose this mark, so
    // a database that is away (restarting) is waited for.
    const sentAt = this.now();
    await this.record(() => markSent(this.db, message, sentAt));
  }

  /** Writes an outcome, trying again with back-off while the database does not answer. */
  private async record(write: () => Promise<void>): Promise<void> {
    let wait = RECORD_RETRY_FIRST_MS;
    let triesWhenStopping = 0;
    for (;;) {
      try {
        await write();
        return;
      } catch (error) {
        if (this.poller.stopping && ++triesWhenStopping > RECORD_TRIES_WHEN_STOPPING) throw error;
        await new Promise((resolve) => setTimeout(resolve, wait));
        wait = Math.min(wait * 2, RECORD_RETRY_MAX_MS);
      }
    }
  }
}
