import { crc32 } from 'node:zlib';
import ExifReader from 'exifreader';
import { describe, expect, it } from 'vitest';
import { bakePng, unbakePng } from '../../../src/openbadges/bake/png.ts';
import { BakeError } from '../../../src/openbadges/errors.ts';
import { fixtureText, iTXt, makePng, pngChunk, rawChunks, tEXt, textFields, zTXt } from '../support.ts';

// Non-Latin-1 text: only an iTXt chunk, read as UTF-8, carries it intact.
const TEXT = JSON.stringify({ id: 'https://badges.example.org/assertions/1', narrative: 'Élodie a réussi ✓' });

function bakeError(fn: () => unknown): BakeError {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(BakeError);
  return error as BakeError;
}

const isOpenBadgesText = (c: { type: string; data: Buffer }) =>
  ['tEXt', 'zTXt', 'iTXt'].includes(c.type) && textFields({ ...c, crcOk: true }).keyword === 'openbadges';

describe('bakePng', () => {
  it('writes exactly one uncompressed iTXt "openbadges" chunk right after IHDR, before IDAT', () => {
    const chunks = rawChunks(bakePng(makePng(), TEXT));
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'iTXt', 'IDAT', 'IEND']);
    const ours = chunks.filter(isOpenBadgesText);
    expect(ours).toHaveLength(1);
    const fields = textFields(ours[0]!);
    expect(fields).toMatchObject({ keyword: 'openbadges', compressionFlag: 0, compressionMethod: 0, language: '', translated: '' });
    expect(fields.text.toString('utf8')).toBe(TEXT);
    expect(chunks.every((c) => c.crcOk)).toBe(true);
  });

  it('lays the chunk out byte for byte as the PNG spec says', () => {
    const chunk = rawChunks(bakePng(makePng(), 'x.y.z')).find((c) => c.type === 'iTXt')!;
    expect([...chunk.data]).toEqual([...Buffer.from('openbadges'), 0, 0, 0, 0, 0, ...Buffer.from('x.y.z')]);
  });

  it('is read back by an independent reader (exifreader) as uncompressed UTF-8 iTXt with no language', () => {
    const tags = ExifReader.load(Buffer.from(bakePng(makePng(), TEXT)));
    // In synchronous mode exifreader skips compressed text, and names a chunk
    // "openbadges (fr)" when it has a language tag.
    expect(tags.openbadges?.description).toBe(TEXT);
    expect(Object.keys(tags).filter((k) => k.startsWith('openbadges'))).toEqual(['openbadges']);
  });

  it('the exifreader check can fail: it does not see compressed or language-tagged chunks as ours', () => {
    const compressed = ExifReader.load(Buffer.from(makePng({ extra: [iTXt('openbadges', TEXT, { compressed: true })] })));
    expect(compressed.openbadges).toBeUndefined();
    const tagged = ExifReader.load(Buffer.from(makePng({ extra: [iTXt('openbadges', TEXT, { language: 'fr' })] })));
    expect(tagged.openbadges).toBeUndefined();
  });

  it('replaces every older openbadges chunk of any kind and keeps the others', () => {
    const old = makePng({
      extra: [tEXt('Software', 'Inkscape'), tEXt('openbadges', 'https://old.example.org/a/1'), zTXt('openbadges', 'old')],
      afterIdat: [iTXt('openbadges', 'older'), iTXt('Comment', 'kept')],
    });
    const chunks = rawChunks(bakePng(old, TEXT));
    const ours = chunks.filter(isOpenBadgesText);
    expect(ours).toHaveLength(1);
    expect(ours[0]!.type).toBe('iTXt');
    expect(textFields(ours[0]!).text.toString('utf8')).toBe(TEXT);
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'iTXt', 'tEXt', 'IDAT', 'iTXt', 'IEND']);
    expect(chunks.filter((c) => !isOpenBadgesText(c) && c.type.endsWith('Xt')).map((c) => textFields(c).keyword)).toEqual([
      'Software',
      'Comment',
    ]);
  });

  it('re-baking gives the same file as baking once', () => {
    const once = bakePng(makePng(), TEXT);
    expect(Buffer.from(bakePng(once, TEXT)).equals(Buffer.from(once))).toBe(true);
    expect(unbakePng(bakePng(once, 'a.b.c'))).toBe('a.b.c');
  });

  it('leaves the image data untouched', () => {
    const original = makePng({ width: 17, height: 9 });
    const idat = (png: Uint8Array) =>
      rawChunks(png)
        .filter((c) => c.type === 'IDAT')
        .map((c) => c.data.toString('hex'));
    expect(idat(bakePng(original, TEXT))).toEqual(idat(original));
  });

  it("bakes the spec's example JWS verbatim", () => {
    const jws = fixtureText('spec-signed-badge.jws');
    expect(unbakePng(bakePng(makePng(), jws))).toBe(jws);
  });

  it('throws typed errors for non-PNG and broken input', () => {
    expect(bakeError(() => bakePng(Buffer.from('<svg/>'), TEXT)).code).toBe('not_png');
    expect(bakeError(() => bakePng(new Uint8Array(0), TEXT)).code).toBe('not_png');
    const png = Buffer.from(makePng());
    expect(bakeError(() => bakePng(png.subarray(0, png.length - 20), TEXT)).code).toBe('corrupt_png');
    const badCrc = Buffer.from(png);
    badCrc[30] = (badCrc[30]! + 1) & 255; // inside IHDR's CRC
    expect(bakeError(() => bakePng(badCrc, TEXT)).code).toBe('corrupt_png');
    expect(bakeError(() => bakePng(makePng(), '')).code).toBe('invalid_bake_input');
  });

  it('does not trust a huge declared chunk length', () => {
    const png = Buffer.from(makePng());
    const lying = Buffer.concat([png.subarray(0, 33), Buffer.from([0x7f, 0xff, 0xff, 0xff]), Buffer.from('tEXt'), png.subarray(33)]);
    expect(bakeError(() => bakePng(lying, TEXT)).code).toBe('corrupt_png');
  });
});

describe('unbakePng', () => {
  it('round-trips what bakePng wrote', () => {
    expect(unbakePng(bakePng(makePng(), TEXT))).toBe(TEXT);
  });

  it('returns null when there is nothing baked', () => {
    expect(unbakePng(makePng({ extra: [tEXt('Software', 'GIMP')] }))).toBeNull();
  });

  it('reads legacy tEXt (1.0 badges baked the assertion URL there)', () => {
    expect(unbakePng(makePng({ extra: [tEXt('openbadges', 'https://example.org/assertions/1')] }))).toBe(
      'https://example.org/assertions/1',
    );
  });

  it('reads zTXt and compressed iTXt', () => {
    expect(unbakePng(makePng({ extra: [zTXt('openbadges', 'https://example.org/a/2')] }))).toBe('https://example.org/a/2');
    expect(unbakePng(makePng({ extra: [iTXt('openbadges', TEXT, { compressed: true, language: 'fr', translated: 'badges' })] }))).toBe(
      TEXT,
    );
  });

  it('prefers the first iTXt, as the baking spec says', () => {
    const png = makePng({ extra: [tEXt('openbadges', 'legacy'), iTXt('openbadges', 'first'), iTXt('openbadges', 'second')] });
    expect(unbakePng(png)).toBe('first');
  });

  it('throws typed errors on non-PNG and corrupt compressed text', () => {
    expect(bakeError(() => unbakePng(Buffer.from('GIF89a'))).code).toBe('not_png');
    const broken = pngChunk('zTXt', Buffer.concat([Buffer.from('openbadges\0\0'), Buffer.from('not zlib')]));
    expect(bakeError(() => unbakePng(makePng({ extra: [broken] }))).code).toBe('corrupt_png');
  });

  it('computes CRCs the same way as zlib (sanity of the test helper)', () => {
    expect(crc32('IEND')).toBe(0xae426082);
  });
});
