import { looksLikeCompactJws } from '../jws.ts';
import { BakeError } from '../errors.ts';
import { isHttpUrl } from '../urls.ts';

// SVG baking works on the text, not on a parsed tree, so that everything we do
// not touch (the artwork) is kept byte for byte.

const SVG_NS = 'http://www.w3.org/2000/svg';
const OPENBADGES_NS = 'http://openbadges.org';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
// Consumers match the literal prefix, whatever the document binds.
const ASSERTION_TAG = 'openbadges:assertion';
const PREDEFINED_ENTITIES = new Set(['lt', 'gt', 'amp', 'quot', 'apos']);

export type SvgBakeContent = { jws: string } | { assertionUrl: string; assertionJson: string };

interface Attribute {
  name: string;
  /** As written between the quotes, entities still encoded. */
  raw: string;
  quote: '"' | "'";
}

interface Tag {
  name: string;
  attributes: Attribute[];
  selfClosing: boolean;
  /** Index just past the closing `>`. */
  end: number;
}

function notSvg(message: string): BakeError {
  return new BakeError('not_svg', `not an SVG document: ${message}`);
}

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

/** Parses the start tag opening at `start` (which holds `<`). */
function parseStartTag(xml: string, start: number): Tag | null {
  const nameMatch = /^<([A-Za-z_][\w.:-]*)/.exec(xml.slice(start, start + 256));
  if (!nameMatch?.[1]) return null;
  const name = nameMatch[1];
  const attributes: Attribute[] = [];
  let i = start + nameMatch[0].length;
  for (;;) {
    const before = i;
    while (isSpace(xml[i])) i++;
    if (xml.startsWith('/>', i)) return { name, attributes, selfClosing: true, end: i + 2 };
    if (xml[i] === '>') return { name, attributes, selfClosing: false, end: i + 1 };
    if (i === before) return null;
    const attrMatch = /^[^\s=/>"']+/.exec(xml.slice(i, i + 256));
    if (!attrMatch) return null;
    i += attrMatch[0].length;
    while (isSpace(xml[i])) i++;
    if (xml[i] !== '=') return null;
    i++;
    while (isSpace(xml[i])) i++;
    const quote = xml[i];
    if (quote !== '"' && quote !== "'") return null;
    const close = xml.indexOf(quote, i + 1);
    if (close < 0) return null;
    attributes.push({ name: attrMatch[0], raw: xml.slice(i + 1, close), quote });
    i = close + 1;
  }
}

export function escapeXmlAttribute(value: string): string {
  return value.replace(/[&<>"'\t\n\r]/g, (ch) => {
    switch (ch) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&apos;';
      default:
        // Attribute-value normalisation would turn a literal tab or newline into a space.
        return `&#${ch.charCodeAt(0)};`;
    }
  });
}

function unescapeXml(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g, (whole, ref: string) => {
    switch (ref) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default: {
        const code = ref.startsWith('#x') ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
    }
  });
}

/**
 * Illustrator declares namespace URIs as internal entities in the DOCTYPE and
 * uses them on the root (`xmlns:x="&ns_extend;"`). The DOCTYPE has to go (the
 * `<svg` tag must come first), so those entities are expanded in place.
 * Anything we cannot expand faithfully is refused rather than silently broken.
 */
function internalEntities(subset: string): Map<string, string> {
  const entities = new Map<string, string>();
  const declarations = subset
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<\?[\s\S]*?\?>/g, '')
    .replace(/<!ELEMENT[^>]*>/g, '');
  let rest = declarations;
  const entity = /<!ENTITY\s+([A-Za-z_][\w.:-]*)\s+(?:"([^"]*)"|'([^']*)')\s*>/g;
  for (const match of declarations.matchAll(entity)) {
    const [whole, name = '', dq, sq] = match;
    const value = dq ?? sq ?? '';
    if (/[<&%]/.test(value)) throw new BakeError('unsupported_svg', `the DOCTYPE entity ${name} cannot be inlined`);
    if (!PREDEFINED_ENTITIES.has(name) && !entities.has(name)) entities.set(name, value);
    rest = rest.replace(whole, '');
  }
  if (rest.trim() !== '') {
    throw new BakeError('unsupported_svg', 'the DOCTYPE declares more than inlinable entities; export the SVG without a DOCTYPE');
  }
  return entities;
}

function expandEntities(xml: string, entities: Map<string, string>): string {
  if (entities.size === 0) return xml;
  // Entity references are literal text inside comments and CDATA sections.
  return xml
    .split(/(<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(/&([A-Za-z_][\w.:-]*);/g, (whole, name: string) => {
            const value = entities.get(name);
            return value === undefined ? whole : value.replace(/"/g, '&quot;').replace(/'/g, '&apos;');
          }),
    )
    .join('');
}

interface Located {
  /** The document from the root start tag on, entities expanded. */
  body: string;
  root: Tag;
}

/**
 * Skips the prolog (XML declaration, comments, processing instructions,
 * DOCTYPE) and checks that the root element is an SVG `<svg>`.
 */
function locateRoot(svg: string, strictDoctype: boolean): Located {
  if (typeof svg !== 'string') throw notSvg('expected text');
  let i = svg.charCodeAt(0) === 0xfeff ? 1 : 0;
  let entities = new Map<string, string>();
  for (;;) {
    while (isSpace(svg[i])) i++;
    if (i >= svg.length) throw notSvg('no root element');
    if (svg.startsWith('<?', i)) {
      const end = svg.indexOf('?>', i + 2);
      if (end < 0) throw notSvg('unterminated processing instruction');
      i = end + 2;
    } else if (svg.startsWith('<!--', i)) {
      const end = svg.indexOf('-->', i + 4);
      if (end < 0) throw notSvg('unterminated comment');
      i = end + 3;
    } else if (svg.startsWith('<!DOCTYPE', i)) {
      let j = i + 9;
      let subsetStart = -1;
      let subsetEnd = -1;
      let quote: string | null = null;
      for (; j < svg.length; j++) {
        const ch = svg[j];
        if (quote) {
          if (ch === quote) quote = null;
        } else if (ch === '"' || ch === "'") {
          quote = ch;
        } else if (ch === '[' && subsetStart < 0) {
          subsetStart = j + 1;
          const close = svg.indexOf(']', subsetStart);
          if (close < 0) break;
          subsetEnd = close;
          j = close;
        } else if (ch === '>') {
          break;
        }
      }
      if (j >= svg.length) throw notSvg('unterminated DOCTYPE');
      if (subsetStart >= 0) {
        try {
          entities = internalEntities(svg.slice(subsetStart, subsetEnd));
        } catch (error) {
          if (strictDoctype) throw error;
        }
      }
      i = j + 1;
    } else if (svg[i] === '<') {
      break;
    } else {
      throw notSvg('text before the root element');
    }
  }

  const body = expandEntities(svg.slice(i), entities);
  const root = parseStartTag(body, 0);
  if (!root) throw notSvg('malformed root start tag');
  if (root.name !== 'svg') throw notSvg(`the root element is <${root.name}>`);
  const xmlns = root.attributes.find((a) => a.name === 'xmlns');
  if (xmlns && unescapeXml(xmlns.raw) !== SVG_NS) throw notSvg('the root element is not in the SVG namespace');
  return { body, root };
}

/** Finds the next `<openbadges:assertion` (or `tagName`) start tag at or after `from`, skipping comments and CDATA. */
function findAssertionTag(xml: string, from: number, tagName: string = ASSERTION_TAG): { start: number; tag: Tag } | null {
  let i = from;
  for (;;) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) return null;
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      if (end < 0) return null;
      i = end + 3;
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt + 9);
      if (end < 0) return null;
      i = end + 3;
    } else if (xml.startsWith(`<${tagName}`, lt)) {
      const tag = parseStartTag(xml, lt);
      if (tag?.name === tagName) return { start: lt, tag };
      i = lt + 1;
    } else {
      i = lt + 1;
    }
  }
}

/** Index of the `<` of the matching end tag, skipping CDATA (JSON may contain anything). */
function findEndTag(xml: string, from: number, tagName: string = ASSERTION_TAG): { start: number; end: number } | null {
  let i = from;
  for (;;) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) return null;
    if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt + 9);
      if (end < 0) return null;
      i = end + 3;
      continue;
    }
    const close = new RegExp(`^</${tagName}\\s*>`).exec(xml.slice(lt, lt + tagName.length + 32));
    if (close) return { start: lt, end: lt + close[0].length };
    i = lt + 1;
  }
}

function removeAssertions(xml: string, tagName: string = ASSERTION_TAG): string {
  let out = '';
  let i = 0;
  for (;;) {
    const found = findAssertionTag(xml, i, tagName);
    if (!found) return out + xml.slice(i);
    out += xml.slice(i, found.start);
    if (found.tag.selfClosing) {
      i = found.tag.end;
    } else {
      const endTag = findEndTag(xml, found.tag.end, tagName);
      if (!endTag) throw notSvg(`unclosed <${tagName}>`);
      i = endTag.end;
    }
  }
}

function assertionElement(content: SvgBakeContent): string {
  if ('jws' in content) {
    if (typeof content.jws !== 'string' || !looksLikeCompactJws(content.jws)) {
      throw new BakeError('invalid_bake_input', 'the signed badge to bake is not a compact JWS');
    }
    return `<${ASSERTION_TAG} verify="${escapeXmlAttribute(content.jws)}"/>`;
  }
  const { assertionUrl, assertionJson } = content;
  if (!isHttpUrl(assertionUrl)) throw new BakeError('invalid_bake_input', 'the assertion URL must be an http(s) URL');
  let parsed: unknown;
  try {
    parsed = JSON.parse(assertionJson);
  } catch (cause) {
    throw new BakeError('invalid_bake_input', 'the assertion to bake is not JSON', { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as { id?: unknown }).id !== assertionUrl) {
    throw new BakeError('invalid_bake_input', 'the baked assertion JSON must have the assertion URL as its id');
  }
  // "]]>" can only occur inside a JSON string, where \u003e is the same text,
  // so the CDATA section stays single and the JSON unchanged in meaning.
  const cdata = assertionJson.replace(/\]\]>/g, ']]\\u003e');
  return `<${ASSERTION_TAG} verify="${escapeXmlAttribute(assertionUrl)}"><![CDATA[${cdata}]]></${ASSERTION_TAG}>`;
}

/**
 * Bakes an assertion into an SVG badge: the SVG namespace and
 * xmlns:openbadges first on `<svg>`, then one `<openbadges:assertion>` as its
 * first child. Only a short XML declaration precedes `<svg`, so VAL's and
 * Mozilla's bakeries, which sniff the first 256 bytes, see an SVG.
 * The result is meant to be served as UTF-8.
 */
export function bakeSvg(svg: string, baked: SvgBakeContent): string {
  const element = assertionElement(baked);
  const { body, root } = locateRoot(svg, true);
  const kept = root.attributes
    .filter((a) => a.name !== 'xmlns' && a.name !== 'xmlns:openbadges')
    .map((a) => ` ${a.name}=${a.quote}${a.raw}${a.quote}`)
    .join('');
  const startTag = `<svg xmlns="${SVG_NS}" xmlns:openbadges="${OPENBADGES_NS}"${kept}>`;
  const content = removeAssertions(root.selfClosing ? '</svg>' : body.slice(root.end));
  return `${XML_DECLARATION}${startTag}${element}${content}`;
}

export interface UnbakedSvg {
  /** The JWS (signed) or the assertion URL (hosted). */
  verify: string;
  /** The hosted assertion's JSON, when the element has a body. */
  json?: string;
}

export function unbakeSvg(svg: string): UnbakedSvg | null {
  const { body, root } = locateRoot(svg, false);
  const found = findAssertionTag(body, root.end);
  if (!found) return null;
  const verifyAttribute = found.tag.attributes.find((a) => a.name === 'verify');
  const verify = verifyAttribute ? unescapeXml(verifyAttribute.raw).trim() : '';
  if (found.tag.selfClosing) return { verify };
  const endTag = findEndTag(body, found.tag.end);
  if (!endTag) throw notSvg(`unclosed <${ASSERTION_TAG}>`);
  const inner = body.slice(found.tag.end, endTag.start);
  const text = inner
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part, i) => (i % 2 === 1 ? part.slice(9, -3) : unescapeXml(part.replace(/<!--[\s\S]*?-->/g, ''))))
    .join('')
    .trim();
  return text === '' ? { verify } : { verify, json: text };
}

/**
 * Puts `element` (already serialised) as the first child of `<svg>`, with
 * `xmlns:openbadges` bound to `namespace`; every earlier baked element of
 * either version goes, so the file carries one. For the Open Badges 3.0
 * baking (src/openbadges/v3/bake-svg.ts), whose namespace and element differ.
 */
export function bakeSvgElement(svg: string, namespace: string, element: string, tagName: string): string {
  const { body, root } = locateRoot(svg, true);
  const kept = root.attributes
    .filter((a) => a.name !== 'xmlns' && a.name !== 'xmlns:openbadges')
    .map((a) => ` ${a.name}=${a.quote}${a.raw}${a.quote}`)
    .join('');
  const startTag = `<svg xmlns="${SVG_NS}" xmlns:openbadges="${escapeXmlAttribute(namespace)}"${kept}>`;
  const content = removeAssertions(removeAssertions(root.selfClosing ? '</svg>' : body.slice(root.end)), tagName);
  return `${XML_DECLARATION}${startTag}${element}${content}`;
}
