import { briefError } from '../../logging.ts';

/** The longest wait after failed rounds in a row, unless the interval itself is longer. */
const MAX_BACKOFF_MS = 30_000;

export interface PollerOptions {
  /** Who speaks in a warning: "Mail dispatcher". */
  name: string;
  /** The process warning's type, so an operator can filter them (InsigneMailWarning…). */
  warningType: string;
  intervalMs: number;
  /**
   * One round of work: true when there may be more at once (it runs again
   * without waiting), false when nothing was left. `stopping()` turns true
   * when the platform closes: a long round checks it between two steps.
   */
  round: (stopping: () => boolean) => Promise<boolean>;
  /** Where a failed round goes; by default a process warning of one line, never a query's parameters. */
  onError?: (error: unknown) => void;
}

/**
 * The background loop of a worker that claims rows from the database (the
 * outbox, the confirmed CSV imports): it runs rounds every `intervalMs`, at
 * once when woken (work was just queued by this process), and one after the
 * other while there is more. A failed round (the database restarting, most
 * likely) is reported and the next waits longer, doubling up to 30 s, so a
 * database that is down is not hammered nor the log flooded; the first round
 * that succeeds brings the interval back. `stop()` waits for the round in
 * flight, so the database is never closed under it.
 */
export class Poller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private failures = 0;

  constructor(private readonly options: PollerOptions) {}

  /** True once stop() was called (and before start()). */
  get stopping(): boolean {
    return this.stopped;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    // Work left by a previous run (or queued while this instance was down) goes now.
    this.wake();
  }

  /** Runs a round now, or right after the one in progress. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.rounds().finally(() => {
      this.running = undefined;
      if (this.stopped) return;
      if (this.again) {
        this.again = false;
        this.wake();
        return;
      }
      this.timer = setTimeout(() => this.wake(), this.nextDelay());
      this.timer.unref();
    });
  }

  /** Resolves once no round is running (nor about to run again). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops polling and waits for the round in progress to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.idle();
  }

  /** How long until the next round: the interval, or longer after failures in a row. */
  nextDelay(): number {
    const { intervalMs } = this.options;
    if (this.failures === 0) return intervalMs;
    return Math.min(intervalMs * 2 ** this.failures, Math.max(intervalMs, MAX_BACKOFF_MS));
  }

  private async rounds(): Promise<void> {
    try {
      while (!this.stopped && (await this.options.round(() => this.stopped))) {
        // more at once
      }
      this.failures = 0;
    } catch (error) {
      this.failures++;
      this.report(error);
    }
  }

  private report(error: unknown): void {
    if (this.options.onError) return this.options.onError(error);
    process.emitWarning(`${this.options.name}: ${briefError(error)}`, this.options.warningType);
  }
}
