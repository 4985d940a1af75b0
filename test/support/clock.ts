/**
 * A platform clock for tests: starts at a fixed moment and moves on with
 * real time (so waits, rate-limit windows and "later" still happen), but the
 * day is the test's, not the machine's. A test that writes a fixed date
 * (an expiry in 2031, "the 15th") gets the same result on any day it runs.
 */
export function clockFrom(start: string): () => Date {
  const startMs = Date.parse(start);
  if (Number.isNaN(startMs)) throw new Error(`not a date: ${start}`);
  const origin = performance.now();
  return () => new Date(startMs + Math.floor(performance.now() - origin));
}
