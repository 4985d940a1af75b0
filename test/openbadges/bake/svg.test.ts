import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { bakeSvg, unbakeSvg } from '../../../src/openbadges/bake/svg.ts';
import { BakeError } from '../../../src/openbadges/errors.ts';
import { fixtureText } from '../support.ts';

const JWS = fixtureText('spec-signed-badge.jws');
const URL_ = 'https://badges.example.org/assertions/0b4a6c1e-6a0b-4b8e-9d6e-7d1f2c3b4a59';
const ASSERTION = { '@context': 'https://w3id.org/openbadges/v2', type: 'Assertion', id: URL_, narrative: 'Élodie ✓' };
const hosted = (assertion: { id: string } = ASSERTION) => ({ assertionUrl: assertion.id, assertionJson: JSON.stringify(assertion) });

const SIMPLE = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>';

const GENERATOR_COMMENT = `<!-- Generator: Adobe Illustrator 27.5.0, SVG Export Plug-In . SVG Version: 6.00 Build 0)  ${' '.repeat(200)}-->`;
const ILLUSTRATOR = `<?xml version="1.0" encoding="utf-8"?>
${GENERATOR_COMMENT}
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [
	<!ENTITY ns_extend "http://ns.adobe.com/Extensibility/1.0/">
	<!ENTITY ns_ai "http://ns.adobe.com/AdobeIllustrator/10.0/">
	<!ENTITY ns_graphs "http://ns.adobe.com/Graphs/1.0/">
]>
<svg version="1.1" id="Calque_1" xmlns:x="&ns_extend;" xmlns:i="&ns_ai;" xmlns:graph="&ns_graphs;" xmlns:xlink="http://www.w3.org/1999/xlink" x="0px" y="0px" width="400px" height="400px" viewBox="0 0 400 400" style="enable-background:new 0 0 400 400;" xml:space="preserve" xmlns="http://www.w3.org/2000/svg">
<metadata><x:note>&ns_ai; stays literal in <![CDATA[&ns_ai;]]></x:note></metadata>
<circle fill="#E30613" cx="200" cy="200" r="180"/>
</svg>
`;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  cdataPropName: '#cdata',
  commentPropName: '#comment',
  preserveOrder: true,
});

type Node = Record<string, unknown> & { ':@'?: Record<string, string> };

function svgElement(xml: string): Node {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = parser.parse(xml) as Node[];
  const svg = doc.find((n) => 'svg' in n);
  expect(svg).toBeDefined();
  return svg!;
}

function children(node: Node, name: string): Node[] {
  return node[name] as Node[];
}

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

function byteOffset(text: string, needle: string): number {
  const index = text.indexOf(needle);
  expect(index).toBeGreaterThanOrEqual(0);
  return Buffer.byteLength(text.slice(0, index));
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('bakeSvg, signed', () => {
  it('puts a self-closing openbadges:assertion with verify=JWS directly after <svg>', () => {
    const baked = bakeSvg(SIMPLE, { jws: JWS });
    expect(baked).toMatch(new RegExp(`<svg [^>]*><openbadges:assertion verify="${JWS}"/><circle`));
    const svg = svgElement(baked);
    expect(svg[':@']).toMatchObject({ '@_xmlns': 'http://www.w3.org/2000/svg', '@_xmlns:openbadges': 'http://openbadges.org' });
    const [first] = children(svg, 'svg');
    expect(Object.keys(first!).filter((k) => k !== ':@')).toEqual(['openbadges:assertion']);
    expect(first![':@']).toEqual({ '@_verify': JWS });
    expect(children(first!, 'openbadges:assertion')).toEqual([]);
  });
});

describe('bakeSvg, hosted', () => {
  it('puts verify=URL and the assertion JSON in CDATA', () => {
    const baked = bakeSvg(SIMPLE, hosted());
    const svg = svgElement(baked);
    const [first] = children(svg, 'svg');
    expect(first![':@']).toEqual({ '@_verify': URL_ });
    const [cdata] = children(first!, 'openbadges:assertion');
    const text = (cdata!['#cdata'] as { '#text': string }[])[0]!['#text'];
    expect(JSON.parse(text)).toEqual(ASSERTION);
  });

  it('escapes the verify attribute', () => {
    const assertion = { ...ASSERTION, id: 'https://badges.example.org/a?x=1&y="2"' };
    const baked = bakeSvg(SIMPLE, hosted(assertion));
    expect(baked).toContain('verify="https://badges.example.org/a?x=1&amp;y=&quot;2&quot;"');
    expect(children(svgElement(baked), 'svg')[0]![':@']).toEqual({ '@_verify': assertion.id });
  });

  it('keeps "]]>" in the JSON from closing the CDATA section early', () => {
    const assertion = { ...ASSERTION, narrative: 'a]]>b ]]]]> c' };
    const baked = bakeSvg(SIMPLE, hosted(assertion));
    expect(count(baked, '<![CDATA[')).toBe(1);
    expect(count(baked, ']]>')).toBe(1);
    const [cdata] = children(children(svgElement(baked), 'svg')[0]!, 'openbadges:assertion');
    expect(JSON.parse((cdata!['#cdata'] as { '#text': string }[])[0]!['#text'])).toEqual(assertion);
  });
});

describe('bakeSvg, the document around the assertion', () => {
  it('keeps the artwork byte for byte', () => {
    const baked = bakeSvg(SIMPLE, { jws: JWS });
    expect(baked.endsWith('<circle cx="5" cy="5" r="4"/></svg>')).toBe(true);
  });

  it('brings <svg> with its namespace into the first 256 bytes of an Illustrator export', () => {
    expect(Buffer.byteLength(ILLUSTRATOR.slice(0, ILLUSTRATOR.indexOf('<svg')))).toBeGreaterThan(256);
    const baked = bakeSvg(ILLUSTRATOR, hosted());
    expect(byteOffset(baked, '<svg')).toBeLessThan(256);
    expect(byteOffset(baked, 'xmlns="http://www.w3.org/2000/svg"') + 34).toBeLessThanOrEqual(256);
    expect(baked.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg ')).toBe(true);
    expect(baked).not.toContain('<!DOCTYPE');
    expect(baked).not.toContain('<!--');
  });

  it('inlines the DOCTYPE entities Illustrator uses, outside CDATA and comments only', () => {
    const baked = bakeSvg(ILLUSTRATOR, hosted());
    const svg = svgElement(baked);
    expect(svg[':@']).toMatchObject({
      '@_xmlns:x': 'http://ns.adobe.com/Extensibility/1.0/',
      '@_xmlns:i': 'http://ns.adobe.com/AdobeIllustrator/10.0/',
      '@_xml:space': 'preserve',
    });
    expect(baked).toContain('<x:note>http://ns.adobe.com/AdobeIllustrator/10.0/ stays literal in <![CDATA[&ns_ai;]]></x:note>');
    expect(count(baked, 'xmlns="http://www.w3.org/2000/svg"')).toBe(1);
  });

  it('removes any earlier openbadges:assertion when re-baking', () => {
    const once = bakeSvg(SIMPLE, { jws: JWS });
    const twice = bakeSvg(once, hosted());
    expect(count(twice, '<openbadges:assertion')).toBe(1);
    expect(count(twice, 'xmlns:openbadges=')).toBe(1);
    expect(unbakeSvg(twice)).toEqual({ verify: URL_, json: JSON.stringify(ASSERTION) });
  });

  it("re-bakes the baking spec's own example", () => {
    const baked = bakeSvg(fixtureText('spec-baked-hosted.svg'), { jws: JWS });
    expect(count(baked, '<openbadges:assertion')).toBe(1);
    expect(baked).not.toContain('3-D Printmaster');
    expect(baked).toContain('<circle cx="256" cy="256" r="200" fill="#336699"/>');
    expect(unbakeSvg(baked)).toEqual({ verify: JWS });
  });

  it('handles a self-closing root, a missing SVG namespace and a wrong openbadges namespace', () => {
    const baked = bakeSvg('<svg viewBox="0 0 1 1" xmlns:openbadges="http://example.org/wrong"/>', { jws: JWS });
    expect(baked).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org" viewBox="0 0 1 1"><openbadges:assertion verify="${JWS}"/></svg>`,
    );
    svgElement(baked);
  });

  it('refuses what is not an SVG', () => {
    for (const text of [
      '',
      'hello',
      '<html><body/></html>',
      '<?xml version="1.0"?>\n<badge/>',
      '<svg xmlns="http://example.org/not-svg"/>',
      '{"id":1}',
    ]) {
      expect(bakeError(() => bakeSvg(text, { jws: JWS })).code).toBe('not_svg');
    }
  });

  it('refuses a DOCTYPE it cannot drop without changing the document', () => {
    const svg = '<!DOCTYPE svg [<!ATTLIST svg fill CDATA "red">]><svg xmlns="http://www.w3.org/2000/svg"/>';
    expect(bakeError(() => bakeSvg(svg, { jws: JWS })).code).toBe('unsupported_svg');
  });

  it('refuses content that is not a badge', () => {
    expect(bakeError(() => bakeSvg(SIMPLE, { jws: 'not a jws' })).code).toBe('invalid_bake_input');
    expect(bakeError(() => bakeSvg(SIMPLE, { assertionUrl: URL_, assertionJson: '{' })).code).toBe('invalid_bake_input');
    expect(
      bakeError(() => bakeSvg(SIMPLE, { assertionUrl: URL_, assertionJson: JSON.stringify({ ...ASSERTION, id: 'https://x.example/1' }) }))
        .code,
    ).toBe('invalid_bake_input');
  });
});

describe('unbakeSvg', () => {
  it("reads the baking spec's hosted example", () => {
    const unbaked = unbakeSvg(fixtureText('spec-baked-hosted.svg'));
    expect(unbaked?.verify).toBe('https://example.org/assertions/123');
    const json = JSON.parse(unbaked!.json!) as { id: string; badge: { name: string } };
    expect(json.id).toBe('https://example.org/assertions/123');
    expect(json.badge.name).toBe('3-D Printmaster');
  });

  it('round-trips signed and hosted bakes', () => {
    expect(unbakeSvg(bakeSvg(SIMPLE, { jws: JWS }))).toEqual({ verify: JWS });
    expect(unbakeSvg(bakeSvg(ILLUSTRATOR, hosted()))).toEqual({ verify: URL_, json: JSON.stringify(ASSERTION) });
  });

  it('decodes entities in the verify attribute and ignores commented-out assertions', () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg"><!-- <openbadges:assertion verify="old"/> --><openbadges:assertion verify="https://e.org/a?x=1&amp;y=2"/></svg>`;
    expect(unbakeSvg(svg)).toEqual({ verify: 'https://e.org/a?x=1&y=2' });
  });

  it('returns null for an unbaked SVG and throws on a non-SVG', () => {
    expect(unbakeSvg(SIMPLE)).toBeNull();
    expect(bakeError(() => unbakeSvg('<html/>')).code).toBe('not_svg');
  });
});
