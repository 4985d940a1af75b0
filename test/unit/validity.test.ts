import { describe, expect, it } from 'vitest';
import { translator } from '../../src/i18n/index.ts';
import { validityToDays } from '../../src/services/rules/badge-class-definition.ts';
import { validityText } from '../../src/web/validity.ts';

describe('a badge class’s validity, in the words people use', () => {
  const fr = translator('fr');
  const en = translator('en');

  it('says months or years for what the editor stored as months, never their count of days', () => {
    expect(validityText(fr, validityToDays(24, 'months'))).toBe('2 ans');
    expect(validityText(fr, validityToDays(18, 'months'))).toBe('18 mois');
    expect(validityText(fr, validityToDays(1, 'months'))).toBe('1 mois');
    expect(validityText(fr, validityToDays(12, 'months'))).toBe('1 an');
    expect(validityText(en, validityToDays(18, 'months'))).toBe('18 months');
    expect(validityText(en, validityToDays(12, 'months'))).toBe('1 year');
  });

  it('says days for a number of days that is no whole number of months', () => {
    expect(validityText(fr, 45)).toBe('45 jours');
    expect(validityText(fr, 1)).toBe('1 jour');
    expect(validityText(en, 45)).toBe('45 days');
  });
});
