/**
 * Tells this process's mail dispatcher that messages were just queued, so it
 * sends them now instead of at its next poll. Other instances find them by
 * polling: the outbox table, not this signal, is what makes delivery certain.
 */
export class MailSignal {
  private readonly listeners = new Set<() => void>();

  notify(): void {
    for (const listener of this.listeners) listener();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
