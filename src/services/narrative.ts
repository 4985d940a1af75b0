import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';

/**
 * Open Badges narratives (criteria, evidence, an award's comment) are
 * Markdown, and so are the descriptions we show as prose (a structure's, a
 * badge's). Every page, the attestation PDF and « Vérifier un badge » read
 * them through this one markdown-it instance, so that they all agree on what
 * a text says.
 *
 * The subset is the one people write in a form: paragraphs, line breaks,
 * « - » and « 1. » lists, *emphasis*, **bold**, `code` and links. Raw HTML is
 * never markup (html: false escapes it); a heading is a bold paragraph (the
 * page's own headings keep their order), an image is a link to it (no
 * outside image is loaded into our pages), tables and quotes stay the text
 * that was written; and a link is a link only to an http(s) or mailto
 * address: anything else (javascript:, data:, a relative path) is left as
 * the text of the Markdown.
 */
const markdown = new MarkdownIt('zero', { html: false, linkify: false, breaks: true, typographer: false })
  .enable(['list', 'heading'])
  .enable(['emphasis', 'link', 'image', 'autolink', 'newline', 'escape', 'entity', 'backticks']);

const SAFE_LINK = /^(https?:\/\/[^\s]+|mailto:[^\s]+)$/i;

markdown.validateLink = (url: string) => SAFE_LINK.test(url.trim());

const defaultLinkOpen = markdown.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));

// Someone else's link: no referrer, no ranking, no window handle.
markdown.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet('rel', 'nofollow noopener noreferrer');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

markdown.renderer.rules.heading_open = () => '<p><strong>';
markdown.renderer.rules.heading_close = () => '</strong></p>\n';
markdown.renderer.rules.image = (tokens, idx) => {
  const token = tokens[idx]!;
  const alt = markdown.utils.escapeHtml(token.content || String(token.attrGet('src') ?? ''));
  return `<a href="${markdown.utils.escapeHtml(String(token.attrGet('src') ?? ''))}" rel="nofollow noopener noreferrer">${alt}</a>`;
};

/** The narrative as HTML: safe to put in a page as it is. */
export function narrativeHtml(text: string): string {
  return markdown.render(text.replace(/\r\n?/g, '\n')).trim();
}

export interface NarrativeBlock {
  kind: 'paragraph' | 'item';
  text: string;
}

/** The narrative's blocks as plain text (for the PDF): paragraphs and list items, marks dropped, a link's address kept after its text. */
export function narrativeBlocks(text: string): NarrativeBlock[] {
  const blocks: NarrativeBlock[] = [];
  let depth = 0;
  for (const token of markdown.parse(text.replace(/\r\n?/g, '\n'), {})) {
    if (token.type === 'list_item_open') depth++;
    else if (token.type === 'list_item_close') depth--;
    else if (token.type === 'inline') {
      const plain = inlineText(token.children ?? []).trim();
      if (plain) blocks.push({ kind: depth > 0 ? 'item' : 'paragraph', text: plain });
    }
  }
  return blocks;
}

function inlineText(tokens: Token[]): string {
  let out = '';
  let href: string | null = null;
  for (const token of tokens) {
    if (token.type === 'text' || token.type === 'code_inline') out += token.content;
    else if (token.type === 'image') out += `${token.content} (${String(token.attrGet('src') ?? '')})`;
    else if (token.type === 'softbreak' || token.type === 'hardbreak') out += ' ';
    else if (token.type === 'link_open') href = String(token.attrGet('href') ?? '');
    else if (token.type === 'link_close') {
      const shown = href?.replace(/^mailto:/i, '');
      if (shown && !out.endsWith(shown)) out += ` (${shown})`;
      href = null;
    }
  }
  return out.replace(/\s+/g, ' ');
}
