import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A PDF read as a person reads it, with poppler (the library behind most
 * Linux PDF viewers): its text as a reader extracts it, where each word sits,
 * and its pages drawn as grey pictures.
 */
function withFile<T>(pdf: Buffer, use: (path: string, dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'insigne-pdf-'));
  try {
    const path = join(dir, 'document.pdf');
    writeFileSync(path, pdf);
    return use(path, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The text of every page, in reading order, bidi marks dropped and spaces collapsed. */
export function pdfText(pdf: Buffer): string {
  return withFile(pdf, (path) => execFileSync('pdftotext', ['-enc', 'UTF-8', path, '-'], { encoding: 'utf8' }))
    .replace(/[\u202a-\u202e\u200e\u200f]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export function pdfPageCount(pdf: Buffer): number {
  const info = withFile(pdf, (path) => execFileSync('pdfinfo', [path], { encoding: 'utf8' }));
  return Number(/^Pages:\s+(\d+)/m.exec(info)![1]);
}

export interface PlacedWord {
  page: number;
  text: string;
  /** In points from the page's top left corner. */
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/** Every word and its box, as pdftotext -bbox reports them. */
export function pdfWords(pdf: Buffer): PlacedWord[] {
  const html = withFile(pdf, (path) => execFileSync('pdftotext', ['-bbox', '-enc', 'UTF-8', path, '-'], { encoding: 'utf8' }));
  const words: PlacedWord[] = [];
  let page = 0;
  for (const m of html.matchAll(/<page |<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)) {
    if (m[0] === '<page ') {
      page++;
      continue;
    }
    words.push({ page, xMin: Number(m[1]), yMin: Number(m[2]), xMax: Number(m[3]), yMax: Number(m[4]), text: decodeEntities(m[5]!) });
  }
  return words;
}

const decodeEntities = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

export interface GreyPage {
  width: number;
  height: number;
  /** One byte a pixel, 0 black to 255 white, row after row. */
  pixels: Uint8Array;
  /** Pixels per point. */
  scale: number;
}

/** One page drawn in shades of grey at this resolution (pdftoppm, as a viewer would). */
export function renderPage(pdf: Buffer, page: number, dpi = 72): GreyPage {
  return withFile(pdf, (path, dir) => {
    execFileSync('pdftoppm', ['-gray', '-r', String(dpi), '-f', String(page), '-l', String(page), '-singlefile', path, join(dir, 'page')]);
    const pgm = readFileSync(join(dir, 'page.pgm'));
    // Binary PGM: "P5", width, height, max value, one whitespace, then the pixels.
    const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 64).toString('latin1'))!;
    const width = Number(header[1]);
    const height = Number(header[2]);
    return { width, height, pixels: new Uint8Array(pgm.subarray(header[0].length, header[0].length + width * height)), scale: dpi / 72 };
  });
}

/** The share of dark pixels (below mid-grey) inside a box given in points. */
export function inkIn(image: GreyPage, box: { xMin: number; yMin: number; xMax: number; yMax: number }): number {
  const x0 = Math.floor(box.xMin * image.scale);
  const x1 = Math.ceil(box.xMax * image.scale);
  const y0 = Math.floor(box.yMin * image.scale);
  const y1 = Math.ceil(box.yMax * image.scale);
  let dark = 0;
  let all = 0;
  for (let y = Math.max(0, y0); y < Math.min(image.height, y1); y++) {
    for (let x = Math.max(0, x0); x < Math.min(image.width, x1); x++) {
      all++;
      if (image.pixels[y * image.width + x]! < 128) dark++;
    }
  }
  return all === 0 ? 0 : dark / all;
}
