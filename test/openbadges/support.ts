import { readFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import type { DocumentLoader } from '../../src/openbadges/index.ts';

// Test helpers deliberately independent of the code under test: PNGs are
// written and read here with node:zlib only, not with png-chunks-*.

export function fixtureText(name: string): string {
  return readFileSync(new URL(`../fixtures/openbadges/${name}`, import.meta.url), 'utf8');
}

export function fixtureJson<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function pngChunk(type: string, data: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

export function tEXt(keyword: string, text: string): Buffer {
  return pngChunk('tEXt', Buffer.concat([Buffer.from(`${keyword}\0`, 'latin1'), Buffer.from(text, 'latin1')]));
}

export function zTXt(keyword: string, text: string): Buffer {
  return pngChunk('zTXt', Buffer.concat([Buffer.from(`${keyword}\0\0`, 'latin1'), deflateSync(Buffer.from(text, 'latin1'))]));
}

export function iTXt(
  keyword: string,
  text: string,
  options: { compressed?: boolean; language?: string; translated?: string } = {},
): Buffer {
  const body = options.compressed ? deflateSync(Buffer.from(text, 'utf8')) : Buffer.from(text, 'utf8');
  return pngChunk(
    'iTXt',
    Buffer.concat([
      Buffer.from(`${keyword}\0`, 'latin1'),
      Buffer.from([options.compressed ? 1 : 0, 0]),
      Buffer.from(`${options.language ?? ''}\0`, 'latin1'),
      Buffer.from(`${options.translated ?? ''}\0`, 'utf8'),
      body,
    ]),
  );
}

/** A tiny RGB PNG; `extra` chunks go between IHDR and IDAT. */
export function makePng(options: { width?: number; height?: number; extra?: Buffer[]; afterIdat?: Buffer[] } = {}): Uint8Array {
  const width = options.width ?? 3;
  const height = options.height ?? 2;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) row.set([(x * 80) & 255, (y * 120) & 255, 200], 1 + x * 3);
    rows.push(row);
  }
  return new Uint8Array(
    Buffer.concat([
      SIGNATURE,
      pngChunk('IHDR', ihdr),
      ...(options.extra ?? []),
      pngChunk('IDAT', deflateSync(Buffer.concat(rows))),
      ...(options.afterIdat ?? []),
      pngChunk('IEND', Buffer.alloc(0)),
    ]),
  );
}

export interface RawChunk {
  type: string;
  data: Buffer;
  crcOk: boolean;
}

export function rawChunks(png: Uint8Array): RawChunk[] {
  const bytes = Buffer.from(png);
  if (!bytes.subarray(0, 8).equals(SIGNATURE)) throw new Error('no PNG signature');
  const chunks: RawChunk[] = [];
  let offset = 8;
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    const crc = bytes.readUInt32BE(offset + 8 + length);
    chunks.push({ type, data, crcOk: crc === crc32(bytes.subarray(offset + 4, offset + 8 + length)) });
    offset += 12 + length;
    if (type === 'IEND') break;
  }
  return chunks;
}

/** Splits a tEXt/zTXt/iTXt chunk into its fields, as the PNG spec lays them out. */
export function textFields(chunk: RawChunk): {
  keyword: string;
  compressionFlag?: number;
  compressionMethod?: number;
  language?: string;
  translated?: string;
  text: Buffer;
} {
  const nul = chunk.data.indexOf(0);
  const keyword = chunk.data.toString('latin1', 0, nul);
  if (chunk.type === 'tEXt') return { keyword, text: chunk.data.subarray(nul + 1) };
  if (chunk.type === 'zTXt') return { keyword, compressionMethod: chunk.data[nul + 1]!, text: chunk.data.subarray(nul + 2) };
  const flag = chunk.data[nul + 1]!;
  const method = chunk.data[nul + 2]!;
  const langEnd = chunk.data.indexOf(0, nul + 3);
  const transEnd = chunk.data.indexOf(0, langEnd + 1);
  return {
    keyword,
    compressionFlag: flag,
    compressionMethod: method,
    language: chunk.data.toString('latin1', nul + 3, langEnd),
    translated: chunk.data.toString('utf8', langEnd + 1, transEnd),
    text: chunk.data.subarray(transEnd + 1),
  };
}

export interface MemoryLoader extends DocumentLoader {
  docs: Map<string, { status: number; body: unknown }>;
  requests: string[];
  serve(url: string, body: unknown, status?: number): void;
}

/** An in-memory web: URL → {status, body}; anything else answers 404. */
export function memoryLoader(): MemoryLoader {
  const docs = new Map<string, { status: number; body: unknown }>();
  const requests: string[] = [];
  return {
    docs,
    requests,
    serve(url, body, status = 200) {
      // A deep copy, as over HTTP: the verifier must not share objects with the test.
      docs.set(url, { status, body: JSON.parse(JSON.stringify(body)) as unknown });
    },
    async fetchJson(url) {
      requests.push(url);
      return docs.get(url) ?? { status: 404, body: { error: 'not found' } };
    },
  };
}
