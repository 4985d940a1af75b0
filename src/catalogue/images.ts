// One file because the drawing is deterministic and checked byte for byte against the committed catalogue assets: the shapes, colours and rendering live together.
/**
 * Badge images, drawn as plain SVG: shapes and paths only, no text, no fonts,
 * no gradients or ids (several badges can be inlined on one page), no external
 * reference. The output is deterministic — the same options always give the
 * same bytes — so that the committed catalogue assets can be checked against it.
 *
 * Baking rules followed: the document starts with `<svg xmlns=…` (nothing
 * before it), has a viewBox and width/height 400.
 */
import { Resvg } from '@resvg/resvg-js';
import type { CatalogueBadge, Competence, Level } from './regional.ts';

export const BADGE_SIZE = 400;

export const SHAPES = ['circle', 'hexagon', 'shield'] as const;
export type Shape = (typeof SHAPES)[number];

export const PICTOGRAMS = ['checklist', 'speech-bubbles', 'compass', 'people', 'laurel-star', 'leaf', 'screen'] as const;
export type Pictogram = (typeof PICTOGRAMS)[number];

/** 0: no level mark; 1: « je pratique » (silver rim, one star); 2: « je maîtrise » (gold rim, two stars). */
export type BadgeLevel = 0 | 1 | 2;

export interface Palette {
  /** Main colour of the badge body; white must read on it (contrast ≥ 4.5:1). */
  primary: string;
  /** Light accent drawn on the primary colour (contrast ≥ 3:1 with it). */
  secondary: string;
}

/** Named palettes offered by the badge editor; the first five are the catalogue's. */
export const PALETTES = {
  bleu: { primary: '#1c4e8f', secondary: '#a9cdf5' },
  terracotta: { primary: '#a8401c', secondary: '#fbc9a8' },
  vert: { primary: '#11665a', secondary: '#9fe3d2' },
  violet: { primary: '#5a2d82', secondary: '#d6bdf0' },
  nuit: { primary: '#1a2947', secondary: '#f3c64f' },
  rouge: { primary: '#9e2234', secondary: '#f7b8c2' },
  ardoise: { primary: '#37474f', secondary: '#c5d3db' },
} as const satisfies Record<string, Palette>;
export type PaletteName = keyof typeof PALETTES;

export interface BadgeImageOptions {
  shape: Shape;
  primary: string;
  secondary: string;
  pictogram: Pictogram;
  level: BadgeLevel;
  /** Accessible name (`<title>` and aria-label). */
  title?: string;
}

const COMPETENCE_DESIGN: Readonly<Record<Competence, { palette: PaletteName; pictogram: Pictogram }>> = {
  organiser: { palette: 'bleu', pictogram: 'checklist' },
  communiquer: { palette: 'terracotta', pictogram: 'speech-bubbles' },
  's-adapter': { palette: 'vert', pictogram: 'compass' },
  's-integrer': { palette: 'violet', pictogram: 'people' },
};

const LEVEL_MARKS: Readonly<Record<Level, BadgeLevel>> = { 'je-pratique': 1, 'je-maitrise': 2 };

/** The design of a catalogue badge, as options the badge editor can start from. */
export function catalogueImageOptions(badge: CatalogueBadge): BadgeImageOptions {
  if (badge.competence === null) {
    return { shape: 'hexagon', ...PALETTES.nuit, pictogram: 'laurel-star', level: 2, title: badge.name };
  }
  const design = COMPETENCE_DESIGN[badge.competence];
  return {
    shape: 'circle',
    ...PALETTES[design.palette],
    pictogram: design.pictogram,
    level: badge.level === null ? 0 : LEVEL_MARKS[badge.level],
    title: badge.name,
  };
}

export function catalogueBadgeSvg(badge: CatalogueBadge): string {
  return badgeSvg(catalogueImageOptions(badge));
}

// ---------------------------------------------------------------------------
// Colours

const WHITE = '#ffffff';
/** Rims and level bands: gold for « je maîtrise », silver otherwise. */
const GOLD = { rim: '#d9a82b', edge: '#8f6a12', light: '#f6d77a' };
const SILVER = { rim: '#c9d2dc', edge: '#7d8997', light: '#eef2f6' };
/** The star of the laurel pictogram. */
const STAR_GOLD = '#f3c64f';

function parseHex(colour: string): [number, number, number] {
  return [1, 3, 5].map((i) => Number.parseInt(colour.slice(i, i + 2), 16)) as [number, number, number];
}

function toHex(rgb: readonly number[]): string {
  return (
    '#' +
    rgb
      .map((c) =>
        Math.max(0, Math.min(255, Math.round(c)))
          .toString(16)
          .padStart(2, '0'),
      )
      .join('')
  );
}

/** Mixes `colour` with black (amount < 0) or white (amount > 0). */
function shade(colour: string, amount: number): string {
  const target = amount < 0 ? 0 : 255;
  const t = Math.abs(amount);
  return toHex(parseHex(colour).map((c) => c + (target - c) * t));
}

/** WCAG relative luminance. */
export function relativeLuminance(colour: string): number {
  const [r, g, b] = parseHex(colour).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio between two #rrggbb colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const HEX_COLOUR = /^#[0-9a-f]{6}$/i;

function checkOptions(options: BadgeImageOptions): void {
  if (!SHAPES.includes(options.shape)) throw new TypeError(`Unknown badge shape: ${String(options.shape)}`);
  if (!PICTOGRAMS.includes(options.pictogram)) throw new TypeError(`Unknown pictogram: ${String(options.pictogram)}`);
  if (![0, 1, 2].includes(options.level)) throw new TypeError(`Unknown level mark: ${String(options.level)}`);
  for (const key of ['primary', 'secondary'] as const) {
    if (typeof options[key] !== 'string' || !HEX_COLOUR.test(options[key])) {
      throw new TypeError(`The ${key} colour must be written #rrggbb`);
    }
  }
}

// ---------------------------------------------------------------------------
// Geometry helpers

/** Numbers with at most two decimals, never "-0": stable output. */
function n(x: number): string {
  const r = Math.round(x * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

type Point = readonly [number, number];

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** A closed polygon with its corners rounded by `radius`. */
function roundedPolygon(points: readonly Point[], radius: number): string {
  const parts: string[] = [];
  points.forEach((p, i) => {
    const prev = points[(i + points.length - 1) % points.length]!;
    const next = points[(i + 1) % points.length]!;
    const toward = (q: Point): Point => {
      const dx = q[0] - p[0];
      const dy = q[1] - p[1];
      const len = Math.hypot(dx, dy);
      const t = Math.min(radius, len / 2) / len;
      return [p[0] + dx * t, p[1] + dy * t];
    };
    const a = toward(prev);
    const b = toward(next);
    parts.push(`${i === 0 ? 'M' : 'L'}${n(a[0])} ${n(a[1])}Q${n(p[0])} ${n(p[1])} ${n(b[0])} ${n(b[1])}`);
  });
  return parts.join('') + 'Z';
}

function star(cx: number, cy: number, outer: number, inner = outer * 0.46, points = 5): string {
  const pts: Point[] = [];
  for (let i = 0; i < points * 2; i++) {
    const r = i % 2 === 0 ? outer : inner;
    const a = -Math.PI / 2 + (i * Math.PI) / points;
    pts.push([cx + r * Math.cos(a), cy + r * Math.sin(a)]);
  }
  return roundedPolygon(pts, outer * 0.08);
}

const C = 200; // centre of the 400 × 400 canvas

/** Path of the badge outline, shrunk by `inset` units. */
function outlinePath(shape: Shape, inset: number): string {
  switch (shape) {
    case 'circle': {
      const r = 190 - inset;
      return `M${C} ${n(C - r)}A${n(r)} ${n(r)} 0 1 1 ${C} ${n(C + r)}A${n(r)} ${n(r)} 0 1 1 ${C} ${n(C - r)}Z`;
    }
    case 'hexagon': {
      const r = 196 - (inset * 2) / Math.sqrt(3);
      const pts: Point[] = [0, 1, 2, 3, 4, 5].map((i) => {
        const a = -Math.PI / 2 + (i * Math.PI) / 3;
        return [C + r * Math.cos(a), C + r * Math.sin(a)];
      });
      return roundedPolygon(pts, Math.max(6, 30 - inset * 0.6));
    }
    case 'shield': {
      const left = 34 + inset;
      const right = 366 - inset;
      const top = 12 + inset;
      const bottom = 392 - inset * 1.5;
      const corner = Math.max(8, 34 - inset * 0.7);
      const dip = 14; // the top edge curves down slightly towards the middle
      const waist = 196;
      return [
        `M${n(left + corner)} ${n(top)}`,
        `Q${n((left + C) / 2)} ${n(top)} ${C} ${n(top + dip)}`,
        `Q${n((right + C) / 2)} ${n(top)} ${n(right - corner)} ${n(top)}`,
        `Q${n(right)} ${n(top)} ${n(right)} ${n(top + corner)}`,
        `L${n(right)} ${waist}`,
        `C${n(right)} ${n(waist + 110 - inset * 0.3)} ${n(C + 70 - inset * 0.2)} ${n(bottom - 40)} ${C} ${n(bottom)}`,
        `C${n(C - 70 + inset * 0.2)} ${n(bottom - 40)} ${n(left)} ${n(waist + 110 - inset * 0.3)} ${n(left)} ${waist}`,
        `L${n(left)} ${n(top + corner)}`,
        `Q${n(left)} ${n(top)} ${n(left + corner)} ${n(top)}Z`,
      ].join('');
    }
  }
}

// ---------------------------------------------------------------------------
// Pictograms, drawn in a box from -80 to 80 around (0, 0)

interface Ink {
  primary: string;
  secondary: string;
  white: string;
  gold: string;
}

const PICTOGRAM_DRAWINGS: Readonly<Record<Pictogram, (ink: Ink) => string>> = {
  // A clipboard with a checklist: two items done, one to do.
  checklist: ({ primary, secondary, white }) => {
    const rows = [-22, 14, 50];
    const items = rows
      .map((y, i) => {
        const box =
          i < 2
            ? `<path d="M-40 ${y}l8 8l16-17" fill="none" stroke="${primary}" stroke-width="8" stroke-linecap="round" stroke-linejoin="round"/>`
            : `<rect x="-40" y="${y - 10}" width="20" height="20" rx="4" fill="none" stroke="${primary}" stroke-width="5"/>`;
        const line = `<rect x="-6" y="${y - 5}" width="${i === 1 ? 38 : 46}" height="10" rx="5" fill="${primary}" opacity="${i < 2 ? 0.9 : 0.45}"/>`;
        return box + line;
      })
      .join('');
    return (
      `<rect x="-58" y="-62" width="116" height="138" rx="14" fill="${white}"/>` +
      `<rect x="-26" y="-76" width="52" height="28" rx="9" fill="${secondary}" stroke="${primary}" stroke-width="5"/>` +
      `<circle cx="0" cy="-64" r="5" fill="${primary}"/>` +
      items
    );
  },

  // Two speech bubbles in conversation.
  'speech-bubbles': ({ primary, secondary, white }) =>
    `<path d="M-64 -66H14Q30 -66 30 -50V-6Q30 10 14 10H-30L-52 30V10H-64Q-80 10 -80 -6V-50Q-80 -66 -64 -66Z" fill="${secondary}"/>` +
    `<path d="M-14 -22H62Q78 -22 78 -6V40Q78 56 62 56H52V78L28 56H-14Q-30 56 -30 40V-6Q-30 -22 -14 -22Z" fill="${white}" stroke="${primary}" stroke-width="6" stroke-linejoin="round"/>` +
    [6, 24, 42].map((x) => `<circle cx="${x}" cy="17" r="8" fill="${primary}"/>`).join(''),

  // A compass whose needle points to a new direction.
  compass: ({ primary, secondary, white }) => {
    const ticks = [0, 90, 180, 270]
      .map((deg) => {
        const a = (deg * Math.PI) / 180;
        const [x1, y1, x2, y2] = [Math.sin(a) * 52, -Math.cos(a) * 52, Math.sin(a) * 64, -Math.cos(a) * 64];
        return `<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}" stroke="${secondary}" stroke-width="7" stroke-linecap="round"/>`;
      })
      .join('');
    // Needle along the 40° axis: a long diamond, light half towards the north-east.
    const a = (40 * Math.PI) / 180;
    const tip = (r: number, off = 0): Point => [Math.sin(a + off) * r, -Math.cos(a + off) * r];
    const north = tip(58);
    const south = tip(-58);
    const side1 = tip(14, Math.PI / 2);
    const side2 = tip(14, -Math.PI / 2);
    const p = (q: Point): string => `${n(q[0])} ${n(q[1])}`;
    return (
      `<circle cx="0" cy="0" r="76" fill="none" stroke="${white}" stroke-width="10"/>` +
      ticks +
      `<path d="M${p(north)}L${p(side1)}L${p(side2)}Z" fill="${white}" stroke="${white}" stroke-width="4" stroke-linejoin="round"/>` +
      `<path d="M${p(south)}L${p(side1)}L${p(side2)}Z" fill="${secondary}" stroke="${secondary}" stroke-width="4" stroke-linejoin="round"/>` +
      `<circle cx="0" cy="0" r="9" fill="${primary}" stroke="${white}" stroke-width="4"/>`
    );
  },

  // Three people side by side, the one in front joining the group.
  people: ({ primary, secondary, white }) => {
    const person = (x: number, y: number, s: number, fill: string, outline: boolean): string => {
      const stroke = outline ? ` stroke="${primary}" stroke-width="${n(6 / s)}"` : '';
      return (
        `<g transform="translate(${n(x)} ${n(y)}) scale(${s})">` +
        `<circle cx="0" cy="-30" r="22" fill="${fill}"${stroke}/>` +
        `<path d="M-40 46V26Q-40 0 -14 0H14Q40 0 40 26V46Z" fill="${fill}"${stroke} stroke-linejoin="round"/>` +
        `</g>`
      );
    };
    return person(-48, -6, 0.8, secondary, false) + person(48, -6, 0.8, secondary, false) + person(0, 10, 1, white, true);
  },

  // A star held in a laurel wreath.
  'laurel-star': ({ primary, white, gold }) => {
    // The left branch follows an arc of radius 70 around the star, from the
    // bottom (φ = 0) up to the upper left; the right one is its mirror image.
    const R = 70;
    const at = (deg: number, offset = 0): Point => {
      const phi = (deg * Math.PI) / 180;
      return [-(R + offset) * Math.sin(phi), (R + offset) * Math.cos(phi)];
    };
    const leaf = ([bx, by]: Point, angle: number, length: number): string => {
      // An ellipse whose base sits on the stem, pointing along `angle` (degrees).
      const a = (angle * Math.PI) / 180;
      const [x, y] = [bx + Math.cos(a) * length, by + Math.sin(a) * length];
      return `<ellipse cx="${n(x)}" cy="${n(y)}" rx="${length}" ry="${n(length * 0.45)}" transform="rotate(${n(angle)} ${n(x)} ${n(y)})" fill="${white}"/>`;
    };
    const leaves: string[] = [];
    for (let deg = 28; deg <= 136; deg += 18) {
      const growth = deg + 180; // direction of the stem at this point
      leaves.push(leaf(at(deg), growth - 34, 13), leaf(at(deg + 8), growth + 34, 12));
    }
    leaves.push(leaf(at(146), 146 + 180, 13));
    const [sx, sy] = at(14);
    const [ex, ey] = at(146);
    const stem = `<path d="M${n(sx)} ${n(sy)}A${R} ${R} 0 0 1 ${n(ex)} ${n(ey)}" fill="none" stroke="${white}" stroke-width="5" stroke-linecap="round"/>`;
    const branch = stem + leaves.join('');
    return (
      branch +
      `<g transform="scale(-1 1)">${branch}</g>` +
      `<path d="${star(0, 4, 50)}" fill="${gold}" stroke="${primary}" stroke-width="4" stroke-linejoin="round"/>`
    );
  },

  // A leaf with its veins: the ecological transition (badge editor only).
  leaf: ({ primary, secondary, white }) =>
    `<path d="M-56 62C-78 -6 -40 -70 66 -70C72 34 14 78 -56 62Z" fill="${white}" stroke="${secondary}" stroke-width="4" stroke-linejoin="round"/>` +
    `<path d="M-62 70L44 -48" fill="none" stroke="${primary}" stroke-width="7" stroke-linecap="round"/>` +
    [
      [-20, 30, -44, 4],
      [2, 6, -14, -28],
      [22, -16, 10, -50],
      [-20, 30, 12, 40],
      [2, 6, 34, 14],
    ]
      .map(([x1, y1, x2, y2]) => `<path d="M${x1} ${y1}L${x2} ${y2}" stroke="${primary}" stroke-width="5" stroke-linecap="round"/>`)
      .join(''),

  // A screen on its stand, with a cursor: the digital transition (badge editor only).
  screen: ({ primary, secondary, white }) =>
    `<rect x="-76" y="-62" width="152" height="104" rx="12" fill="${white}"/>` +
    `<rect x="-62" y="-48" width="124" height="76" rx="5" fill="${secondary}"/>` +
    `<path d="M-18 42H18L26 70H-26Z" fill="${white}"/>` +
    `<rect x="-44" y="66" width="88" height="10" rx="5" fill="${white}"/>` +
    `<path d="M-6 -30V16L6 4L16 24L24 20L14 0H30Z" fill="${primary}" stroke="${white}" stroke-width="3" stroke-linejoin="round"/>`,
};

// ---------------------------------------------------------------------------
// The badge

/** Draws a badge. Throws a TypeError on an unknown shape, pictogram, level or a colour not written #rrggbb. */
export function badgeSvg(options: BadgeImageOptions): string {
  checkOptions(options);
  const primary = options.primary.toLowerCase();
  const secondary = options.secondary.toLowerCase();
  const title = escapeXml(options.title ?? 'Badge');
  const { shape, level } = options;
  const metal = level === 2 ? GOLD : SILVER;
  const body = level === 0 ? shade(primary, -0.25) : metal.rim;
  const deep = shade(primary, -0.35);

  const parts: string[] = [];
  // Rim, body, stitched inner ring, and a soft light on the upper half.
  parts.push(`<path d="${outlinePath(shape, 0)}" fill="${body}" stroke="${level === 0 ? deep : metal.edge}" stroke-width="3"/>`);
  if (level === 2) parts.push(`<path d="${outlinePath(shape, 6)}" fill="none" stroke="${metal.light}" stroke-width="2" opacity="0.9"/>`);
  parts.push(`<path d="${outlinePath(shape, 14)}" fill="${primary}" stroke="${deep}" stroke-width="2"/>`);
  parts.push(
    `<path d="${outlinePath(shape, 28)}" fill="none" stroke="${secondary}" stroke-width="3" stroke-dasharray="1 9" stroke-linecap="round" opacity="0.8"/>`,
  );

  const pictogramY = level === 0 ? 200 : 162;
  const scale = level === 0 ? 1.3 : 1.15;
  const ink: Ink = { primary, secondary, white: WHITE, gold: STAR_GOLD };
  parts.push(`<g transform="translate(${C} ${pictogramY}) scale(${scale})">${PICTOGRAM_DRAWINGS[options.pictogram](ink)}</g>`);

  if (level !== 0) parts.push(levelBand(level, primary, metal));

  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${BADGE_SIZE}" height="${BADGE_SIZE}" viewBox="0 0 ${BADGE_SIZE} ${BADGE_SIZE}" role="img" aria-label="${title}">` +
    `<title>${title}</title>` +
    parts.join('') +
    `</svg>`
  );
}

/** A ribbon across the lower part of the badge, with one or two stars. */
function levelBand(level: 1 | 2, primary: string, metal: typeof GOLD | typeof SILVER): string {
  const top = 270;
  const height = 50;
  const fold = shade(primary, -0.5);
  const tail = shade(primary, -0.3);
  const tails = ([1, -1] as const)
    .map((side) => {
      const outer = C + side * 192;
      const inner = C + side * 150;
      const notch = C + side * 176;
      const y0 = top + 14;
      const y1 = top + height + 14;
      return (
        `<path d="M${inner} ${y0}H${outer}L${notch} ${(y0 + y1) / 2}L${outer} ${y1}H${inner}Z" fill="${tail}"/>` +
        // The fold where the band turns behind the badge.
        `<path d="M${C + side * 168} ${top + height}L${C + side * 150} ${y1}V${top + height}Z" fill="${fold}"/>`
      );
    })
    .join('');
  const band =
    `<path d="M32 ${top}H368V${top + height}H32Z" fill="${metal.rim}" stroke="${metal.edge}" stroke-width="2"/>` +
    `<path d="M32 ${top + 6}H368M32 ${top + height - 6}H368" stroke="${metal.light}" stroke-width="2" opacity="0.9"/>`;
  const starsX = level === 1 ? [C] : [C - 26, C + 26];
  // A darker shade of the primary colour keeps the stars above 4.5:1 on the metal.
  const starColour = shade(primary, -0.35);
  const stars = starsX.map((x) => `<path d="${star(x, top + height / 2 + 1, 21)}" fill="${starColour}"/>`).join('');
  return tails + band + stars;
}

// ---------------------------------------------------------------------------
// Rendering

/** Renders an SVG to PNG at the given width (the badges have no text, so no font is loaded). */
export function renderSvgToPng(svg: string, width = BADGE_SIZE): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: width },
    font: { loadSystemFonts: false },
    logLevel: 'off',
  });
  return new Uint8Array(resvg.render().asPng());
}

// ---------------------------------------------------------------------------
// The badge editor's generator

/** Colours the editor offers (every palette: white reads on each, see PALETTES). */
export const GENERATOR_PALETTES = Object.keys(PALETTES) as PaletteName[];

export interface GeneratedImageChoice {
  shape: Shape;
  palette: PaletteName;
  pictogram: Pictogram;
  level: BadgeLevel;
  /** The badge's name: the image's accessible name. */
  title?: string;
}

/** Draws a badge from the editor's choices: its SVG, and the PNG rendered from it. */
export function generatedBadgeImage(choice: GeneratedImageChoice): { svg: string; png: Uint8Array } {
  const palette = PALETTES[choice.palette];
  if (!palette) throw new TypeError(`Unknown palette: ${String(choice.palette)}`);
  const svg = badgeSvg({
    shape: choice.shape,
    primary: palette.primary,
    secondary: palette.secondary,
    pictogram: choice.pictogram,
    level: choice.level,
    title: choice.title,
  });
  return { svg, png: renderSvgToPng(svg) };
}
