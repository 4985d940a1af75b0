/**
 * The claims of background work (an outbox batch, a running CSV import) are
 * short leases that their holder renews while it works: a process that dies
 * stops renewing, and its work is taken over as soon as the lease is past,
 * instead of after a fixed long claim (10 to 15 minutes before). Lease times
 * are written from the injected clock; only the rhythm of the renewals is
 * the machine's timer.
 */

/** How long a claim holds without a renewal: past it, another runner (this process restarted, or another instance) takes the work over. */
export const CLAIM_LEASE_MS = 15_000;
/** How often a holder renews its claims: three renewals may fail (a slow or restarting database) before the lease lapses. */
export const HEARTBEAT_MS = 5_000;

/**
 * Renews a claim every `everyMs` until stopped. `renew` answers whether the
 * claim is still ours; once it says no (taken over, or finished), `lost` is
 * true and the beats stop. A renewal that fails (the database is away) is
 * tried again at the next beat: the lease is only lost if that lasts.
 */
export class Heartbeat {
  private readonly timer: NodeJS.Timeout;
  private beating: Promise<void> | undefined;
  private isLost = false;

  constructor(
    private readonly renew: () => Promise<boolean>,
    everyMs: number = HEARTBEAT_MS,
  ) {
    this.timer = setInterval(() => this.beat(), everyMs);
    // A heartbeat never keeps the process alive by itself.
    this.timer.unref();
  }

  /** True once a renewal found the claim no longer ours. */
  get lost(): boolean {
    return this.isLost;
  }

  /** Stops beating, after the renewal in flight (so it cannot land after what follows). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
  }

  private beat(): void {
    if (this.beating || this.isLost) return;
    this.beating = this.renew()
      .then((ours) => {
        if (!ours) {
          this.isLost = true;
          clearInterval(this.timer);
        }
      })
      .catch(() => {
        // The database is away: the next beat tries again.
      })
      .finally(() => {
        this.beating = undefined;
      });
  }
}
