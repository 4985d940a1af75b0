import { describe, expect, it } from 'vitest';
import { fontWithGlyph } from '../../src/services/learners/attestation-fonts.ts';

describe('the attestation’s fonts', () => {
  it('have a real glyph (not the empty box) for every letter of names in Latin Extended, Vietnamese, Cyrillic and Arabic', () => {
    const names = [
      'Łukasz Wiśniewski',
      'Ștefan Popescu',
      'Nguyễn Thị Hằng',
      'محمد بن علي',
      'Иван Петров',
      'Žofie Dvořáková',
      'Ørsted Œuvre',
    ];
    for (const name of names) {
      for (const ch of name.normalize('NFC')) {
        for (const weight of [400, 700] as const) {
          expect(fontWithGlyph(ch.codePointAt(0)!, weight), `${name}: « ${ch} » (${weight})`).toBeDefined();
        }
      }
    }
  });

  it('say so when no font has a character, rather than claim the announced range', () => {
    // Noto Sans's latin cut announces U+2000–206F but has no narrow no-break space.
    expect(fontWithGlyph(0x202f, 400)).toBeUndefined();
    expect(fontWithGlyph('李'.codePointAt(0)!, 400)).toBeUndefined();
  });
});
