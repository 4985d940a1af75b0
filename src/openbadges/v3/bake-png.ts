// Baking a 3.0 credential into a PNG (spec/docformat.md): one uncompressed
// iTXt chunk with the keyword `openbadgecredential` (not 2.0's `openbadges`),
// holding the credential's JSON with its embedded proof.
import { bakePngText } from '../bake/png.ts';
import { BakeError } from '../errors.ts';

export const PNG_CREDENTIAL_KEYWORD = 'openbadgecredential';

export function bakeCredentialPng(png: Uint8Array, credential: object): Uint8Array {
  if (typeof credential !== 'object' || credential === null || !('proof' in credential)) {
    throw new BakeError('invalid_bake_input', 'only a signed credential is baked');
  }
  return bakePngText(png, JSON.stringify(credential), PNG_CREDENTIAL_KEYWORD);
}
