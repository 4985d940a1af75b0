/**
 * The one source of the current time for everything that dates a domain
 * event: an award, a revocation, an audit event, an email, a link's expiry,
 * whether a badge is still valid. Services receive it (`now`) and pass the
 * instant to the repositories they call; nothing else reads the system clock
 * or the database's now() for such times, so a test with a fixed clock sees
 * one consistent world whatever the real date.
 *
 * Durations that are not domain times (a request budget, a rate-limit
 * window, a lock's staleness) may use performance.now() or Date.now().
 */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
