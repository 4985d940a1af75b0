/**
 * Builds an email's plain-text and HTML bodies from the same blocks, so the
 * two never say different things. Every string is escaped here: callers pass
 * plain text (names, messages typed by advisors), never markup.
 */
export interface MailContent {
  /** The first line: "Bonjour Camille," */
  greeting: string;
  paragraphs: string[];
  /** A quoted message from a person (the advisor's personal message). */
  quote?: { text: string; author: string };
  /** The one thing to do: a big button in HTML, a bare link in text. */
  action?: { label: string; url: string };
  /** Further links after the action, each introduced by a sentence: "Pour montrer votre badge…" then the URL. */
  links?: { text: string; url: string }[];
  /** Paragraphs after the action and the links (what to do if stuck, whom to ask). */
  closing?: string[];
  /** Small print under a rule: why you get this, how to stop. */
  footer: string[];
  /** Links shown in the footer (unsubscribe…). */
  footerLinks?: { label: string; url: string }[];
  lang: 'fr' | 'en';
  /** Title of the HTML document, usually the subject. */
  title: string;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const paragraphHtml = (s: string) => escapeHtml(s).replace(/\r?\n/g, '<br>');

export function composeMail(content: MailContent): { text: string; html: string } {
  const text: string[] = [content.greeting, ''];
  for (const p of content.paragraphs) text.push(p, '');
  if (content.quote) {
    text.push(...content.quote.text.split(/\r?\n/).map((l) => `> ${l}`), `— ${content.quote.author}`, '');
  }
  if (content.action) text.push(`${content.action.label} :`, content.action.url, '');
  for (const l of content.links ?? []) text.push(l.text, l.url, '');
  for (const p of content.closing ?? []) text.push(p, '');
  text.push('--', ...content.footer);
  for (const l of content.footerLinks ?? []) text.push(`${l.label} : ${l.url}`);

  const font = 'font-family:Arial,Helvetica,sans-serif;';
  const html = [
    `<!doctype html><html lang="${content.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(content.title)}</title></head>`,
    `<body style="margin:0;padding:0;background:#f4f5f7;"><div style="max-width:600px;margin:0 auto;padding:24px 16px;${font}color:#1d1d1f;font-size:16px;line-height:1.5;">`,
    `<p style="margin:0 0 16px;">${paragraphHtml(content.greeting)}</p>`,
    ...content.paragraphs.map((p) => `<p style="margin:0 0 16px;">${paragraphHtml(p)}</p>`),
    content.quote
      ? `<blockquote style="margin:0 0 16px;padding:8px 16px;border-left:4px solid #00558c;background:#ffffff;"><p style="margin:0 0 8px;">${paragraphHtml(content.quote.text)}</p><p style="margin:0;color:#4a4a4f;">— ${escapeHtml(content.quote.author)}</p></blockquote>`
      : '',
    content.action
      ? `<p style="margin:24px 0;"><a href="${escapeHtml(content.action.url)}" style="display:inline-block;padding:14px 24px;background:#00558c;color:#ffffff;text-decoration:none;border-radius:6px;font-weight:bold;">${escapeHtml(content.action.label)}</a></p><p style="margin:0 0 16px;font-size:14px;color:#4a4a4f;word-break:break-all;">${escapeHtml(content.action.url)}</p>`
      : '',
    ...(content.links ?? []).map(
      (l) =>
        `<p style="margin:0 0 16px;">${paragraphHtml(l.text)}<br><a href="${escapeHtml(l.url)}" style="color:#00558c;word-break:break-all;">${escapeHtml(l.url)}</a></p>`,
    ),
    ...(content.closing ?? []).map((p) => `<p style="margin:0 0 16px;">${paragraphHtml(p)}</p>`),
    `<hr style="border:0;border-top:1px solid #d0d3d8;margin:24px 0;">`,
    ...content.footer.map((f) => `<p style="margin:0 0 8px;font-size:13px;color:#4a4a4f;">${paragraphHtml(f)}</p>`),
    ...(content.footerLinks ?? []).map(
      (l) =>
        `<p style="margin:0 0 8px;font-size:13px;"><a href="${escapeHtml(l.url)}" style="color:#00558c;">${escapeHtml(l.label)}</a></p>`,
    ),
    `</div></body></html>`,
  ].join('\n');
  return { text: text.join('\n'), html };
}
