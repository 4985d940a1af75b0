/**
 * Images people upload (a badge class's image, a structure's logo): checked
 * to be what they claim, bounded, and made safe to publish.
 *
 * - PNG: the signature, every chunk's length and CRC, IHDR first and IEND
 *   last, and the pixel data inflated (bounded) to the size IHDR announces:
 *   a file that merely starts like a PNG is refused. Only the chunks that
 *   draw the picture and give its colours are kept (KEPT_CHUNKS): text,
 *   EXIF, animation and any unknown chunk are dropped.
 * - SVG: strict XML whose root is an SVG <svg>; no DOCTYPE internal subset
 *   (entity expansion); then DOMPurify (svg profile) on jsdom with our own
 *   rules: no script, no foreignObject, no animation (which can rewrite an
 *   href), no event handler, no reference leaving the document (href or url()
 *   not starting with '#', except inline raster data), no <style> with
 *   @import; SVG's mixed-case names (viewBox, linearGradient…) are kept,
 *   as the reader will see them (./svg-names.ts). The sanitised SVG is
 *   rendered with resvg to the PNG that baking uses.
 *
 * Decisions come from the bytes, never from the name alone; a name that says
 * .png while the bytes are an SVG (or the other way round) is refused, so
 * what a person sees in their file manager is what we publish.
 */
import { inflateSync } from 'node:zlib';
import { createRequire } from 'node:module';
import CRC32 from 'crc-32';
import type { DOMPurify } from 'dompurify';
import { imageSize } from 'image-size';
import { DomainError } from '../errors.ts';
import { SVG_MIXED_CASE_ATTRIBUTES, SVG_MIXED_CASE_TAGS } from './svg-names.ts';

// jsdom, DOMPurify and resvg are large, and only an upload needs them: they
// are loaded on the first upload, not by every server at start-up.
const require = createRequire(import.meta.url);
const loadJsdom = () => require('jsdom') as typeof import('jsdom');
const loadDomPurify = () => require('dompurify') as typeof import('dompurify').default;
const loadResvg = () => (require('@resvg/resvg-js') as typeof import('@resvg/resvg-js')).Resvg;

export const MAX_IMAGE_BYTES = 512 * 1024;
export const MIN_IMAGE_PIXELS = 90;
export const MAX_IMAGE_PIXELS = 2048;
/** The longer side may be at most this much longer than the shorter one. */
export const MAX_ASPECT_RATIO = 1.25;
/** Width of the PNG rendered from an uploaded SVG (the catalogue badges' size). */
export const RENDERED_PNG_WIDTH = 400;

export const UPLOADED_IMAGE_REFUSALS = [
  'empty',
  'too_large',
  'unsupported_type',
  'type_mismatch',
  'not_an_image',
  'too_small',
  'too_big_dimensions',
  'not_square',
  'too_elongated',
  'unsafe_svg',
] as const;
export type UploadedImageErrorCode = (typeof UPLOADED_IMAGE_REFUSALS)[number];

/** Why an upload was refused (422): worded by `error.image.<code>` in the uploader's language. */
export class UploadedImageError extends DomainError<UploadedImageErrorCode> {
  constructor(code: UploadedImageErrorCode, params: Record<string, string | number> = {}) {
    super(code, 422, params, { messageKey: `error.image.${code}` });
    this.name = 'UploadedImageError';
  }
}

export interface CheckedImage {
  mime: 'image/png' | 'image/svg+xml';
  /** The PNG to store and bake: the upload without its metadata, or the SVG rendered. */
  png: Uint8Array;
  /** The sanitised SVG, for an SVG upload. */
  svg?: string;
  width: number;
  height: number;
}

export interface CheckOptions {
  maxBytes?: number;
  minPixels?: number;
  /** Badges are square; a logo may be wider (pass a larger ratio). */
  maxAspectRatio?: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function looksLikePng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

function extensionOf(fileName: string): string {
  const match = /\.([A-Za-z0-9]{1,8})$/.exec(fileName.trim());
  return match ? match[1]!.toLowerCase() : '';
}

/**
 * Checks an uploaded image and returns what may be stored and published, or
 * throws an UploadedImageError. Never throws anything else for bad input.
 */
export function checkUploadedImage(bytes: Uint8Array, fileName: string, options: CheckOptions = {}): CheckedImage {
  const maxBytes = options.maxBytes ?? MAX_IMAGE_BYTES;
  if (!bytes || bytes.length === 0) throw new UploadedImageError('empty');
  if (bytes.length > maxBytes) throw new UploadedImageError('too_large', { kilobytes: Math.round(maxBytes / 1024) });
  const extension = extensionOf(fileName);
  const isPng = looksLikePng(bytes);
  const text = isPng ? null : svgText(bytes);
  if (extension === 'png' && !isPng) throw new UploadedImageError(text ? 'type_mismatch' : 'not_an_image');
  if (extension === 'svg' && !text) throw new UploadedImageError(isPng ? 'type_mismatch' : 'not_an_image');
  if (isPng) return checkPng(bytes, options);
  if (text) return checkSvg(text, options);
  throw new UploadedImageError(extension === '' || extension === 'png' || extension === 'svg' ? 'not_an_image' : 'unsupported_type');
}

function checkDimensions(width: number, height: number, options: CheckOptions, raster: boolean): void {
  const minPixels = options.minPixels ?? MIN_IMAGE_PIXELS;
  if (!(width > 0 && height > 0)) throw new UploadedImageError('not_an_image');
  if (raster && Math.min(width, height) < minPixels) {
    throw new UploadedImageError('too_small', { min: minPixels, width, height });
  }
  if (raster && Math.max(width, height) > MAX_IMAGE_PIXELS) {
    throw new UploadedImageError('too_big_dimensions', { max: MAX_IMAGE_PIXELS, width, height });
  }
  const ratio = Math.max(width, height) / Math.min(width, height);
  const maxRatio = options.maxAspectRatio ?? MAX_ASPECT_RATIO;
  if (ratio > maxRatio) {
    // A badge is square or nearly (the rule people know); another image, a logo, is only "too elongated".
    throw new UploadedImageError(maxRatio === MAX_ASPECT_RATIO ? 'not_square' : 'too_elongated', {
      width: Math.round(width),
      height: Math.round(height),
      ratio: maxRatio,
    });
  }
}

// ---------------------------------------------------------------------------
// PNG

interface PngChunk {
  name: string;
  data: Uint8Array;
  raw: Uint8Array;
}

function pngChunks(png: Uint8Array): PngChunk[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: PngChunk[] = [];
  let offset = 8;
  while (offset + 12 <= png.length) {
    const length = view.getUint32(offset);
    const next = offset + 12 + length;
    if (next > png.length) break;
    const name = String.fromCharCode(...png.subarray(offset + 4, offset + 8));
    if (!/^[A-Za-z]{4}$/.test(name)) break;
    if (CRC32.buf(png.subarray(offset + 4, offset + 8 + length)) >>> 0 !== view.getUint32(offset + 8 + length)) break;
    chunks.push({ name, data: png.subarray(offset + 8, offset + 8 + length), raw: png.subarray(offset, next) });
    offset = next;
    if (name === 'IEND') return chunks;
  }
  throw new UploadedImageError('not_an_image');
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/**
 * The chunks we publish: the picture (IHDR, PLTE, tRNS, IDAT, IEND) and how
 * to show its colours (gAMA, cHRM, sRGB, iCCP, cICP: without them a
 * colour-managed viewer shifts the colours). Everything else is dropped:
 * text and EXIF (author metadata, and an `openbadges` chunk that would make
 * the badge class's own image look like somebody's baked badge), animation
 * (acTL, fcTL, fdAT: a badge is a still image, and frames no viewer shows
 * would be hidden content), pHYs (a print resolution that some viewers turn
 * into a display size: a badge is shown at its pixel size), bKGD, sBIT,
 * hIST, sPLT, tIME and any private or unknown chunk.
 */
const KEPT_CHUNKS = new Set(['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND', 'gAMA', 'cHRM', 'sRGB', 'iCCP', 'cICP']);

function checkPng(bytes: Uint8Array, options: CheckOptions): CheckedImage {
  const chunks = pngChunks(bytes);
  const ihdr = chunks[0];
  if (ihdr?.name !== 'IHDR' || ihdr.data.length !== 13) throw new UploadedImageError('not_an_image');
  let size: { width?: number; height?: number; type?: string };
  try {
    size = imageSize(bytes);
  } catch {
    throw new UploadedImageError('not_an_image');
  }
  if (size.type !== 'png' || !size.width || !size.height) throw new UploadedImageError('not_an_image');
  const { width, height } = size;
  checkDimensions(width, height, options, true);

  // The pixel data must inflate to what the header announces (bounded, so a
  // small file cannot make us allocate much).
  const header = new DataView(ihdr.data.buffer, ihdr.data.byteOffset, 13);
  const bitDepth = ihdr.data[8]!;
  const colourType = ihdr.data[9]!;
  const interlaced = ihdr.data[12] === 1;
  const channels = CHANNELS[colourType];
  if (!channels || ![1, 2, 4, 8, 16].includes(bitDepth) || header.getUint32(0) !== width) {
    throw new UploadedImageError('not_an_image');
  }
  const rowBytes = Math.ceil((width * channels * bitDepth) / 8);
  const expected = height * (1 + rowBytes);
  const idat = chunks.filter((c) => c.name === 'IDAT');
  if (!idat.length || (colourType === 3 && !chunks.some((c) => c.name === 'PLTE'))) {
    throw new UploadedImageError('not_an_image');
  }
  let inflated: Buffer;
  try {
    // Adam7 adds a filter byte per row of each pass: a little more than the plain size.
    inflated = inflateSync(Buffer.concat(idat.map((c) => c.data)), { maxOutputLength: expected + (interlaced ? 16 * height + 64 : 1) });
  } catch {
    throw new UploadedImageError('not_an_image');
  }
  if (interlaced ? inflated.length < expected * 0.9 : inflated.length !== expected) {
    throw new UploadedImageError('not_an_image');
  }
  const png = new Uint8Array(
    Buffer.concat([Buffer.from(bytes.subarray(0, 8)), ...chunks.filter((c) => KEPT_CHUNKS.has(c.name)).map((c) => c.raw)]),
  );
  return { mime: 'image/png', png, width, height };
}

// ---------------------------------------------------------------------------
// SVG

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The text of an SVG upload (UTF-8, optionally with a BOM), or null when the bytes are not one. */
function svgText(bytes: Uint8Array): string | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // An XML document whose first element is <svg …> (after an optional prolog).
  const head = text.slice(0, 4096).replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(\[[\s\S]*?\])?\s*>/gi, '');
  return /^\s*<svg[\s>]/.test(head) ? text : null;
}

const FORBIDDEN_TAGS = [
  'script',
  'foreignObject',
  'iframe',
  'embed',
  'object',
  'animate',
  'animateMotion',
  'animateTransform',
  'animateColor',
  'set',
  'discard',
  'handler',
  'listener',
];

let purifier: { purify: DOMPurify; serialize: (node: Node) => string } | undefined;

/** A local reference (#id), or raster pixels inlined as data. */
function safeReference(value: string): boolean {
  const v = value.trim();
  return v.startsWith('#') || /^data:image\/(png|jpeg|gif|webp)[;,]/i.test(v);
}

/** Every url(…) in a CSS value or presentation attribute points inside the document. */
function safeCss(value: string): boolean {
  // A backslash is a CSS escape (u\72l( is url(): nothing escaped is trusted.
  if (/@import|expression\s*\(|javascript:|behaviou?r\s*:|-moz-binding|image-set\s*\(|\\/i.test(value)) return false;
  for (const match of value.matchAll(/url\s*\(\s*(['"]?)([^'")]*)\1\s*\)/gi)) {
    if (!safeReference(match[2] ?? '')) return false;
  }
  // A url( we could not read is not trusted either.
  const urls = value.match(/url\s*\(/gi)?.length ?? 0;
  const readable = [...value.matchAll(/url\s*\(\s*(['"]?)([^'")]*)\1\s*\)/gi)].length;
  return urls === readable;
}

function getPurifier() {
  if (purifier) return purifier;
  const { window } = new (loadJsdom().JSDOM)('');
  const createDOMPurify = loadDomPurify();
  const purify = createDOMPurify(window as unknown as Parameters<typeof createDOMPurify>[0]);
  purify.addHook('afterSanitizeAttributes', (node) => {
    for (const attribute of [...node.attributes]) {
      const name = attribute.localName.toLowerCase();
      const value = attribute.value;
      const drop =
        name.startsWith('on') ||
        ((name === 'href' || name === 'src') && !safeReference(value)) ||
        (/url\s*\(|@import|expression|javascript:|image-set|\\/i.test(value) && !safeCss(value));
      if (drop) node.removeAttributeNode(attribute);
    }
  });
  purify.addHook('uponSanitizeElement', (node, data) => {
    // Emptied rather than removed while DOMPurify walks the tree.
    if (data.tagName === 'style' && !safeCss(node.textContent ?? '')) node.textContent = '';
  });
  const serializer = new window.XMLSerializer();
  purifier = { purify, serialize: (node) => serializer.serializeToString(node) };
  return purifier;
}

/** The sanitised SVG text; throws UploadedImageError when nothing safe and well-formed remains. */
export function sanitiseSvg(text: string): string {
  // Entity declarations (billion laughs, external entities) are refused outright.
  if (/<!DOCTYPE[^>]*\[|<!ENTITY/i.test(text)) throw new UploadedImageError('unsafe_svg');
  let root: Element;
  let rootXml: string;
  try {
    const parsed = new (loadJsdom().JSDOM)(text, { contentType: 'image/svg+xml' });
    root = parsed.window.document.documentElement;
    // The element alone, as XML: no declaration or doctype for the sanitiser to trip on.
    rootXml = new parsed.window.XMLSerializer().serializeToString(root);
  } catch {
    throw new UploadedImageError('not_an_image');
  }
  if (root.localName !== 'svg' || root.namespaceURI !== SVG_NS) throw new UploadedImageError('not_an_image');

  const { purify, serialize } = getPurifier();
  const fragment = purify.sanitize(rootXml, {
    // Read as XML, as resvg, browsers and backpacks will read it: a sanitiser
    // that parses differently from the readers is the classic way past it.
    PARSER_MEDIA_TYPE: 'application/xhtml+xml',
    USE_PROFILES: { svg: true, svgFilters: true },
    ADD_TAGS: ['use', ...SVG_MIXED_CASE_TAGS],
    ADD_ATTR: SVG_MIXED_CASE_ATTRIBUTES,
    FORBID_TAGS: FORBIDDEN_TAGS,
    RETURN_DOM_FRAGMENT: true,
  }) as unknown as DocumentFragment | null;
  if (!fragment) throw new UploadedImageError('unsafe_svg');
  const elements = [...fragment.childNodes].filter((node) => node.nodeType === 1) as Element[];
  const svg = elements[0];
  if (elements.length !== 1 || !svg || svg.localName !== 'svg' || svg.namespaceURI !== SVG_NS) {
    throw new UploadedImageError('unsafe_svg');
  }
  const out = serialize(svg);
  // Baking wants the document to start with the <svg> tag, in the SVG namespace.
  if (!out.startsWith(`<svg xmlns="${SVG_NS}"`)) throw new UploadedImageError('unsafe_svg');
  return out;
}

function checkSvg(text: string, options: CheckOptions): CheckedImage {
  const svg = sanitiseSvg(text);
  let png: Uint8Array;
  let width: number;
  let height: number;
  try {
    const Resvg = loadResvg();
    const resvg = new Resvg(svg, {
      fitTo: { mode: 'width', value: RENDERED_PNG_WIDTH },
      // Uploaded drawings may carry text: render it with the system's fonts.
      font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
      logLevel: 'off',
    });
    width = resvg.width;
    height = resvg.height;
    checkDimensions(width, height, options, false);
    png = new Uint8Array(resvg.render().asPng());
  } catch (error) {
    if (error instanceof UploadedImageError) throw error;
    throw new UploadedImageError('not_an_image');
  }
  return { mime: 'image/svg+xml', png, svg, width, height };
}
