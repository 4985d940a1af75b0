import { isPng } from './bake/png.ts';
import { looksLikeCompactJws } from './jws.ts';
import { isHttpUrl } from './urls.ts';

/** What a person can hand the verifier: a URL, a JWS, a baked image, or assertion JSON. */
export type BadgeInput =
  | { kind: 'url'; url: string }
  | { kind: 'jws'; jws: string }
  | { kind: 'png'; bytes: Uint8Array }
  | { kind: 'svg'; text: string }
  | { kind: 'json'; json: unknown };

/**
 * Sorts an upload or a pasted text into a BadgeInput. Never throws: anything
 * unrecognisable comes back as `json` holding the raw text, which the
 * verifier then reports as invalid structure.
 */
export function detectBadgeInput(raw: Uint8Array | string): BadgeInput {
  let text: string;
  if (raw instanceof Uint8Array) {
    if (isPng(raw)) return { kind: 'png', bytes: raw };
    text = new TextDecoder('utf-8').decode(raw);
  } else if (typeof raw === 'string') {
    text = raw;
  } else {
    return { kind: 'json', json: raw };
  }
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed.startsWith('<')) return { kind: 'svg', text: trimmed };
  if (looksLikeCompactJws(trimmed)) return { kind: 'jws', jws: trimmed };
  if (trimmed.startsWith('{')) {
    try {
      return { kind: 'json', json: JSON.parse(trimmed) as unknown };
    } catch {
      return { kind: 'json', json: trimmed };
    }
  }
  if (isHttpUrl(trimmed)) return { kind: 'url', url: trimmed };
  return { kind: 'json', json: trimmed };
}
