import type { MessageKey, Translate } from '../i18n/index.ts';
import { escapeHtml } from './narrative.ts';

/**
 * Names that come from outside (an issuer's, a learner's) may carry
 * right-to-left text or a U+202E override that would reorder the rest of the
 * line around them. Each is isolated: `<bdi>` in HTML, the Unicode isolates
 * FSI…PDI where no markup exists (OpenGraph tags, titles, plain text).
 */
const FSI = '\u2068';
const PDI = '\u2069';

export function isolate(text: string): string {
  return `${FSI}${text}${PDI}`;
}

export function bdiHtml(text: string): string {
  return `<bdi>${escapeHtml(text)}</bdi>`;
}

// Private-use markers stand in for the names while the sentence is translated and escaped.
const marker = (i: number) => `\uE000${i}\uE001`;

/** A translated sentence as HTML: the text escaped, each outside name in its own `<bdi>`. */
export function sentenceHtml(
  t: Translate,
  key: MessageKey,
  names: Record<string, string>,
  params: Record<string, string | number> = {},
): string {
  const values = Object.values(names);
  const placeholders = Object.fromEntries(Object.keys(names).map((name, i) => [name, marker(i)]));
  const html = escapeHtml(t(key, { ...params, ...placeholders }));
  return html.replace(/\uE000(\d+)\uE001/g, (_, i: string) => bdiHtml(values[Number(i)]!));
}
