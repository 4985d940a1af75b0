/**
 * "The badge expires at the end of that day": the one rule for an expiry
 * given as a calendar day (the single-award form, a CSV cell, the API's
 * `YYYY-MM-DD`). The programme is in Normandy and advisors and learners think
 * in local days, so a day ends at 23:59:59 in Europe/Paris, whatever the
 * season (22:59:59 UTC in winter, 21:59:59 UTC in summer).
 */

export const PROGRAMME_TIME_ZONE = 'Europe/Paris';

export interface CalendarDay {
  year: number;
  month: number;
  day: number;
}

const parisParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: PROGRAMME_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

function wallClock(instant: Date) {
  const parts = Object.fromEntries(parisParts.formatToParts(instant).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** Paris's offset from UTC at that instant, in milliseconds (+1 h or +2 h). */
function offsetAt(instant: Date): number {
  const w = wallClock(instant);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The day it is in Paris at that instant. */
export function programmeDay(now: Date): CalendarDay {
  const w = wallClock(now);
  return { year: w.year, month: w.month, day: w.day };
}

/** The last second of that day in Paris: 23:59:59 local time. */
export function endOfProgrammeDay(day: CalendarDay): Date {
  const wall = Date.UTC(day.year, day.month - 1, day.day, 23, 59, 59);
  // The offset at the wall time read as UTC is right except within hours of a
  // change of time; the second look uses the offset at the instant found.
  const first = wall - offsetAt(new Date(wall));
  return new Date(wall - offsetAt(new Date(first)));
}

/**
 * A day as French and English spreadsheets and forms write it: 31/12/2027,
 * 31-12-2027, 31.12.2027 or 2027-12-31 (a real day, years 2000 to 2200).
 */
export function parseCalendarDay(text: string): CalendarDay | null {
  const value = text.trim();
  let year: number, month: number, day: number;
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  if (m) [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value))) [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else return null;
  if (year < 2000 || year > 2200) return null;
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return { year, month, day };
}

const dayNumber = (d: CalendarDay) => d.year * 10_000 + d.month * 100 + d.day;

/** Why a typed expiry day cannot be used: not a day, or a day already over in Paris. */
export type ExpiryDayRefusal = 'expires_format' | 'expires_before_issue';

/**
 * A typed expiry day checked on the platform's clock: the end of that day in
 * Paris, or why not. Today is accepted (the badge is valid until tonight);
 * yesterday is not. The same refusal code as the award's own check
 * (`expiresTooEarly`), so every entry point says the same thing.
 */
export function expiryOfDay(text: string, now: Date): { expires: Date } | { refusal: ExpiryDayRefusal } {
  const day = parseCalendarDay(text);
  if (!day) return { refusal: 'expires_format' };
  if (dayNumber(day) < dayNumber(programmeDay(now))) return { refusal: 'expires_before_issue' };
  return { expires: endOfProgrammeDay(day) };
}

/** An assertion must expire after it is issued (otherwise it is born expired). */
export function expiresTooEarly(expires: Date, issuedOn: Date): boolean {
  return expires.getTime() <= issuedOn.getTime();
}

const DAY_MS = 86_400_000;

/** The expiry an award gets: the one asked for, else the badge class's validity counted from the issue. */
export function expiryOfAward(requested: Date | null | undefined, validityDays: number | null, issuedOn: Date): Date | null {
  return requested ?? (validityDays ? new Date(issuedOn.getTime() + validityDays * DAY_MS) : null);
}
