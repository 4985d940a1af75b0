import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { CATALOGUE_ASSETS_DIR, loadCatalogueImage } from '../../src/catalogue/assets.ts';
import {
  PALETTES,
  PICTOGRAMS,
  SHAPES,
  badgeSvg,
  catalogueBadgeSvg,
  catalogueImageOptions,
  contrastRatio,
  renderSvgToPng,
} from '../../src/catalogue/images.ts';
import type { BadgeImageOptions } from '../../src/catalogue/images.ts';
import {
  COMPETENCES,
  FRAMEWORK,
  LEVELS,
  REGIONAL_CATALOGUE,
  alignmentPath,
  findCatalogueBadge,
  frameworkAnchors,
  frenchTypography,
} from '../../src/catalogue/regional.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the IHDR chunk, which must come first. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(new TextDecoder().decode(png.subarray(12, 16))).toBe('IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** The baking rules and our own: nothing before <svg, nothing active, nothing external, no text. */
function expectSafeSvg(svg: string): void {
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  const start = Buffer.from(svg, 'utf8').indexOf('<svg');
  expect(start).toBeGreaterThanOrEqual(0);
  expect(start).toBeLessThan(256);
  expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 400 400"/);
  expect(svg).toMatch(/^<svg [^>]*width="400" height="400"/);
  expect(svg).toMatch(/^<svg [^>]*role="img" aria-label="[^"]+"/);
  expect(svg).toMatch(/^<svg [^>]*><title>[^<]+<\/title>/);
  expect(svg).not.toMatch(/<script/i);
  expect(svg).not.toMatch(/<text/i);
  expect(svg).not.toMatch(/<(image|use|foreignObject|style|a)[\s>]/i);
  expect(svg).not.toMatch(/\son[a-z]+=/i);
  expect(svg).not.toMatch(/href\s*=\s*["']?\s*(https?:|\/\/|data:|javascript:)/i);
  expect(svg).not.toMatch(/xlink:href/i);
  expect(svg).not.toMatch(/url\(/i);
  expect(svg).not.toMatch(/<!--|<!DOCTYPE|<\?xml/i);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
}

describe('regional catalogue', () => {
  test('has nine badges with unique keys, in the agreed order', () => {
    expect(REGIONAL_CATALOGUE).toHaveLength(9);
    expect(new Set(REGIONAL_CATALOGUE.map((b) => b.key)).size).toBe(9);
    expect(REGIONAL_CATALOGUE.map((b) => b.key)).toEqual([
      'organiser-je-pratique',
      'organiser-je-maitrise',
      'communiquer-je-pratique',
      'communiquer-je-maitrise',
      's-adapter-je-pratique',
      's-adapter-je-maitrise',
      's-integrer-je-pratique',
      's-integrer-je-maitrise',
      'general',
    ]);
  });

  test('covers each competence × level once, plus the general badge', () => {
    const pairs = REGIONAL_CATALOGUE.map((b) => `${b.competence}/${b.level}`);
    const expected = COMPETENCES.flatMap((c) => LEVELS.map((l) => `${c}/${l}`));
    expect(pairs.slice(0, 8)).toEqual(expected);
    const general = REGIONAL_CATALOGUE[8]!;
    expect(general).toMatchObject({ key: 'general', competence: null, level: null });
    for (const badge of REGIONAL_CATALOGUE.slice(0, 8)) expect(badge.key).toBe(`${badge.competence}-${badge.level}`);
  });

  test('names, descriptions and criteria are filled in, and names are unique', () => {
    expect(new Set(REGIONAL_CATALOGUE.map((b) => b.name)).size).toBe(9);
    for (const badge of REGIONAL_CATALOGUE) {
      expect(badge.name.length).toBeGreaterThan(5);
      expect(badge.description.length).toBeGreaterThan(150);
      expect(badge.criteriaNarrative.length).toBeGreaterThan(300);
      expect(badge.tags).toEqual(expect.arrayContaining(['compétences transversales', 'soft skills']));
      expect(new Set(badge.tags).size).toBe(badge.tags.length);
      expect(badge.alignment.length).toBeGreaterThan(0);
    }
    expect(findCatalogueBadge('organiser-je-maitrise')?.name).toBe('Organiser — je maîtrise');
    expect(findCatalogueBadge('inconnu')).toBeUndefined();
  });

  test('criteria narratives keep to plain paragraphs and "- " lists', () => {
    for (const badge of REGIONAL_CATALOGUE) {
      const lines = badge.criteriaNarrative.split('\n');
      expect(lines.filter((l) => l.startsWith('- ')).length).toBeGreaterThanOrEqual(4);
      for (const line of lines) {
        expect(line).not.toMatch(/^\s*([#>*+|]|\d+[.)]\s|```)/);
        expect(line).not.toMatch(/[<>[\]`*_]|https?:/);
        expect(line).toBe(line.trim());
      }
      expect(badge.criteriaNarrative).not.toMatch(/\n{3,}/);
    }
  });

  test('every alignment points to an anchor of the framework page', () => {
    const anchors = new Set(frameworkAnchors());
    expect(anchors.size).toBe(frameworkAnchors().length);
    for (const badge of REGIONAL_CATALOGUE) {
      for (const alignment of badge.alignment) {
        expect(anchors.has(alignment.anchor), `${badge.key} → #${alignment.anchor}`).toBe(true);
        expect(alignment.anchor).toMatch(/^[a-z0-9-]+$/);
        expect(alignment.targetFramework).toBe(FRAMEWORK.programme);
        expect(alignment.targetName).not.toBe('');
        expect(alignment.targetDescription).not.toBe('');
        expect(alignment.targetCode).toMatch(/^[A-Z]{3}(-[PM])?$/);
      }
    }
    expect(new Set(REGIONAL_CATALOGUE.flatMap((b) => b.alignment.map((a) => a.targetCode))).size).toBe(9);
    expect(alignmentPath('organiser')).toBe('/referentiel#organiser');
  });

  test('the framework page describes every competence and both levels', () => {
    expect(FRAMEWORK.competences.map((c) => c.competence)).toEqual([...COMPETENCES]);
    expect(FRAMEWORK.levels.items.map((l) => l.level)).toEqual([...LEVELS]);
    for (const competence of FRAMEWORK.competences) {
      expect(competence.anchor).toBe(competence.competence);
      expect(competence.definition).not.toBe('');
      expect(competence.levels['je-pratique']).not.toBe('');
      expect(competence.levels['je-maitrise']).not.toBe('');
      expect(competence.behaviours.length).toBeGreaterThanOrEqual(4);
    }
    expect(FRAMEWORK.introduction.length).toBeGreaterThanOrEqual(2);
    expect(FRAMEWORK.generalBadge.paragraphs.length).toBeGreaterThan(0);
    expect(FRAMEWORK.awarding.paragraphs.length).toBeGreaterThan(0);
  });

  test('French text is typeset: apostrophes, no-break spaces, no URL', () => {
    const texts: string[] = [];
    const collect = (value: unknown, key = ''): void => {
      if (typeof value === 'string') {
        if (!['key', 'anchor', 'competence', 'level', 'targetCode'].includes(key)) texts.push(value);
      } else if (Array.isArray(value)) value.forEach((v) => collect(v));
      else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) collect(v, k);
    };
    collect(REGIONAL_CATALOGUE);
    collect(FRAMEWORK);
    for (const text of texts) {
      expect(text).not.toMatch(/'/); // typographic apostrophe ’ only
      expect(text).not.toMatch(/ [:;!?»]|« /); // ordinary space where French wants a no-break one
      expect(text).not.toMatch(/https?:|www\./);
      expect(text).not.toMatch(/ {2}|\s$/);
      expect(frenchTypography(text)).toBe(text);
    }
  });

  test('the catalogue is frozen', () => {
    expect(Object.isFrozen(REGIONAL_CATALOGUE)).toBe(true);
    expect(Object.isFrozen(REGIONAL_CATALOGUE[0]!.tags)).toBe(true);
    expect(Object.isFrozen(FRAMEWORK.competences[0])).toBe(true);
  });
});

describe('catalogue images', () => {
  const svgs = REGIONAL_CATALOGUE.map((badge) => catalogueBadgeSvg(badge));

  test('are safe to bake and carry an accessible name', () => {
    REGIONAL_CATALOGUE.forEach((badge, i) => {
      const svg = svgs[i]!;
      expectSafeSvg(svg);
      expect(svg).toContain(`<title>${badge.name}</title>`);
      expect(svg).toContain(`aria-label="${badge.name}"`);
    });
  });

  test('are deterministic and pairwise distinct', () => {
    expect(REGIONAL_CATALOGUE.map((badge) => catalogueBadgeSvg(badge))).toEqual(svgs);
    expect(new Set(svgs).size).toBe(9);
    // Distinct once the accessible name is removed, too: the drawings themselves differ.
    const drawings = svgs.map((svg) => svg.replace(/aria-label="[^"]*"/, '').replace(/<title>[^<]*<\/title>/, ''));
    expect(new Set(drawings).size).toBe(9);
    const designs = REGIONAL_CATALOGUE.map((b) => {
      const { title: _title, ...design } = catalogueImageOptions(b);
      return JSON.stringify(design);
    });
    expect(new Set(designs).size).toBe(9);
  });

  test('the committed assets match what the generator draws now', () => {
    // If this fails after a change to the catalogue or the drawing code:
    //   npx tsx scripts/render-catalogue-images.ts
    REGIONAL_CATALOGUE.forEach((badge, i) => {
      const svgUrl = new URL(`${badge.key}.svg`, CATALOGUE_ASSETS_DIR);
      const pngUrl = new URL(`${badge.key}.png`, CATALOGUE_ASSETS_DIR);
      expect(existsSync(svgUrl), `${badge.key}.svg`).toBe(true);
      expect(existsSync(pngUrl), `${badge.key}.png`).toBe(true);
      expect(readFileSync(svgUrl, 'utf8'), `${badge.key}.svg is stale`).toBe(svgs[i]);
      expect(pngSize(new Uint8Array(readFileSync(pngUrl)))).toEqual({ width: 400, height: 400 });
    });
  });

  test('loadCatalogueImage reads the committed files and refuses unknown keys', () => {
    const image = loadCatalogueImage('general');
    expect(image.svg).toBe(catalogueBadgeSvg(findCatalogueBadge('general')!));
    expect(image.png).toBeInstanceOf(Uint8Array);
    expect(pngSize(image.png)).toEqual({ width: 400, height: 400 });
    expect(() => loadCatalogueImage('../../package')).toThrow(/No badge/);
    expect(() => loadCatalogueImage('inconnu')).toThrow(/No badge/);
  });
});

describe('badgeSvg', () => {
  const base: BadgeImageOptions = { shape: 'circle', ...PALETTES.bleu, pictogram: 'checklist', level: 1 };

  test('draws every shape × pictogram × level safely', () => {
    const seen = new Set<string>();
    for (const shape of SHAPES) {
      for (const pictogram of PICTOGRAMS) {
        for (const level of [0, 1, 2] as const) {
          const svg = badgeSvg({ ...base, shape, pictogram, level });
          expectSafeSvg(svg);
          seen.add(svg);
        }
      }
    }
    expect(seen.size).toBe(SHAPES.length * PICTOGRAMS.length * 3);
  });

  test('escapes the title and rejects what it cannot draw', () => {
    const svg = badgeSvg({ ...base, title: 'A "B" <script>&' });
    expect(svg).toContain('aria-label="A &quot;B&quot; &lt;script&gt;&amp;"');
    expect(svg).not.toContain('<script');
    expect(() => badgeSvg({ ...base, primary: 'red' })).toThrow(TypeError);
    expect(() => badgeSvg({ ...base, secondary: '#fff"/><script>' })).toThrow(TypeError);
    expect(() => badgeSvg({ ...base, shape: 'star' as never })).toThrow(TypeError);
    expect(() => badgeSvg({ ...base, pictogram: 'rocket' as never })).toThrow(TypeError);
    expect(() => badgeSvg({ ...base, level: 3 as never })).toThrow(TypeError);
  });

  test('palettes have accessible contrasts', () => {
    for (const [name, palette] of Object.entries(PALETTES)) {
      expect(contrastRatio('#ffffff', palette.primary), `${name}: white on primary`).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(palette.secondary, palette.primary), `${name}: secondary on primary`).toBeGreaterThanOrEqual(3);
    }
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
  });

  test('renders to a PNG of the requested width, without fonts', () => {
    const svg = badgeSvg(base);
    expect(pngSize(renderSvgToPng(svg))).toEqual({ width: 400, height: 400 });
    expect(pngSize(renderSvgToPng(svg, 128))).toEqual({ width: 128, height: 128 });
  });
});
