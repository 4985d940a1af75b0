/**
 * Waiting for something the platform does in the background (a dispatcher
 * round, a CSV import, a server becoming ready). A wait that runs out fails
 * the test with what was awaited and what was last seen, never falls through:
 * a test whose loop ends quietly goes on to assert a state that never came,
 * or worse, passes without having seen it.
 */
export interface WaitOptions<T> {
  /** What was awaited, as the failure should say it; given the last value seen when it is a function. */
  message: string | ((last: T | undefined) => string);
  /** Milliseconds before giving up (default 10 s). */
  timeout?: number;
  /** Milliseconds between two looks (default 50). */
  interval?: number;
  /**
   * Treat a throwing condition as "not yet" (a database that is restarting),
   * and say the last error if time runs out. Off by default, so that a
   * mistake in the condition fails at once instead of after the timeout.
   */
  retryOnError?: boolean;
}

type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

/** Resolves with the condition's first truthy value; rejects with the message when the timeout passes. */
export async function waitFor<T>(condition: () => T | Promise<T>, options: WaitOptions<T>): Promise<Truthy<T>> {
  const timeout = options.timeout ?? 10_000;
  const interval = options.interval ?? 50;
  // The monotonic clock: a test may fake or move the wall clock.
  const deadline = performance.now() + timeout;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await condition();
      lastError = undefined;
      if (last) return last as Truthy<T>;
    } catch (error) {
      if (!options.retryOnError) throw error;
      lastError = error;
    }
    if (performance.now() >= deadline) {
      const what = typeof options.message === 'function' ? options.message(last) : options.message;
      const cause = lastError === undefined ? '' : ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
      throw new Error(`${what}: not met within ${timeout} ms${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
