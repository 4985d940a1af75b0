import { createRequire } from 'node:module';
import type { findBadgeClassImages } from '../../db/repositories/badge-classes.ts';
import { formatDate, type Locale, translator } from '../../i18n/index.ts';
import { fontFiles, fontFor, isRightToLeft, type Weight } from './attestation-fonts.ts';
import type { LearnerBadge } from './badges.ts';
import { narrativeBlocks } from '../narrative.ts';

// The PDF and QR code libraries are loaded when a learner first asks for one,
// not by every server at start-up.
const require = createRequire(import.meta.url);
const loadPdfKit = () => require('pdfkit') as typeof import('pdfkit');
export const loadQrCode = () => require('qrcode') as typeof import('qrcode');

type Doc = PDFKit.PDFDocument;

const INK = '#1b1f24';
const MUTED = '#4a5361';
const BRAND = '#1d4e89';
const MARGIN = 56;

/**
 * The layout of the attestation a learner prints (A4): the structure's logo,
 * the badge, the learner's name, who awarded it and when (the date in words),
 * what it certifies (the criteria whole, on a second page if they need it),
 * the evidence and the structure's comment, and a QR code to the
 * verification page, whose address is also printed for those who type it.
 */
export async function renderAttestationPdf(
  badge: LearnerBadge,
  images: Awaited<ReturnType<typeof findBadgeClassImages>>,
  logoPng: Uint8Array | null,
  lang: Locale,
): Promise<Buffer> {
  const t = translator(lang);
  const qr = loadQrCode().create(badge.assertionUrl, { errorCorrectionLevel: 'M' });

  const PDFDocument = loadPdfKit();
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: {
      Title: `${t('learner.pdf.title')} — ${badge.badgeName}`,
      Author: badge.structureName,
      Subject: `${badge.badgeName} — ${badge.recipientName}`,
      Creator: 'Insigne',
    },
    lang: lang === 'fr' ? 'fr-FR' : 'en-GB',
    // Kept until the end, to number the pages once their count is known.
    bufferPages: true,
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  for (const font of fontFiles()) doc.registerFont(font.name, font.bytes);

  const w = new Writer(doc);
  const top = doc.page.margins.top;
  w.line('« La Normandie badge les compétences »', { size: 11, weight: 700, color: BRAND }, top - 16);
  if (logoPng) {
    try {
      // At the top right, at most 140 × 56 points, its proportions kept.
      doc.image(Buffer.from(logoPng), w.left + w.width - 140, top - 20, { fit: [140, 56], align: 'right' });
    } catch {
      // A logo pdfkit cannot read leaves the attestation without it, not without the attestation.
    }
  }
  w.y = top + 44;
  w.paragraph(t('learner.pdf.title'), { size: 22, weight: 700, align: 'center' });
  w.y += 10;
  if (images?.imagePng) {
    try {
      doc.image(Buffer.from(images.imagePng), w.left + (w.width - 110) / 2, w.y, { width: 110, height: 110 });
      w.y += 118;
    } catch {
      // Same: a picture pdfkit cannot read is left out.
    }
  }
  w.paragraph(t('learner.pdf.certifies'), { size: 12, color: MUTED, align: 'center' });
  w.paragraph(badge.recipientName || '—', { size: 20, weight: 700, align: 'center' });
  w.paragraph(t('learner.pdf.obtained'), { size: 12, color: MUTED, align: 'center' });
  w.paragraph(badge.badgeName, { size: 16, weight: 700, color: BRAND, align: 'center' });
  w.y += 4;
  w.paragraph(t('learner.pdf.awardedBy', { structure: badge.structureName, date: formatDate(badge.issuedOn, lang) }), {
    size: 12,
    align: 'center',
  });
  if (badge.expires) w.paragraph(t('learner.pdf.expires', { date: formatDate(badge.expires, lang) }), { size: 12, align: 'center' });
  if (badge.status !== 'valid') {
    w.paragraph(t(`learner.status.${badge.status}`), { size: 12, weight: 700, color: '#a11d21', align: 'center' });
  }

  w.y += 14;
  w.heading(t('learner.pdf.criteria'));
  w.narrative(badge.criteriaNarrative);

  const evidence = badge.evidence.filter((e) => e.narrative || e.url);
  if (evidence.length > 0) {
    w.y += 8;
    w.heading(t('learner.badge.evidence'));
    for (const item of evidence) {
      if (item.narrative) w.narrative(item.narrative);
      if (item.url) w.paragraph(item.url, { size: 10, color: BRAND });
    }
  }
  if (badge.narrative) {
    w.y += 8;
    w.heading(t('learner.badge.narrative'));
    w.narrative(badge.narrative);
  }

  // The QR code and the address, together at the foot of the last page
  // (a new page when what precedes leaves no room for them).
  const qrSize = 96;
  const footHeight = qrSize + 24;
  if (w.y + 16 + footHeight > w.bottom) w.newPage();
  const qrTop = w.bottom - footHeight;
  const cells = qr.modules.size;
  const cell = qrSize / cells;
  // Drawn as squares (sharp at any print size).
  doc.save().fillColor('#000000');
  for (let r = 0; r < cells; r++) {
    for (let c = 0; c < cells; c++) {
      if (qr.modules.get(r, c)) doc.rect(w.left + c * cell, qrTop + r * cell, cell, cell);
    }
  }
  doc.fill().restore();
  const beside = new Writer(doc, w.left + qrSize + 20, w.width - qrSize - 20);
  beside.y = qrTop + 6;
  beside.paragraph(t('learner.pdf.verify'), { size: 12, weight: 700 });
  beside.paragraph(t('learner.pdf.verifyHelp'), { size: 10.5, color: MUTED });
  w.y = qrTop + qrSize + 8;
  w.paragraph(badge.assertionUrl, { size: 9.5 });

  // On an attestation of several pages, each says whose it is and which page it is, should they come apart.
  const range = doc.bufferedPageRange();
  if (range.count > 1) {
    for (let i = 0; i < range.count; i++) {
      doc.switchToPage(range.start + i);
      const foot = new Writer(doc);
      foot.line(
        `${badge.recipientName || '—'} — ${badge.badgeName} · ${t('learner.pdf.page', { page: i + 1, pages: range.count })}`,
        { size: 8.5, color: MUTED, align: 'center' },
        doc.page.height - MARGIN + 18,
      );
    }
  }
  doc.end();
  return done;
}

interface Style {
  size: number;
  weight?: Weight;
  color?: string;
  align?: 'left' | 'center';
  /** Space before each line, for a list item's text beside its bullet. */
  indent?: number;
  /** Drawn at the left of the first line (a list item's bullet). */
  marker?: string;
}

/** A run of text drawn with one font. */
interface Run {
  font: string;
  text: string;
  width: number;
}

/** A word: what sits between two breakable spaces, in one or more fonts. */
interface Word {
  runs: Run[];
  width: number;
  rightToLeft: boolean;
}

/**
 * Lines of text laid out by us rather than by pdfkit, because a name or a
 * sentence can mix fonts (one per script) within a word: words are measured
 * run by run, broken only at spaces (a word longer than the line, such as an
 * address, is cut where it must), a page is added when the next line does not
 * fit, and right-to-left words next to each other are laid right to left
 * (fontkit shapes and orders the letters within each).
 */
class Writer {
  y: number;
  readonly bottom: number;

  constructor(
    private readonly doc: Doc,
    readonly left = doc.page.margins.left,
    readonly width = doc.page.width - doc.page.margins.left - doc.page.margins.right,
  ) {
    this.y = doc.page.margins.top;
    this.bottom = doc.page.height - doc.page.margins.bottom;
  }

  newPage(): void {
    this.doc.addPage();
    this.y = this.doc.page.margins.top;
  }

  heading(text: string): void {
    // Not alone at the foot of a page: with at least two lines of what it heads.
    if (this.y + 12.5 * 1.35 + 2 * 10.5 * 1.35 + 6 > this.bottom) this.newPage();
    this.paragraph(text, { size: 12.5, weight: 700 });
    this.y += 2;
  }

  /** One line at a given height, not wrapped (the header). */
  line(text: string, style: Style, y: number): void {
    const words = this.words(text, style);
    this.draw(words, style, y);
  }

  paragraph(text: string, style: Style): void {
    const lineHeight = style.size * 1.35;
    const space = this.measure(' ', fontFor(0x20, style.weight ?? 400), style.size);
    const indent = style.indent ?? 0;
    const width = this.width - indent;
    const lines: Word[][] = [];
    let line: Word[] = [];
    let lineWidth = 0;
    for (const word of this.words(text, style).flatMap((wd) => this.cut(wd, width, style.size))) {
      const added = line.length === 0 ? word.width : lineWidth + space + word.width;
      if (line.length > 0 && added > width) {
        lines.push(line);
        line = [];
      }
      lineWidth = line.length === 0 ? word.width : lineWidth + space + word.width;
      line.push(word);
    }
    if (line.length > 0) lines.push(line);
    // A short paragraph (a list item, a heading) is not split over two pages.
    if (lines.length <= 3 && this.y + lines.length * lineHeight > this.bottom) this.newPage();
    lines.forEach((words, i) => {
      if (this.y + lineHeight > this.bottom) this.newPage();
      if (i === 0 && style.marker) this.draw(this.words(style.marker, style), { ...style, indent: 0, align: 'left' }, this.y);
      this.draw(words, { ...style, indent }, this.y, width);
      this.y += lineHeight;
    });
    this.y += style.size * 0.25;
  }

  /** The criteria's or a comment's Markdown subset, as text: paragraphs, « - » lists, no marks. */
  narrative(markdown: string): void {
    for (const block of narrativeBlocks(markdown)) {
      if (block.kind === 'item') {
        this.paragraph(block.text, { size: 10.5, indent: 14, marker: '•' });
      } else {
        this.paragraph(block.text, { size: 10.5 });
        this.y += 2;
      }
    }
  }

  private measure(text: string, font: string, size: number): number {
    return this.doc.font(font).fontSize(size).widthOfString(text);
  }

  private words(text: string, style: Style): Word[] {
    const weight = style.weight ?? 400;
    // Only ordinary spaces break a line: no-break spaces (« : », « 20 000 ») hold.
    return (
      text
        .normalize('NFC')
        // Noto Sans has no narrow or thin space: the no-break space it has holds as well (« ; », « 20 000 »).
        .replace(/[\u2007\u2009\u202f]/g, '\u00a0')
        .split(/[ \t\r\n]+/)
        .filter(Boolean)
        .map((raw) => {
          const runs: Run[] = [];
          for (const ch of raw) {
            const font = fontFor(ch.codePointAt(0)!, weight);
            const last = runs[runs.length - 1];
            if (last && last.font === font) last.text += ch;
            else runs.push({ font, text: ch, width: 0 });
          }
          for (const run of runs) run.width = this.measure(run.text, run.font, style.size);
          const strong = [...raw].find((ch) => /\p{L}/u.test(ch));
          return {
            runs,
            width: runs.reduce((sum, run) => sum + run.width, 0),
            rightToLeft: strong !== undefined && isRightToLeft(strong.codePointAt(0)!),
          };
        })
    );
  }

  /** A word longer than the line, cut into pieces that fit (an address has no space to break at). */
  private cut(word: Word, width: number, size: number): Word[] {
    if (word.width <= width) return [word];
    const pieces: Word[] = [];
    let current: Run[] = [];
    let currentWidth = 0;
    for (const run of word.runs) {
      for (const ch of run.text) {
        const chWidth = this.measure(ch, run.font, size);
        if (currentWidth + chWidth > width && current.length > 0) {
          pieces.push({ runs: current, width: currentWidth, rightToLeft: word.rightToLeft });
          current = [];
          currentWidth = 0;
        }
        const last = current[current.length - 1];
        if (last && last.font === run.font) {
          last.text += ch;
          last.width += chWidth;
        } else current.push({ font: run.font, text: ch, width: chWidth });
        currentWidth += chWidth;
      }
    }
    if (current.length > 0) pieces.push({ runs: current, width: currentWidth, rightToLeft: word.rightToLeft });
    return pieces;
  }

  private draw(words: Word[], style: Style, y: number, width = this.width): void {
    const space = this.measure(' ', fontFor(0x20, style.weight ?? 400), style.size);
    const ordered = visualOrder(words);
    const total = ordered.reduce((sum, word) => sum + word.width, 0) + space * Math.max(0, ordered.length - 1);
    const start = this.left + (style.indent ?? 0);
    let x = style.align === 'center' ? start + (width - total) / 2 : start;
    const baseline = y + style.size;
    this.doc.fillColor(style.color ?? INK);
    for (const word of ordered) {
      for (const run of word.runs) {
        this.doc.font(run.font).fontSize(style.size).text(run.text, x, baseline, { lineBreak: false, baseline: 'alphabetic' });
        x += run.width;
      }
      x += space;
    }
  }
}

/** Right-to-left words that follow each other are read from the right: their order is reversed on the line. */
function visualOrder(words: Word[]): Word[] {
  const out: Word[] = [];
  let rtl: Word[] = [];
  for (const word of words) {
    if (word.rightToLeft) rtl.push(word);
    else {
      out.push(...rtl.reverse(), word);
      rtl = [];
    }
  }
  return [...out, ...rtl.reverse()];
}
