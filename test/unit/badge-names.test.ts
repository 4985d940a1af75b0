import { describe, expect, it } from 'vitest';
import { badgeNameKey, nearestBadgeName } from '../../src/services/rules/badge-names.ts';

const NAMES = [
  'Organiser — je maîtrise',
  'Organiser — je pratique',
  'S’adapter — je maîtrise',
  'Compétences transversales — badge général',
];

describe('a badge name typed by hand', () => {
  it('is the same name whatever its dashes, accents, case, spaces and apostrophes', () => {
    const key = badgeNameKey('Organiser — je maîtrise');
    for (const typed of [
      'Organiser - je maîtrise',
      'organiser – je maitrise',
      'ORGANISER—JE MAÎTRISE',
      '  Organiser  -  je   maitrise ',
      'Organiser-je maitrise',
      'Organiser − je maîtrise',
    ]) {
      expect(badgeNameKey(typed), typed).toBe(key);
    }
    expect(badgeNameKey("S'adapter - je maitrise")).toBe(badgeNameKey('S’adapter — je maîtrise'));
    expect(badgeNameKey('Organiser — je pratique')).not.toBe(key);
  });

  it('suggests the nearest name for a typo or a missing letter, and none for something else', () => {
    expect(nearestBadgeName('Organiser - je maitrse', NAMES)).toBe('Organiser — je maîtrise');
    expect(nearestBadgeName('Organisr je pratique', NAMES)).toBe('Organiser — je pratique');
    expect(nearestBadgeName('Competences transversales', NAMES)).toBeUndefined();
    expect(nearestBadgeName('Cuisine', NAMES)).toBeUndefined();
    expect(nearestBadgeName('   ', NAMES)).toBeUndefined();
  });
});
