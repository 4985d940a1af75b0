import { createRequire } from 'node:module';
import type { findBadgeClassImages } from '../../db/repositories/badge-classes.ts';
import { formatDate, type Locale, translator } from '../../i18n/index.ts';
import type { LearnerBadge } from './badges.ts';

// The PDF and QR code libraries are loaded when a learner first asks for one,
// not by every server at start-up.
const require = createRequire(import.meta.url);
const loadPdfKit = () => require('pdfkit') as typeof import('pdfkit');
export const loadQrCode = () => require('qrcode') as typeof import('qrcode');

/**
 * The layout of the attestation a learner prints (A4, one page): the badge,
 * the learner's name, who awarded it and when, what it certifies, and a QR
 * code to the verification page, whose address is also printed for those who
 * type it.
 */
export async function renderAttestationPdf(
  badge: LearnerBadge,
  images: Awaited<ReturnType<typeof findBadgeClassImages>>,
  lang: Locale,
): Promise<Buffer> {
  const t = translator(lang);
  const qr = loadQrCode().create(badge.assertionUrl, { errorCorrectionLevel: 'M' });

  const PDFDocument = loadPdfKit();
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    info: {
      Title: `${t('learner.pdf.title')} — ${badge.badgeName}`,
      Author: badge.structureName,
      Subject: `${badge.badgeName} — ${badge.recipientName}`,
      Creator: 'Insigne',
    },
    lang: lang === 'fr' ? 'fr-FR' : 'en-GB',
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const ink = '#1b1f24';
  const muted = '#4a5361';
  const brand = '#1d4e89';

  doc.fillColor(brand).font('Helvetica-Bold').fontSize(11).text('« La Normandie badge les compétences »', left, 40, { width });
  doc.moveDown(1.2);
  doc.fillColor(ink).font('Helvetica-Bold').fontSize(22).text(t('learner.pdf.title'), { width, align: 'center' });
  doc.moveDown(0.8);

  const imageTop = doc.y;
  let textTop = imageTop;
  if (images?.imagePng) {
    try {
      doc.image(Buffer.from(images.imagePng), left + (width - 140) / 2, imageTop, { width: 140, height: 140 });
      textTop = imageTop + 150;
    } catch {
      // A picture pdfkit cannot read leaves the attestation without it, not without the attestation.
    }
  }
  doc.y = textTop;
  doc.font('Helvetica').fontSize(12).fillColor(muted).text(t('learner.pdf.certifies'), left, doc.y, { width, align: 'center' });
  doc.moveDown(0.3);
  doc
    .font('Helvetica-Bold')
    .fontSize(18)
    .fillColor(ink)
    .text(badge.recipientName || '—', { width, align: 'center' });
  doc.moveDown(0.3);
  doc.font('Helvetica').fontSize(12).fillColor(muted).text(t('learner.pdf.obtained'), { width, align: 'center' });
  doc.moveDown(0.3);
  doc.font('Helvetica-Bold').fontSize(16).fillColor(brand).text(badge.badgeName, { width, align: 'center' });
  doc.moveDown(0.6);
  doc
    .font('Helvetica')
    .fontSize(12)
    .fillColor(ink)
    .text(t('learner.pdf.awardedBy', { structure: badge.structureName, date: formatDate(badge.issuedOn, lang) }), {
      width,
      align: 'center',
    });
  if (badge.expires) {
    doc.text(t('learner.pdf.expires', { date: formatDate(badge.expires, lang) }), { width, align: 'center' });
  }
  if (badge.status !== 'valid') {
    doc.moveDown(0.3);
    doc
      .font('Helvetica-Bold')
      .fillColor('#a11d21')
      .text(t(`learner.status.${badge.status}`), { width, align: 'center' });
  }
  doc.moveDown(1);
  doc.font('Helvetica-Bold').fontSize(12).fillColor(ink).text(t('learner.pdf.criteria'), left, doc.y, { width });
  doc.moveDown(0.2);
  doc.font('Helvetica').fontSize(10.5).fillColor(ink).text(summarise(badge.criteriaNarrative, 900), { width, height: 150, ellipsis: true });

  // The QR code, drawn as squares (sharp at any print size), at the foot of
  // the page; the address under it, on one line across the page.
  const qrSize = 110;
  const qrTop = doc.page.height - doc.page.margins.bottom - qrSize - 22;
  const cells = qr.modules.size;
  const cell = qrSize / cells;
  doc.save().fillColor('#000000');
  for (let r = 0; r < cells; r++) {
    for (let c = 0; c < cells; c++) {
      if (qr.modules.get(r, c)) doc.rect(left + c * cell, qrTop + r * cell, cell, cell);
    }
  }
  doc.fill().restore();
  const textLeft = left + qrSize + 20;
  const textWidth = width - qrSize - 20;
  doc
    .font('Helvetica-Bold')
    .fontSize(12)
    .fillColor(ink)
    .text(t('learner.pdf.verify'), textLeft, qrTop + 10, { width: textWidth });
  doc.moveDown(0.3);
  doc.font('Helvetica').fontSize(10.5).fillColor(muted).text(t('learner.pdf.verifyHelp'), { width: textWidth });
  doc
    .font('Courier')
    .fontSize(9)
    .fillColor(ink)
    .text(badge.assertionUrl, left, qrTop + qrSize + 8, { width, lineBreak: false });
  doc.end();
  return done;
}

/** The criteria as one paragraph of plain text: markdown marks dropped, bounded. */
function summarise(narrative: string, max: number): string {
  const plain = narrative
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[#*_>`]+/g, '')
    .replace(/^\s*[-+]\s+/gm, '• ')
    .replace(/\n{2,}/g, '\n')
    .trim();
  return plain.length > max ? `${plain.slice(0, max - 1).trimEnd()}…` : plain;
}
