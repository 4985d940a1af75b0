/**
 * Open Badges narratives are Markdown. We render the small subset our
 * narratives use (paragraphs, "- " lists, **bold**) and escape everything
 * else, so a narrative can never inject markup into a page.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function inline(text: string): string {
  return escapeHtml(text).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>');
}

// A badge class's criteria are shown on every view of every assertion of it:
// render each distinct narrative once.
const rendered = new Map<string, string>();

export function renderNarrative(markdown: string | null | undefined): string {
  if (!markdown) return '';
  const hit = rendered.get(markdown);
  if (hit !== undefined) return hit;
  const html = renderUncached(markdown);
  if (rendered.size >= 1000) rendered.clear();
  rendered.set(markdown, html);
  return html;
}

function renderUncached(markdown: string): string {
  const blocks = markdown.replace(/\r\n?/g, '\n').trim().split(/\n{2,}/);
  return blocks
    .map((block) => {
      const lines = block.split('\n');
      if (lines.every((line) => /^\s*[-*] /.test(line))) {
        return `<ul>${lines.map((line) => `<li>${inline(line.replace(/^\s*[-*] /, ''))}</li>`).join('')}</ul>`;
      }
      return `<p>${lines.map(inline).join('<br>')}</p>`;
    })
    .join('\n');
}
