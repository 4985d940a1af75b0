/**
 * Open Badges narratives are Markdown. We render the small subset our
 * narratives use (paragraphs, "- " lists, **bold**) and escape everything
 * else, so a narrative can never inject markup into a page.
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
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
  const blocks = markdown
    .replace(/\r\n?/g, '\n')
    .trim()
    .split(/\n{2,}/);
  return blocks
    .map((block) => {
      // A run of "- " lines is a list, even right after an introducing line
      // ("La personne :" then the items), as people write it.
      const out: string[] = [];
      let text: string[] = [];
      let items: string[] = [];
      const flushText = () => {
        if (text.length) out.push(`<p>${text.map(inline).join('<br>')}</p>`);
        text = [];
      };
      const flushItems = () => {
        if (items.length) out.push(`<ul>${items.map((item) => `<li>${inline(item)}</li>`).join('')}</ul>`);
        items = [];
      };
      for (const line of block.split('\n')) {
        if (/^\s*[-*] /.test(line)) {
          flushText();
          items.push(line.replace(/^\s*[-*] /, ''));
        } else {
          flushItems();
          text.push(line);
        }
      }
      flushText();
      flushItems();
      return out.join('\n');
    })
    .join('\n');
}
