import { inflateSync } from 'node:zlib';
import CRC32 from 'crc-32';
import { BakeError } from '../errors.ts';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const KEYWORD = 'openbadges';
const TEXT_CHUNKS = new Set(['tEXt', 'zTXt', 'iTXt']);
// A baked assertion is a few kilobytes; this only stops a zlib bomb.
const MAX_INFLATED_BYTES = 8 * 1024 * 1024;

interface Chunk {
  name: string;
  data: Uint8Array;
  /** The whole chunk as it stands in the file (length, type, data, CRC). */
  raw: Uint8Array;
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= SIGNATURE.length && SIGNATURE.every((b, i) => bytes[i] === b);
}

const crcOf = (typeAndData: Uint8Array) => CRC32.buf(typeAndData) >>> 0;

/**
 * Walks the chunks without copying them: baking runs on every badge download,
 * so the image data is sliced, never re-encoded. Each declared length is
 * checked against the real size (a hostile file cannot make us allocate), and
 * every CRC (a table-driven CRC over a badge image costs microseconds).
 */
function readChunks(png: Uint8Array): Chunk[] {
  if (!(png instanceof Uint8Array) || !isPng(png)) throw new BakeError('not_png', 'not a PNG file');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: Chunk[] = [];
  let offset = SIGNATURE.length;
  while (offset + 12 <= png.length) {
    const length = view.getUint32(offset);
    const next = offset + 12 + length;
    if (next > png.length) break;
    const name = String.fromCharCode(png[offset + 4]!, png[offset + 5]!, png[offset + 6]!, png[offset + 7]!);
    if (crcOf(png.subarray(offset + 4, offset + 8 + length)) !== view.getUint32(offset + 8 + length)) {
      throw new BakeError('corrupt_png', `PNG is corrupt: bad CRC in a ${name} chunk`);
    }
    chunks.push({ name, data: png.subarray(offset + 8, offset + 8 + length), raw: png.subarray(offset, next) });
    offset = next;
    if (name === 'IEND') return validated(chunks);
  }
  throw new BakeError('corrupt_png', 'PNG is truncated or a chunk length is wrong');
}

function validated(chunks: Chunk[]): Chunk[] {
  if (chunks[0]?.name !== 'IHDR') throw new BakeError('corrupt_png', 'PNG does not start with IHDR');
  return chunks;
}

/** The keyword of a tEXt/zTXt/iTXt chunk: Latin-1 bytes up to the first NUL. */
function keywordOf(data: Uint8Array): { keyword: string; rest: number } | null {
  const nul = data.indexOf(0);
  if (nul < 1 || nul > 79) return null;
  return { keyword: Buffer.from(data.subarray(0, nul)).toString('latin1'), rest: nul + 1 };
}

function isOpenBadgesChunk(chunk: Chunk): boolean {
  return TEXT_CHUNKS.has(chunk.name) && keywordOf(chunk.data)?.keyword === KEYWORD;
}

/** A chunk baked by either version (2.0 `openbadges`, 3.0 `openbadgecredential`): dropped when baking again. */
const BAKED_KEYWORDS = new Set([KEYWORD, 'openbadgecredential']);
function isBakedChunk(chunk: Chunk): boolean {
  const keyword = TEXT_CHUNKS.has(chunk.name) ? keywordOf(chunk.data)?.keyword : undefined;
  return keyword !== undefined && BAKED_KEYWORDS.has(keyword);
}

/** keyword NUL, compression flag 0, method 0, empty language NUL, empty translated keyword NUL, UTF-8 text. */
function openBadgesITXt(text: string, keyword: string = KEYWORD): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(`iTXt${keyword}\0\0\0\0\0`, 'latin1'), Buffer.from(text, 'utf8')]);
  const chunk = Buffer.alloc(typeAndData.length + 8);
  chunk.writeUInt32BE(typeAndData.length - 4, 0);
  typeAndData.copy(chunk, 4);
  chunk.writeUInt32BE(crcOf(typeAndData), chunk.length - 4);
  return chunk;
}

/**
 * Bakes `text` (a JWS, or the hosted Assertion's JSON) as the one openbadges
 * chunk: an uncompressed iTXt right after IHDR, so it precedes the image data.
 * Every older openbadges chunk of any kind goes: OBP joins all it finds.
 */
export function bakePng(png: Uint8Array, text: string): Uint8Array {
  return bakePngText(png, text, KEYWORD);
}

/**
 * The same baking under another keyword (Open Badges 3.0's
 * `openbadgecredential`, src/openbadges/v3/bake-png.ts). A chunk baked by
 * either version goes first, so the file carries exactly one.
 */
export function bakePngText(png: Uint8Array, text: string, keyword: string): Uint8Array {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new BakeError('invalid_bake_input', 'nothing to bake: the text is empty');
  }
  const { head, tail } = splitForBaking(png);
  return Buffer.concat([head, openBadgesITXt(text, keyword), ...tail]);
}

// A badge image is baked again at every download: its chunks are read (and
// their CRCs checked) once per image buffer, not once per download.
const splits = new WeakMap<Uint8Array, { head: Uint8Array; tail: Uint8Array[] }>();

function splitForBaking(png: Uint8Array): { head: Uint8Array; tail: Uint8Array[] } {
  let split = splits.get(png);
  if (!split) {
    const [ihdr, ...rest] = readChunks(png);
    split = {
      head: png.subarray(0, SIGNATURE.length + ihdr!.raw.length),
      tail: rest.filter((chunk) => !isBakedChunk(chunk)).map((chunk) => chunk.raw),
    };
    splits.set(png, split);
  }
  return split;
}

function inflate(data: Uint8Array): Buffer {
  try {
    return inflateSync(data, { maxOutputLength: MAX_INFLATED_BYTES });
  } catch (cause) {
    throw new BakeError('corrupt_png', 'compressed openbadges text cannot be inflated', { cause });
  }
}

function readText(chunk: Chunk): string {
  const head = keywordOf(chunk.data);
  if (!head) throw new BakeError('corrupt_png', `malformed ${chunk.name} chunk`);
  const body = chunk.data.subarray(head.rest);
  if (chunk.name === 'tEXt') return Buffer.from(body).toString('latin1');
  if (chunk.name === 'zTXt') {
    if (body[0] !== 0) throw new BakeError('corrupt_png', 'unknown zTXt compression method');
    return inflate(body.subarray(1)).toString('latin1');
  }
  // iTXt: compression flag, method, language tag NUL, translated keyword NUL, text.
  const compressed = body[0] === 1;
  if (compressed && body[1] !== 0) throw new BakeError('corrupt_png', 'unknown iTXt compression method');
  const languageEnd = body.indexOf(0, 2);
  const translatedEnd = languageEnd < 0 ? -1 : body.indexOf(0, languageEnd + 1);
  if (translatedEnd < 0) throw new BakeError('corrupt_png', 'malformed iTXt chunk');
  const text = body.subarray(translatedEnd + 1);
  return (compressed ? inflate(text) : Buffer.from(text)).toString('utf8');
}

/**
 * The baked text, or null when the PNG carries none. Prefers the first iTXt as
 * the baking spec says, then falls back to legacy tEXt/zTXt (1.0 badges baked
 * a hosted URL there).
 */
export function unbakePng(png: Uint8Array): string | null {
  const candidates = readChunks(png).filter(isOpenBadgesChunk);
  const chosen = candidates.find((chunk) => chunk.name === 'iTXt') ?? candidates[0];
  return chosen ? readText(chosen) : null;
}

/** The text of the first iTXt chunk with this keyword (3.0: `openbadgecredential`), or null when there is none. */
export function unbakePngKeyword(png: Uint8Array, keyword: string): string | null {
  const chunk = readChunks(png).find((c) => c.name === 'iTXt' && keywordOf(c.data)?.keyword === keyword);
  return chunk ? readText(chunk) : null;
}
