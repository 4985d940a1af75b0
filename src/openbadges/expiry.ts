/**
 * Open Badges 2.0, Assertion `expires`: "a timestamp when a badge should no
 * longer be considered valid. After this time, the badge should be considered
 * expired." At the very instant of `expires` the badge is still valid; one
 * millisecond later it has expired. The verifier and every status shown by
 * the platform use this one comparison.
 */
export function hasExpired(expires: Date, now: Date): boolean {
  return expires.getTime() < now.getTime();
}
