/**
 * Always this exact string, never an array: Open Badge Passport classifies a
 * document as 2.0 only on this string and reads an array as a 0.5/1.x badge.
 */
export const OPEN_BADGES_V2_CONTEXT = 'https://w3id.org/openbadges/v2';

export type OpenBadgesV2Context = typeof OPEN_BADGES_V2_CONTEXT;

/**
 * ISO 8601 in UTC with `Z`, truncated to whole seconds: truncation never moves
 * a timestamp into the future (VAL rejects a future `issuedOn`), and the
 * seconds form is the one the spec's examples use, which every consumer parses.
 */
export function formatDateTime(d: Date): string {
  const ms = d.getTime();
  if (Number.isNaN(ms)) throw new RangeError('formatDateTime: invalid Date');
  return new Date(ms - (((ms % 1000) + 1000) % 1000)).toISOString().replace('.000Z', 'Z');
}

// The spec's DateTime demands a time and a zone; a bare date or a local time
// is ambiguous by hours, and 1.x Unix timestamps are not 2.0 values.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)$/i;

/** Parses a spec DateTime (with time and zone); null for anything else. */
export function parseDateTime(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const m = DATE_TIME.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '00', frac = '', zoneRaw = 'Z'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  // Date.parse rolls 30 February over into March; a document saying so is wrong.
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return null;
  if (hour > 23 || minute > 59 || second > 60) return null;

  let offsetMinutes = 0;
  const zone = zoneRaw.toUpperCase();
  if (zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const millis = frac === '' ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  const utc = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), millis) - offsetMinutes * 60_000;
  return new Date(utc);
}
