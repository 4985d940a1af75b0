import { deflateSync } from 'node:zlib';
import { Resvg } from '@resvg/resvg-js';
import CRC32 from 'crc-32';
import { imageSize } from 'image-size';
import { describe, expect, it } from 'vitest';
import { loadCatalogueImage } from '../../src/catalogue/assets.ts';
import { generatedBadgeImage, renderSvgToPng } from '../../src/catalogue/images.ts';
import { bakeSvg, unbakePng } from '../../src/openbadges/index.ts';
import { SVG_MIXED_CASE_ATTRIBUTES, SVG_MIXED_CASE_TAGS } from '../../src/services/images/svg-names.ts';
import { checkUploadedImage, MAX_IMAGE_BYTES, sanitiseSvg, UploadedImageError } from '../../src/services/images/uploads.ts';

/**
 * Uploaded images, checked by the real parsers (jsdom, DOMPurify, resvg,
 * zlib): hostile SVGs come out clean or are refused, and files that only
 * claim to be images are refused with a code the page can explain.
 */
const utf8 = (text: string) => new TextEncoder().encode(text);
const SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 200 200">';
const CIRCLE = '<circle cx="100" cy="100" r="90" fill="#1c4e8f"/>';

function refusal(bytes: Uint8Array, fileName: string): string {
  try {
    checkUploadedImage(bytes, fileName);
  } catch (error) {
    expect(error).toBeInstanceOf(UploadedImageError);
    return (error as UploadedImageError).code;
  }
  throw new Error(`${fileName} was accepted`);
}

function cleaned(svg: string): string {
  const result = checkUploadedImage(utf8(svg), 'badge.svg');
  expect(result.mime).toBe('image/svg+xml');
  expect(imageSize(result.png)).toMatchObject({ type: 'png', width: 400, height: 400 });
  return result.svg!;
}

/** A PNG made by hand: `width` × `height`, 8-bit RGBA, one colour, with optional extra chunks before IEND. */
function png(width: number, height: number, extra: { name: string; data: Uint8Array }[] = []): Uint8Array {
  const chunk = (name: string, data: Uint8Array) => {
    const typeAndData = Buffer.concat([Buffer.from(name, 'latin1'), data]);
    const out = Buffer.alloc(typeAndData.length + 8);
    out.writeUInt32BE(data.length, 0);
    typeAndData.copy(out, 4);
    out.writeUInt32BE(CRC32.buf(typeAndData) >>> 0, out.length - 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 4, 0x80)]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      ...extra.map((c) => chunk(c.name, c.data)),
      chunk('IDAT', deflateSync(raw)),
      chunk('IEND', new Uint8Array()),
    ]),
  );
}

describe('SVG uploads are sanitised', () => {
  it('drops <script> and event handlers, keeps the drawing', () => {
    const svg = cleaned(
      `${SVG_OPEN.replace('>', ' onload="alert(1)">')}<script>alert(1)</script><script xlink:href="https://evil.example/x.js"/>${CIRCLE.replace('/>', ' onclick="alert(2)" onmouseover="x()"/>')}</svg>`,
    );
    expect(svg).not.toMatch(/script|onload|onclick|onmouseover|alert/i);
    expect(svg).toContain('<circle');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });

  it('drops javascript: and external links, keeps local references and inline raster data', () => {
    const pixel = 'data:image/png;base64,' + Buffer.from(png(2, 2)).toString('base64');
    const svg = cleaned(
      `${SVG_OPEN}<defs><circle id="dot" r="10"/><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>` +
        `<a href="javascript:alert(1)"><rect width="10" height="10"/></a>` +
        `<a xlink:href="JaVaScRiPt:alert(1)"><rect width="10" height="10"/></a>` +
        `<image href="https://evil.example/tracker.png" width="10" height="10"/>` +
        `<image xlink:href="file:///etc/passwd" width="10" height="10"/>` +
        `<image href="${pixel}" width="10" height="10"/>` +
        `<use href="https://evil.example/sprites.svg#icon"/><use href="other.svg#icon"/><use href="#dot"/>` +
        `<rect width="50" height="50" fill="url(https://evil.example/p.svg#x)"/>` +
        `<rect width="50" height="50" fill="url(#g)"/>` +
        `<rect width="50" height="50" style="fill: url('http://evil.example/a.svg#b')"/>${CIRCLE}</svg>`,
    );
    expect(svg).not.toMatch(/javascript|evil\.example|file:|other\.svg/i);
    expect(svg).toContain('href="#dot"');
    expect(svg).toContain('fill="url(#g)"');
    expect(svg).toContain('data:image/png;base64,');
  });

  it('drops <foreignObject> with everything in it', () => {
    const svg = cleaned(
      `${SVG_OPEN}<foreignObject width="100" height="100"><div xmlns="http://www.w3.org/1999/xhtml"><iframe src="https://evil.example"></iframe><img src="x" onerror="alert(1)"/></div></foreignObject>${CIRCLE}</svg>`,
    );
    expect(svg).not.toMatch(/foreignObject|iframe|onerror|evil|<div|<img/i);
  });

  it('drops <style> that imports or fetches, keeps plain styles', () => {
    const svg = cleaned(
      `${SVG_OPEN}<style>@import url("https://evil.example/a.css"); circle { fill: red }</style>` +
        `<style>rect { fill: url(http://evil.example/p#x) }</style><style>circle { stroke: #000 }</style>${CIRCLE}</svg>`,
    );
    expect(svg).not.toMatch(/@import|evil\.example/i);
    expect(svg).toContain('circle { stroke: #000 }');
  });

  it('drops styles that hide a fetch behind CSS escapes or image-set()', () => {
    const svg = cleaned(
      `${SVG_OPEN}<style>rect { fill: u\\72l(http://evil.example/p) }</style>` +
        `<style>@\\69mport "https://evil.example/b.css";</style>` +
        `<circle cx="50" cy="50" r="40" style="fill: image-set('https://evil.example/i.png' 1x)"/>${CIRCLE}</svg>`,
    );
    expect(svg).not.toMatch(/evil\.example/i);
  });

  it('drops animations that could rewrite a link', () => {
    const svg = cleaned(
      `${SVG_OPEN}<a><set attributeName="href" to="javascript:alert(1)"/><animate attributeName="href" values="javascript:alert(1)"/>${CIRCLE}</a></svg>`,
    );
    expect(svg).not.toMatch(/<set|<animate|javascript/i);
  });

  it('refuses entity declarations (billion laughs, external entities)', () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>' +
      `${SVG_OPEN}<text>&lol2;</text></svg>`;
    expect(refusal(utf8(laughs), 'laughs.svg')).toBe('unsafe_svg');
    const external = `<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${SVG_OPEN}<text>&xxe;</text></svg>`;
    expect(refusal(utf8(external), 'xxe.svg')).toBe('unsafe_svg');
    expect(() => sanitiseSvg(laughs)).toThrow(UploadedImageError);
  });

  it('refuses what is not a well-formed SVG document', () => {
    expect(refusal(utf8(`${SVG_OPEN}<circle></svg>`), 'broken.svg')).toBe('not_an_image');
    expect(refusal(utf8('<html><body><svg></svg></body></html>'), 'page.svg')).toBe('not_an_image');
    expect(refusal(utf8('<svg><circle r="4"/></svg>'), 'no-namespace.svg')).toBe('not_an_image');
    expect(refusal(new Uint8Array([0x3c, 0x73, 0x76, 0x67, 0xff, 0xfe, 0x3e]), 'latin.svg')).toBe('not_an_image');
    expect(refusal(utf8('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="100"/>'), 'banner.svg')).toBe('not_square');
  });

  it('the result is what baking expects', () => {
    const svg = cleaned(`<?xml version="1.0" encoding="UTF-8"?>\n<!-- Inkscape -->\n${SVG_OPEN}${CIRCLE}</svg>`);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(bakeSvg(svg, { jws: 'a.b.c' })).toContain('openbadges:assertion');
  });
});

describe('SVG uploads keep what rendering needs', () => {
  /** The RGBA of one pixel of the SVG drawn `width` pixels wide. */
  const pixel = (svg: string, x: number, y: number, width = 400) => {
    const rendered = new Resvg(svg, { fitTo: { mode: 'width', value: width }, logLevel: 'off' }).render();
    const at = (y * rendered.width + x) * 4;
    return [...rendered.pixels.subarray(at, at + 4)];
  };

  it('keeps viewBox, so a drawing scaled by it renders as drawn', () => {
    // 100 × 100 on the page, drawn in a 10 × 10 space: the red square is the bottom-right quarter.
    const upload = `<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 10 10" preserveAspectRatio="xMidYMid meet"><rect x="5" y="5" width="5" height="5" fill="#ff0000"/></svg>`;
    const svg = cleaned(upload);
    expect(svg).toContain('viewBox="0 0 10 10"');
    expect(svg).toContain('preserveAspectRatio="xMidYMid meet"');
    expect(pixel(svg, 300, 300)).toEqual([255, 0, 0, 255]);
    expect(pixel(svg, 100, 100)[3]).toBe(0);
  });

  it('keeps gradients, clip paths and filters with their mixed-case names', () => {
    const svg = cleaned(
      `${SVG_OPEN}<defs>` +
        '<linearGradient id="g" gradientUnits="userSpaceOnUse" x1="0" y1="0" x2="200" y2="0" spreadMethod="pad" gradientTransform="rotate(0)"><stop offset="0" stop-color="#ff0000"/><stop offset="1" stop-color="#0000ff"/></linearGradient>' +
        '<clipPath id="c" clipPathUnits="userSpaceOnUse"><rect width="100" height="200"/></clipPath>' +
        '<filter id="f" filterUnits="userSpaceOnUse"><feGaussianBlur stdDeviation="0"/><feImage href="https://tracker.example.org/p.png"/></filter>' +
        '</defs><rect width="200" height="200" fill="url(#g)" clip-path="url(#c)"/></svg>',
    );
    for (const name of [
      'linearGradient',
      'gradientUnits',
      'spreadMethod',
      'gradientTransform',
      'clipPath',
      'clipPathUnits',
      'filterUnits',
      'feGaussianBlur',
      'stdDeviation',
      'feImage',
    ]) {
      expect(svg).toContain(name);
    }
    // A kept element is still held to the rules: no reference leaving the document.
    expect(svg).not.toContain('tracker.example.org');
    // Left half gradient (red at the left edge), right half clipped away.
    const left = pixel(svg, 4, 200);
    expect(left[0]).toBeGreaterThan(200);
    expect(left[2]).toBeLessThan(60);
    expect(pixel(svg, 300, 200)[3]).toBe(0);
  });

  it('keeps every mixed-case SVG name the sanitiser allows', () => {
    const attributes = SVG_MIXED_CASE_ATTRIBUTES.map((name) => `${name}="1"`).join(' ');
    const tags = SVG_MIXED_CASE_TAGS.map((name) => `<${name} id="${name}-x"/>`).join('');
    const svg = sanitiseSvg(`${SVG_OPEN}<g ${attributes}>${tags}</g></svg>`);
    for (const name of SVG_MIXED_CASE_ATTRIBUTES) expect(svg).toContain(` ${name}="1"`);
    for (const name of SVG_MIXED_CASE_TAGS) expect(svg).toContain(`<${name} id="${name}-x"`);
  });
});

describe('files that only claim to be images', () => {
  it('refuses a PNG renamed .svg, and an SVG renamed .png', () => {
    const realPng = loadCatalogueImage('general').png;
    expect(refusal(realPng, 'badge.svg')).toBe('type_mismatch');
    expect(refusal(utf8(`${SVG_OPEN}${CIRCLE}</svg>`), 'badge.png')).toBe('type_mismatch');
  });

  it('refuses a text file renamed .png, and other kinds of files', () => {
    expect(refusal(utf8('Bonjour, ceci est un texte.'), 'badge.png')).toBe('not_an_image');
    expect(refusal(utf8('%PDF-1.7 …'), 'badge.pdf')).toBe('unsupported_type');
    expect(refusal(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), 'photo.jpg')).toBe('unsupported_type');
    expect(refusal(new Uint8Array(), 'empty.png')).toBe('empty');
  });

  it('refuses a PNG whose header is right but whose body is not', () => {
    const good = png(120, 120);
    const truncated = good.subarray(0, good.length - 30);
    expect(refusal(truncated, 'cut.png')).toBe('not_an_image');
    const corrupt = new Uint8Array(good);
    corrupt[40] = corrupt[40]! ^ 0xff; // inside IDAT: the CRC no longer matches
    expect(refusal(corrupt, 'corrupt.png')).toBe('not_an_image');
    const signatureOnly = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...utf8('rest of a text file')]);
    expect(refusal(signatureOnly, 'fake.png')).toBe('not_an_image');
  });

  it('refuses an oversize file before reading it', () => {
    const big = new Uint8Array(MAX_IMAGE_BYTES + 1);
    big.set(png(120, 120));
    try {
      checkUploadedImage(big, 'big.png');
      expect.unreachable();
    } catch (error) {
      expect((error as UploadedImageError).code).toBe('too_large');
      expect((error as UploadedImageError).params.kilobytes).toBe(512);
    }
    const bigSvg = utf8(`${SVG_OPEN}${'<!-- padding -->'.repeat(40_000)}</svg>`);
    expect(refusal(bigSvg, 'big.svg')).toBe('too_large');
  });

  it('refuses a 1×1 PNG, and one that is far from square', () => {
    expect(refusal(png(1, 1), 'pixel.png')).toBe('too_small');
    expect(refusal(png(89, 89), 'small.png')).toBe('too_small');
    expect(refusal(png(300, 120), 'wide.png')).toBe('not_square');
    expect(refusal(png(3000, 3000), 'huge.png')).toBe('too_big_dimensions');
  });
});

describe('PNG uploads', () => {
  it('accepts a real PNG and strips its text chunks (an openbadges chunk included)', () => {
    const text = (keyword: string, value: string) => ({ name: 'tEXt', data: utf8(`${keyword}\0${value}`) });
    const upload = png(128, 128, [text('Author', 'Someone'), text('openbadges', 'https://example.org/assertions/1')]);
    const result = checkUploadedImage(upload, 'Badge.PNG');
    expect(result).toMatchObject({ mime: 'image/png', width: 128, height: 128 });
    expect(result.svg).toBeUndefined();
    expect(Buffer.from(result.png).includes(Buffer.from('Someone'))).toBe(false);
    expect(unbakePng(result.png)).toBeNull();
    expect(imageSize(result.png)).toMatchObject({ width: 128, height: 128 });
  });

  it('keeps only the chunks that draw the picture and give its colours', () => {
    const chunk = (name: string, bytes: number[] | string) => ({
      name,
      data: typeof bytes === 'string' ? utf8(bytes) : new Uint8Array(bytes),
    });
    const colour = [
      chunk('gAMA', [0, 0, 0xb1, 0x8f]),
      chunk('sRGB', [0]),
      chunk(
        'cHRM',
        Array.from({ length: 32 }, () => 1),
      ),
    ];
    const others = [
      chunk('pHYs', [0, 0, 0x0b, 0x13, 0, 0, 0x0b, 0x13, 1]),
      chunk('bKGD', [0, 0xff, 0, 0xff, 0, 0xff]),
      chunk('sBIT', [8, 8, 8, 8]),
      chunk('acTL', [0, 0, 0, 1, 0, 0, 0, 0]),
      chunk('prVt', 'a private chunk that rides along'),
      chunk('zzZz', 'an unknown ancillary chunk'),
      chunk('tIME', [0x07, 0xea, 5, 4, 8, 0, 0]),
    ];
    const upload = png(128, 128, [...colour, ...others]);
    const result = checkUploadedImage(upload, 'badge.png');
    const names: string[] = [];
    for (let offset = 8; offset < result.png.length;) {
      const length = Buffer.from(result.png).readUInt32BE(offset);
      names.push(Buffer.from(result.png.subarray(offset + 4, offset + 8)).toString('latin1'));
      offset += 12 + length;
    }
    expect(names).toEqual(['IHDR', 'gAMA', 'sRGB', 'cHRM', 'IDAT', 'IEND']);
    expect(Buffer.from(result.png).includes(Buffer.from('rides along'))).toBe(false);
    expect(imageSize(result.png)).toMatchObject({ width: 128, height: 128 });
  });

  it('accepts the catalogue images as they are', () => {
    const catalogue = loadCatalogueImage('organiser-je-pratique');
    expect(checkUploadedImage(catalogue.png, 'organiser.png').width).toBe(400);
    expect(checkUploadedImage(utf8(catalogue.svg), 'organiser.svg').svg).toContain('<path');
  });
});

describe('the badge image generator', () => {
  it('draws the chosen shape, colour and pictogram, deterministically, with the name as accessible label', () => {
    const a = generatedBadgeImage({ shape: 'shield', palette: 'vert', pictogram: 'leaf', level: 0, title: 'Éco-gestes <b>' });
    const b = generatedBadgeImage({ shape: 'shield', palette: 'vert', pictogram: 'leaf', level: 0, title: 'Éco-gestes <b>' });
    expect(a.svg).toBe(b.svg);
    expect(a.svg).toContain('aria-label="Éco-gestes &lt;b&gt;"');
    expect(a.svg).toContain('#11665a');
    expect(imageSize(a.png)).toMatchObject({ width: 400, height: 400 });
    expect(Buffer.from(a.png).equals(Buffer.from(renderSvgToPng(a.svg)))).toBe(true);
    expect(() => generatedBadgeImage({ shape: 'shield', palette: 'fuchsia' as never, pictogram: 'leaf', level: 0 })).toThrow(TypeError);
  });
});
