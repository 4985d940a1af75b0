// Baking a 3.0 credential into an SVG (spec/docformat.md): `xmlns:openbadges`
// bound to the 3.0 namespace on `<svg>`, then one `<openbadges:credential>`
// as its first child, the JSON in a CDATA section and no `verify` attribute.
import { bakeSvgElement } from '../bake/svg.ts';
import { BakeError } from '../errors.ts';

export const OPEN_BADGES_V3_SVG_NAMESPACE = 'https://purl.imsglobal.org/ob/v3p0';
const CREDENTIAL_TAG = 'openbadges:credential';

export function bakeCredentialSvg(svg: string, credential: object): string {
  if (typeof credential !== 'object' || credential === null || !('proof' in credential)) {
    throw new BakeError('invalid_bake_input', 'only a signed credential is baked');
  }
  // "]]>" can only stand inside a JSON string, where \u003e means the same: the CDATA stays one section.
  const cdata = JSON.stringify(credential).replace(/\]\]>/g, ']]\\u003e');
  return bakeSvgElement(svg, OPEN_BADGES_V3_SVG_NAMESPACE, `<${CREDENTIAL_TAG}><![CDATA[${cdata}]]></${CREDENTIAL_TAG}>`, CREDENTIAL_TAG);
}
