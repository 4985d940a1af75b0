import { describe, expect, it } from 'vitest';
import { hasExpired } from '../../src/openbadges/index.ts';
import { isPlainLine, isPlainText, withoutForbidden } from '../../src/services/inputs.ts';
import { awardStatus } from '../../src/services/rules/award-status.ts';
import {
  checkBadgeClassDefinition,
  MAX_VALIDITY_DAYS,
  monthsToDays,
  validityInUnits,
} from '../../src/services/rules/badge-class-definition.ts';
import {
  endOfProgrammeDay,
  expiresTooEarly,
  expiryOfAward,
  expiryOfDay,
  parseCalendarDay,
  programmeDay,
} from '../../src/services/rules/expiry-date.ts';

const at = (iso: string) => new Date(iso);

describe('an award status', () => {
  const expires = at('2027-06-30T21:59:59.000Z');

  it('is valid at the very instant of expires, expired one millisecond later (the spec: "after this time")', () => {
    expect(awardStatus({ revokedAt: null, expires }, at('2027-06-30T21:59:58.999Z'))).toBe('valid');
    expect(awardStatus({ revokedAt: null, expires }, at('2027-06-30T21:59:59.000Z'))).toBe('valid');
    expect(awardStatus({ revokedAt: null, expires }, at('2027-06-30T21:59:59.001Z'))).toBe('expired');
    // The verifier's comparison is the same one.
    expect(hasExpired(expires, at('2027-06-30T21:59:59.000Z'))).toBe(false);
    expect(hasExpired(expires, at('2027-06-30T21:59:59.001Z'))).toBe(true);
  });

  it('is valid forever without expires, and revoked whatever its expiry', () => {
    expect(awardStatus({ revokedAt: null, expires: null }, at('2200-01-01T00:00:00Z'))).toBe('valid');
    const revokedAt = at('2026-01-01T00:00:00Z');
    expect(awardStatus({ revokedAt, expires: null }, at('2026-02-01T00:00:00Z'))).toBe('revoked');
    expect(awardStatus({ revokedAt, expires }, at('2030-01-01T00:00:00Z'))).toBe('revoked');
  });
});

describe('the end of a day', () => {
  it('is 23:59:59 in Paris: 22:59:59 UTC in winter, 21:59:59 UTC in summer', () => {
    expect(endOfProgrammeDay({ year: 2027, month: 1, day: 15 }).toISOString()).toBe('2027-01-15T22:59:59.000Z');
    expect(endOfProgrammeDay({ year: 2027, month: 7, day: 15 }).toISOString()).toBe('2027-07-15T21:59:59.000Z');
    expect(endOfProgrammeDay({ year: 2027, month: 12, day: 31 }).toISOString()).toBe('2027-12-31T22:59:59.000Z');
  });

  it('follows the change of time on the last Sundays of March and October', () => {
    // 2027: summer time from Sunday 28 March, winter time from Sunday 31 October.
    expect(endOfProgrammeDay({ year: 2027, month: 3, day: 27 }).toISOString()).toBe('2027-03-27T22:59:59.000Z');
    expect(endOfProgrammeDay({ year: 2027, month: 3, day: 28 }).toISOString()).toBe('2027-03-28T21:59:59.000Z');
    expect(endOfProgrammeDay({ year: 2027, month: 10, day: 30 }).toISOString()).toBe('2027-10-30T21:59:59.000Z');
    expect(endOfProgrammeDay({ year: 2027, month: 10, day: 31 }).toISOString()).toBe('2027-10-31T22:59:59.000Z');
    // 2026's last Sundays are 29 March and 25 October.
    expect(endOfProgrammeDay({ year: 2026, month: 3, day: 29 }).toISOString()).toBe('2026-03-29T21:59:59.000Z');
    expect(endOfProgrammeDay({ year: 2026, month: 10, day: 25 }).toISOString()).toBe('2026-10-25T22:59:59.000Z');
  });

  it('reads the ways spreadsheets and forms write a day, and nothing else', () => {
    for (const text of ['2027-12-31', '31/12/2027', '31-12-2027', '31.12.2027', ' 31/12/2027 ']) {
      expect(parseCalendarDay(text), text).toEqual({ year: 2027, month: 12, day: 31 });
    }
    for (const text of ['2027-02-29', '31/04/2027', '1999-12-31', '2201-01-01', '12/31/2027', '2027-12-31T10:00:00Z', '']) {
      expect(parseCalendarDay(text), text).toBeNull();
    }
  });

  it('is the day of Paris: late on 31 December in UTC is already 1 January there', () => {
    expect(programmeDay(at('2026-12-31T23:30:00Z'))).toEqual({ year: 2027, month: 1, day: 1 });
    expect(programmeDay(at('2027-06-30T21:59:59Z'))).toEqual({ year: 2027, month: 6, day: 30 });
    expect(programmeDay(at('2027-06-30T22:00:00Z'))).toEqual({ year: 2027, month: 7, day: 1 });
  });
});

describe('an expiry typed as a day', () => {
  const now = at('2027-03-28T10:00:00Z');

  it('is the end of that day in Paris, today included', () => {
    expect(expiryOfDay('28/03/2027', now)).toEqual({ expires: at('2027-03-28T21:59:59Z') });
    expect(expiryOfDay('2027-03-29', now)).toEqual({ expires: at('2027-03-29T21:59:59Z') });
  });

  it('is refused the day after, on the clock given, and when it is not a day', () => {
    expect(expiryOfDay('27/03/2027', now)).toEqual({ refusal: 'expires_before_issue' });
    // 00:30 in Paris on 1 July: 30 June is over there, though not in UTC.
    expect(expiryOfDay('2027-06-30', at('2027-06-30T22:30:00Z'))).toEqual({ refusal: 'expires_before_issue' });
    expect(expiryOfDay('30/02/2027', now)).toEqual({ refusal: 'expires_format' });
  });

  it("gives way to the badge class's validity only when none is asked for, and must come after the issue", () => {
    const issuedOn = at('2027-01-01T10:00:00Z');
    expect(expiryOfAward(null, 30, issuedOn)).toEqual(at('2027-01-31T10:00:00Z'));
    expect(expiryOfAward(at('2028-01-01T00:00:00Z'), 30, issuedOn)).toEqual(at('2028-01-01T00:00:00Z'));
    expect(expiryOfAward(undefined, null, issuedOn)).toBeNull();
    expect(expiresTooEarly(issuedOn, issuedOn)).toBe(true);
    expect(expiresTooEarly(at('2027-01-01T10:00:01Z'), issuedOn)).toBe(false);
  });
});

describe('the characters refused in typed text', () => {
  const refusedEverywhere = ['\u0000', '\u0007', '\u001b[31m', '\u007f', '\u0085', '\u2028', '\ufffd', '\uffff', '\ud800'];

  it('refuses control characters, cut UTF-16 and mis-decoded text in lines and texts alike', () => {
    for (const c of refusedEverywhere) {
      expect(isPlainLine(`Léa${c}`), JSON.stringify(c)).toBe(false);
      expect(isPlainText(`Léa${c}`), JSON.stringify(c)).toBe(false);
    }
  });

  it('refuses line breaks, tabs and bidi overrides in a line; keeps them in a text', () => {
    for (const c of ['\n', '\r', '\t', '\u202e', '\u202a', '\u2066', '\u2069']) {
      expect(isPlainLine(`Léa${c}Martin`), JSON.stringify(c)).toBe(false);
      expect(isPlainText(`Léa${c}Martin`), JSON.stringify(c)).toBe(true);
    }
  });

  it('accepts what people do type: accents, other scripts, emoji, marks of direction', () => {
    for (const name of ['Léa Martin-Dupré', 'Zoë O’Brien', 'محمد علي', 'יעל כהן', 'Ana 🎓', 'a\u200fb']) {
      expect(isPlainLine(name), name).toBe(true);
    }
  });

  it('takes every refused character out of a name shown', () => {
    expect(withoutForbidden('a\u0000b\u0007c\u202ed\ne')).toBe('abcde');
  });
});

describe('the rules of a badge class definition', () => {
  const valid = {
    name: 'Organiser',
    description: 'Sait organiser.',
    criteriaNarrative: 'A organisé.',
    tags: ['organiser'],
    alignment: [],
    validityDays: 365,
  };
  const refusal = (overrides: object) => {
    try {
      checkBadgeClassDefinition({ ...valid, ...overrides });
      return null;
    } catch (error) {
      return { code: (error as { code: string }).code, params: (error as { params: object }).params };
    }
  };

  it('converts months to days and back, as the editor stored them', () => {
    expect(monthsToDays(12)).toBe(365);
    expect(monthsToDays(6)).toBe(183);
    expect(monthsToDays(120)).toBe(3653);
    expect(validityInUnits(365)).toEqual({ amount: 12, unit: 'months' });
    expect(validityInUnits(183)).toEqual({ amount: 6, unit: 'months' });
    expect(validityInUnits(100)).toEqual({ amount: 100, unit: 'days' });
    expect(validityInUnits(null)).toBeNull();
    expect(MAX_VALIDITY_DAYS).toBe(3653);
  });

  it('refuses, naming the field, what the editor would refuse', () => {
    expect(refusal({})).toBeNull();
    expect(refusal({ name: 'n'.repeat(201) })).toEqual({
      code: 'badge_class_invalid',
      params: { field: 'name', problem: 'too_long', max: 200 },
    });
    expect(refusal({ name: '  ' })).toEqual({ code: 'badge_class_invalid', params: { field: 'name', problem: 'required' } });
    expect(refusal({ name: 'Orga\u202eniser' })).toMatchObject({ params: { field: 'name', problem: 'control_characters' } });
    expect(refusal({ description: 'a\u0000b' })).toMatchObject({ params: { field: 'description', problem: 'control_characters' } });
    expect(refusal({ criteriaNarrative: 'c'.repeat(5001) })).toMatchObject({ params: { field: 'criteriaNarrative', max: 5000 } });
    expect(refusal({ tags: Array.from({ length: 11 }, (_, i) => `t${i}`) })).toMatchObject({
      params: { field: 'tags', problem: 'too_many_tags' },
    });
    expect(refusal({ tags: ['t'.repeat(51)] })).toMatchObject({ params: { field: 'tags', problem: 'too_long', max: 50 } });
    expect(refusal({ validityDays: 0 })).toMatchObject({ params: { field: 'validityDays', problem: 'out_of_range' } });
    expect(refusal({ validityDays: 3654 })).toMatchObject({ params: { field: 'validityDays', problem: 'out_of_range' } });
    expect(refusal({ validityDays: 1.5 })).toMatchObject({ params: { field: 'validityDays' } });
    expect(refusal({ validityDays: 3653 })).toBeNull();
  });
});
