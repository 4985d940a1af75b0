import { narrativeHtml } from '../services/narrative.ts';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

// A badge class's criteria are shown on every view of every assertion of it:
// render each distinct narrative once.
const rendered = new Map<string, string>();

/**
 * A narrative or a description shown as prose, as HTML: the Markdown subset
 * of `src/services/narrative.ts` (the one renderer of pages, the PDF and
 * « Vérifier un badge »), never raw HTML, links only to http(s) and mailto.
 */
export function renderNarrative(markdown: string | null | undefined): string {
  if (!markdown) return '';
  const hit = rendered.get(markdown);
  if (hit !== undefined) return hit;
  const html = narrativeHtml(markdown);
  if (rendered.size >= 1000) rendered.clear();
  rendered.set(markdown, html);
  return html;
}
