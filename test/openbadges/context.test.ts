import { describe, expect, it } from 'vitest';
import { formatDateTime, OPEN_BADGES_V2_CONTEXT, parseDateTime } from '../../src/openbadges/context.ts';

describe('OPEN_BADGES_V2_CONTEXT', () => {
  it('is the exact string OBP recognises as 2.0', () => {
    expect(OPEN_BADGES_V2_CONTEXT).toBe('https://w3id.org/openbadges/v2');
    expect(typeof OPEN_BADGES_V2_CONTEXT).toBe('string');
  });
});

describe('formatDateTime', () => {
  it('writes UTC with a Z and whole seconds', () => {
    expect(formatDateTime(new Date('2024-03-05T10:20:30.999+02:00'))).toBe('2024-03-05T08:20:30Z');
    expect(formatDateTime(new Date('2016-12-31T23:59:59Z'))).toBe('2016-12-31T23:59:59Z');
  });

  it('never moves a timestamp later than the instant given', () => {
    for (const ms of [0, 1, 499, 500, 999]) {
      const d = new Date(Date.UTC(2025, 0, 1, 0, 0, 0, ms));
      expect(Date.parse(formatDateTime(d))).toBeLessThanOrEqual(d.getTime());
    }
  });

  it('refuses an invalid Date', () => {
    expect(() => formatDateTime(new Date('nope'))).toThrow(RangeError);
  });
});

describe('parseDateTime', () => {
  it.each([
    ['2016-12-31T23:59:59Z', '2016-12-31T23:59:59.000Z'],
    ['2016-12-31T23:59:59+00:00', '2016-12-31T23:59:59.000Z'],
    ['2017-01-01T01:59:59+02:00', '2016-12-31T23:59:59.000Z'],
    ['2016-12-31T23:59:59+0000', '2016-12-31T23:59:59.000Z'],
    ['2019-01-01T00:00:00.123456+00:00', '2019-01-01T00:00:00.123Z'],
    ['2016-12-31T18:59-05:00', '2016-12-31T23:59:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(parseDateTime(text)?.toISOString()).toBe(iso);
  });

  it.each(['2016-12-31', '2016-12-31T23:59:59', '2016-02-30T00:00:00Z', '2016-13-01T00:00:00Z', '2016-12-31T25:00:00Z', 'yesterday', ''])(
    'rejects %j (no time, no zone, or not a date)',
    (text) => {
      expect(parseDateTime(text)).toBeNull();
    },
  );

  it('rejects 1.x Unix timestamps and non-strings', () => {
    expect(parseDateTime(1483228799)).toBeNull();
    expect(parseDateTime(null)).toBeNull();
  });
});
