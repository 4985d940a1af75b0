import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Font } from 'fontkit';

/**
 * The attestation's fonts: Noto Sans, as the @fontsource packages ship it,
 * cut by script (latin, latin-ext, vietnamese, cyrillic…, and Noto Sans
 * Arabic's arabic). Each letter of a name is drawn with the file whose
 * unicode range holds it, so « Łukasz », « Ștefan », « Nguyễn Thị Hằng »,
 * « Иван » and « محمد » all come out as written; pdfkit embeds only the
 * glyphs a document uses (fontkit subsets at render time). The Windows-1252
 * fonts built into PDF readers (Helvetica) cannot draw most of these letters.
 */
export type Weight = 400 | 700;

interface Cut {
  /** The name the document registers this file under. */
  name: string;
  path: string;
  ranges: [number, number][];
}

// The order of preference when two cuts hold a character (latin's U+0000–00FF first).
const NOTO_SANS = ['latin', 'latin-ext', 'vietnamese', 'cyrillic', 'cyrillic-ext', 'greek', 'greek-ext'] as const;
const NOTO_SANS_ARABIC = ['arabic'] as const;

const require = createRequire(import.meta.url);
// pdfkit's own font engine, to know which cut has a glyph before drawing it.
const loadFontkit = () => require('fontkit') as typeof import('fontkit');

function packageDir(pkg: string): string {
  return dirname(require.resolve(`${pkg}/package.json`));
}

function parseRanges(css: string): [number, number][] {
  return css.split(',').map((part) => {
    const [from, to] = part.trim().replace(/^U\+/i, '').split('-');
    return [parseInt(from!, 16), parseInt(to ?? from!, 16)];
  });
}

function cutsOf(pkg: string, family: string, subsets: readonly string[], weight: Weight): Cut[] {
  const dir = packageDir(pkg);
  const unicode = JSON.parse(readFileSync(join(dir, 'unicode.json'), 'utf8')) as Record<string, string>;
  return subsets.map((subset) => ({
    name: `${family}-${subset}-${weight}`,
    // WOFF (not WOFF2): fontkit reads its tables as they are, so it can subset them.
    path: join(dir, 'files', `${family}-${subset}-${weight}-normal.woff`),
    ranges: parseRanges(unicode[subset]!),
  }));
}

let loaded: Record<Weight, Cut[]> | undefined;

function cuts(): Record<Weight, Cut[]> {
  loaded ??= {
    400: [
      ...cutsOf('@fontsource/noto-sans', 'noto-sans', NOTO_SANS, 400),
      ...cutsOf('@fontsource/noto-sans-arabic', 'noto-sans-arabic', NOTO_SANS_ARABIC, 400),
    ],
    700: [
      ...cutsOf('@fontsource/noto-sans', 'noto-sans', NOTO_SANS, 700),
      ...cutsOf('@fontsource/noto-sans-arabic', 'noto-sans-arabic', NOTO_SANS_ARABIC, 700),
    ],
  };
  return loaded;
}

const opened = new Map<string, { bytes: Buffer; font: Font }>();

// Read and opened once per process: the glyph tables are read as they are asked for.
function open(cut: Cut): { bytes: Buffer; font: Font } {
  let file = opened.get(cut.path);
  if (!file) {
    const bytes = readFileSync(cut.path);
    file = { bytes, font: loadFontkit().create(bytes) as Font };
    opened.set(cut.path, file);
  }
  return file;
}

/** The bytes of each cut; a document registers them all and embeds only the ones it draws with. */
export function fontFiles(): { name: string; bytes: Buffer }[] {
  return [...cuts()[400], ...cuts()[700]].map((cut) => ({ name: cut.name, bytes: open(cut).bytes }));
}

/**
 * The registered font that draws this character at this weight: the first
 * cut whose range announces it and that has its glyph (a range is what the
 * cut is for, not a promise: Noto Sans's latin announces U+202F and has no
 * glyph for it). Undefined when none has it.
 */
export function fontWithGlyph(codePoint: number, weight: Weight): string | undefined {
  for (const cut of cuts()[weight]) {
    if (cut.ranges.some(([from, to]) => codePoint >= from && codePoint <= to) && open(cut).font.hasGlyphForCodePoint(codePoint)) {
      return cut.name;
    }
  }
  return undefined;
}

/** As fontWithGlyph, or the latin cut for a character no cut has (its box shows that something is missing). */
export function fontFor(codePoint: number, weight: Weight): string {
  return fontWithGlyph(codePoint, weight) ?? cuts()[weight][0]!.name;
}

/** Characters of right-to-left scripts (Hebrew, Arabic and their presentation forms). */
export function isRightToLeft(codePoint: number): boolean {
  return (
    (codePoint >= 0x0590 && codePoint <= 0x08ff) ||
    (codePoint >= 0xfb1d && codePoint <= 0xfdff) ||
    (codePoint >= 0xfe70 && codePoint <= 0xfefc)
  );
}
