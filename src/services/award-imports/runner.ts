import { Poller } from '../background/poller.ts';
import type { AwardImportService } from './service.ts';

/**
 * Awards the confirmed imports in the background, in this process: polls
 * for queued imports (the Poller's loop), claims one at a time (safe with
 * several instances), and stops between two batches when the platform closes.
 */
export class AwardImportRunner {
  private readonly poller: Poller;

  constructor(
    private readonly imports: AwardImportService,
    options: { intervalMs?: number; onError?: (error: unknown) => void } = {},
  ) {
    this.poller = new Poller({
      name: 'Award import runner',
      warningType: 'InsigneImportWarning',
      intervalMs: options.intervalMs ?? 1000,
      round: (stopping) => this.imports.runNext(stopping),
      onError: options.onError,
    });
  }

  start(): void {
    this.imports.onQueued = () => this.kick();
    this.poller.start();
  }

  /** Look now rather than at the next tick. */
  kick(): void {
    this.poller.wake();
  }

  stop(): Promise<void> {
    return this.poller.stop();
  }

  /** Awards every queued import, one after the other; resolves when none is left. */
  async drain(): Promise<void> {
    while (await this.imports.runNext(() => this.poller.stopping)) {
      // next one
    }
    // …and whatever the background loop had already taken.
    await this.poller.idle();
  }
}
