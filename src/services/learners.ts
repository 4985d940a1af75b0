import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../db/database.ts';
import { findBadgeClassImages } from '../db/repositories/badge-classes.ts';
import {
  countSignInLinksExpiringBetween,
  deleteEndedLearnerSessions,
  deleteLearnerSession,
  deleteLearnerSessionsOf,
  deleteSignInLinksOf,
  eraseAssertion,
  findBadgeOfRecipient,
  findLearnerPreferences,
  findLearnerSession,
  findSignInLink,
  findStructuresByIds,
  hasBadges,
  insertLearnerSession,
  type LearnerBadgeRow,
  listBadgesOfRecipient,
  listMailsTo,
  lockAssertionsOfRecipient,
  scrubImportRows,
  scrubMailsTo,
  setNameHidden,
  touchLearnerSession,
  trimPreferencesAfterErasure,
} from '../db/repositories/learners.ts';
import { consumeOneTimeToken, createOneTimeToken } from '../db/repositories/one-time-tokens.ts';
import { enqueueMail } from '../db/repositories/outbox.ts';
import { formatDate, type Locale, translator } from '../i18n/index.ts';
import { normaliseEmail } from '../openbadges/index.ts';
import { recordAudit } from './audit.ts';
import type { LocalChanges } from './changes.ts';
import { DomainError } from './errors.ts';
import { email as emailSchema } from './inputs.ts';
import { composeMail } from './mail/compose.ts';
import type { PublicUrls } from './urls.ts';
import { createRequire } from 'node:module';

// The PDF and QR code libraries are loaded when a learner first asks for one,
// not by every server at start-up.
const require = createRequire(import.meta.url);
const loadPdfKit = () => require('pdfkit') as typeof import('pdfkit');
const loadQrCode = () => require('qrcode') as typeof import('qrcode');

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** A sign-in link asked for on the site works for an hour, once. */
export const SIGN_IN_LINK_MS = HOUR_MS;
/** A learner's session ends 30 days after the link was followed… */
export const LEARNER_SESSION_ABSOLUTE_MS = 30 * DAY_MS;
/** …or after a week without a visit. */
export const LEARNER_SESSION_IDLE_MS = 7 * DAY_MS;
const SESSION_TOUCH_MS = MINUTE_MS;
/** At most this many links per address per quarter hour, whoever asks: an inbox is not a target. */
const LINKS_PER_WINDOW = 3;
const LINK_WINDOW_MS = 15 * MINUTE_MS;

export const ERASURE_REASON = 'Données personnelles effacées à la demande de la personne';

const PARIS_YEAR_MONTH = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', year: 'numeric', month: 'numeric' });
const SESSION_TOKEN = /^[A-Za-z0-9_-]{43}$/;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export type BadgeStatus = 'valid' | 'expired' | 'revoked';

export interface LearnerSession {
  /** SHA-256 of the cookie's token. */
  id: string;
  email: string;
  csrfSecret: string;
  expiresAt: Date;
}

export type LinkState =
  | { state: 'usable'; email: string }
  | { state: 'used' | 'expired'; email: string }
  | { state: 'unknown' };

/**
 * The learner's space: no password, a link by email opens a session; then
 * every badge awarded to that address by any structure, its files and ways
 * to share it, and the learner's say over their personal data.
 */
export class LearnerService {
  constructor(
    private readonly db: Database,
    private readonly urls: PublicUrls,
    private readonly changes: LocalChanges,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Sends a sign-in link, but only to an address that has badges and has not
   * just received several: the caller always answers the same, so the form
   * tells no one whether an address is known.
   */
  async requestSignInLink(address: string, lang: Locale): Promise<void> {
    const parsed = emailSchema.safeParse(address);
    if (!parsed.success) throw new DomainError('validation_failed', 400);
    const email = normaliseEmail(parsed.data);
    const now = this.now();
    await this.db.transaction(async (tx) => {
      if (!(await hasBadges(tx, email))) return;
      const recent = await countSignInLinksExpiringBetween(
        tx,
        email,
        new Date(now.getTime() + SIGN_IN_LINK_MS - LINK_WINDOW_MS),
        new Date(now.getTime() + SIGN_IN_LINK_MS),
      );
      if (recent >= LINKS_PER_WINDOW) return;
      const token = await createOneTimeToken(tx, {
        purpose: 'learner-sign-in',
        email,
        expiresAt: new Date(now.getTime() + SIGN_IN_LINK_MS),
      });
      const t = translator(lang);
      const url = this.linkUrl(token);
      const subject = t('learner.mail.subject');
      const body = composeMail({
        lang,
        title: subject,
        greeting: t('learner.mail.greeting'),
        paragraphs: [t('learner.mail.intro'), t('learner.mail.validity')],
        action: { label: t('learner.mail.action'), url },
        footer: [t('learner.mail.footer')],
      });
      await enqueueMail(tx, { kind: 'learner-sign-in', to: email, subject, text: body.text, html: body.html });
    });
  }

  /** The address of a sign-in link (the award email uses the same form, with a longer-lived token). */
  linkUrl(token: string): string {
    return `${this.urls.origin}/mon-espace/lien/${token}`;
  }

  /** What a link is now, without using it: mail scanners open links before people do. */
  async linkState(token: string): Promise<LinkState> {
    if (!SESSION_TOKEN.test(token)) return { state: 'unknown' };
    const row = await findSignInLink(this.db, sha256(token));
    if (!row) return { state: 'unknown' };
    if (row.usedAt) return { state: 'used', email: row.email };
    if (row.expiresAt <= this.now()) return { state: 'expired', email: row.email };
    return { state: 'usable', email: row.email };
  }

  /**
   * Uses the link and opens a session, in one transaction: a second click
   * (or a race of two) finds the link used. Returns null when it cannot be used.
   */
  async openSession(token: string, previousSessionToken?: string): Promise<{ token: string; expiresAt: Date } | null> {
    if (!SESSION_TOKEN.test(token)) return null;
    const now = this.now();
    const sessionToken = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + LEARNER_SESSION_ABSOLUTE_MS);
    const opened = await this.db.transaction(async (tx) => {
      const link = await consumeOneTimeToken(tx, 'learner-sign-in', token, now);
      if (!link) return false;
      if (previousSessionToken && SESSION_TOKEN.test(previousSessionToken)) {
        await deleteLearnerSession(tx, sha256(previousSessionToken));
      }
      await insertLearnerSession(tx, {
        idHash: sha256(sessionToken),
        email: link.email,
        csrfSecret: randomBytes(32).toString('base64url'),
        createdAt: now,
        lastSeenAt: now,
        expiresAt,
      });
      return true;
    });
    if (!opened) return null;
    await deleteEndedLearnerSessions(this.db, now, new Date(now.getTime() - LEARNER_SESSION_IDLE_MS));
    return { token: sessionToken, expiresAt };
  }

  /** The session a cookie opens, or null (an ended one is deleted). */
  async resolveSession(token: string): Promise<LearnerSession | null> {
    if (!SESSION_TOKEN.test(token)) return null;
    const id = sha256(token);
    const row = await findLearnerSession(this.db, id);
    if (!row) return null;
    const now = this.now();
    if (now >= row.expiresAt || now.getTime() - row.lastSeenAt.getTime() >= LEARNER_SESSION_IDLE_MS) {
      await deleteLearnerSession(this.db, id);
      return null;
    }
    if (now.getTime() - row.lastSeenAt.getTime() >= SESSION_TOUCH_MS) await touchLearnerSession(this.db, id, now);
    return { id, email: row.email, csrfSecret: row.csrfSecret, expiresAt: row.expiresAt };
  }

  async signOut(session: LearnerSession): Promise<void> {
    await deleteLearnerSession(this.db, session.id);
  }

  statusOf(badge: Pick<LearnerBadgeRow, 'revokedAt' | 'expires'>): BadgeStatus {
    if (badge.revokedAt) return 'revoked';
    if (badge.expires && badge.expires <= this.now()) return 'expired';
    return 'valid';
  }

  async badges(session: LearnerSession) {
    const rows = await listBadgesOfRecipient(this.db, session.email);
    return rows.map((row) => this.present(row));
  }

  /** One of the learner's badges; someone else's, or an unknown id, is simply not found. */
  async badge(session: LearnerSession, id: string) {
    const row = await findBadgeOfRecipient(this.db, session.email, id);
    if (!row) throw new DomainError('assertion_not_found', 404);
    return this.present(row);
  }

  private present(row: LearnerBadgeRow) {
    const u = this.urls;
    return {
      ...row,
      status: this.statusOf(row),
      assertionUrl: u.assertion(row.id),
      imageUrl: u.badgeClassImage(row.badgeClassId, 'png'),
      issuerUrl: u.issuer(row.structureId),
      badgeClassUrl: u.badgeClass(row.badgeClassId),
      downloads: {
        signedPng: `${u.signedPng(row.id)}?download=1`,
        signedSvg: `${u.signedSvg(row.id)}?download=1`,
        hostedPng: `${u.hostedPng(row.id)}?download=1`,
        hostedSvg: `${u.hostedSvg(row.id)}?download=1`,
        jws: `${u.jws(row.id)}?download=1`,
      },
      linkedIn: this.linkedInUrl(row),
    };
  }

  /** LinkedIn's « add a certification to your profile » link, filled in. */
  linkedInUrl(row: Pick<LearnerBadgeRow, 'id' | 'badgeName' | 'structureName' | 'issuedOn' | 'expires'>): string {
    const parts = (d: Date) => {
      // The month as people in Normandy see it, not as UTC does at midnight on the 1st.
      const p = PARIS_YEAR_MONTH.formatToParts(d);
      return {
        year: p.find((x) => x.type === 'year')!.value,
        month: String(Number(p.find((x) => x.type === 'month')!.value)),
      };
    };
    const issued = parts(row.issuedOn);
    const params = new URLSearchParams({
      startTask: 'CERTIFICATION_NAME',
      name: row.badgeName,
      organizationName: row.structureName,
      issueYear: issued.year,
      issueMonth: issued.month,
    });
    if (row.expires) {
      const expires = parts(row.expires);
      params.set('expirationYear', expires.year);
      params.set('expirationMonth', expires.month);
    }
    params.set('certUrl', this.urls.assertion(row.id));
    params.set('certId', row.id);
    return `https://www.linkedin.com/profile/add?${params.toString()}`;
  }

  /** The QR code of the badge's verification link, as SVG. */
  async qrSvg(session: LearnerSession, id: string): Promise<string> {
    const badge = await this.badge(session, id);
    return loadQrCode().toString(badge.assertionUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  }

  async preferences(session: LearnerSession) {
    const row = await findLearnerPreferences(this.db, session.email);
    return { hideName: row?.hideName ?? false, emailsStoppedAt: row?.emailsStoppedAt ?? null };
  }

  /** Shows or hides the learner's name on the public pages of all their badges, present and future. */
  async setNameHidden(session: LearnerSession, hide: boolean): Promise<void> {
    const now = this.now();
    await this.db.transaction(async (tx) => {
      const structureIds = await setNameHidden(tx, session.email, hide, now);
      for (const structureId of structureIds) {
        await recordAudit(tx, { kind: 'system' }, {
          structureId,
          action: hide ? 'learner.name_hidden' : 'learner.name_shown',
          details: { by: 'learner' },
        });
      }
    });
  }

  /** Everything the platform holds about this address, as one JSON document. */
  async exportData(session: LearnerSession) {
    const [badges, preferences, mails] = [
      await listBadgesOfRecipient(this.db, session.email),
      await findLearnerPreferences(this.db, session.email),
      await listMailsTo(this.db, session.email),
    ];
    return {
      exportedAt: this.now().toISOString(),
      platform: this.urls.home(),
      email: session.email,
      preferences: {
        hideNameOnPublicPages: preferences?.hideName ?? false,
        emailsStoppedAt: preferences?.emailsStoppedAt?.toISOString() ?? null,
        updatedAt: preferences?.updatedAt?.toISOString() ?? null,
      },
      badges: badges.map((b) => ({
        id: b.id,
        verificationUrl: this.urls.assertion(b.id),
        recipientName: b.recipientName,
        recipientEmail: b.recipientEmail,
        issuedOn: b.issuedOn.toISOString(),
        expires: b.expires?.toISOString() ?? null,
        status: this.statusOf(b),
        revokedAt: b.revokedAt?.toISOString() ?? null,
        revocationReason: b.revocationReason,
        evidence: b.evidence,
        narrative: b.narrative,
        badge: {
          id: b.badgeClassId,
          url: this.urls.badgeClass(b.badgeClassId),
          name: b.badgeName,
          description: b.badgeDescription,
          criteria: b.criteriaNarrative,
        },
        structure: { id: b.structureId, name: b.structureName, url: b.structureUrl, email: b.structureEmail },
      })),
      emails: mails.map((m) => ({
        kind: m.kind,
        subject: m.subject,
        status: m.status,
        recordedAt: m.createdAt.toISOString(),
        sentAt: m.sentAt?.toISOString() ?? null,
      })),
    };
  }

  /**
   * Erases the learner's personal data, in one transaction: every badge of
   * the address is revoked (with a reason saying why) and stripped of name,
   * address and signed copy; their sessions, links and emails go; each
   * structure concerned is told by email and in its audit trail.
   */
  async erase(session: LearnerSession): Promise<{ badges: number; structures: number }> {
    const email = session.email;
    const now = this.now();
    const t = translator('fr');
    const result = await this.db.transaction(async (tx) => {
      const rows = await lockAssertionsOfRecipient(tx, email);
      for (const row of rows) await eraseAssertion(tx, row.id, ERASURE_REASON, now);
      await deleteLearnerSessionsOf(tx, email);
      await deleteSignInLinksOf(tx, email);
      await scrubMailsTo(tx, email, 'erased');
      await trimPreferencesAfterErasure(tx, email, now);
      await scrubImportRows(tx, [...new Set(rows.map((r) => r.structureId))], rows.map((r) => r.id), email);

      const byStructure = new Map<string, typeof rows>();
      for (const row of rows) byStructure.set(row.structureId, [...(byStructure.get(row.structureId) ?? []), row]);
      const structures = await findStructuresByIds(tx, [...byStructure.keys()]);
      for (const structure of structures) {
        const erased = byStructure.get(structure.id) ?? [];
        const subject = t('learner.erasureNotice.subject');
        const body = composeMail({
          lang: 'fr',
          title: subject,
          greeting: t('learner.erasureNotice.greeting', { structure: structure.name }),
          paragraphs: [
            t('learner.erasureNotice.intro', { count: erased.length }),
            erased
              .map((a) =>
                t('learner.erasureNotice.item', {
                  badge: a.badgeName,
                  date: formatDate(a.issuedOn, 'fr'),
                  url: this.urls.assertion(a.id),
                }),
              )
              .join('\n'),
            t('learner.erasureNotice.meaning', { reason: ERASURE_REASON }),
          ],
          footer: [t('learner.erasureNotice.footer')],
        });
        await enqueueMail(tx, {
          kind: 'erasure-notice',
          to: normaliseEmail(structure.email),
          structureId: structure.id,
          subject,
          text: body.text,
          html: body.html,
        });
        await recordAudit(tx, { kind: 'system' }, {
          structureId: structure.id,
          action: 'learner.erased',
          targetType: 'assertion',
          targetId: erased[0]?.id,
          details: { by: 'learner', assertionIds: erased.map((a) => a.id), reason: ERASURE_REASON },
        });
      }
      return { badges: rows.length, structures: structures.map((s) => s.id) };
    });
    // The revocation lists this process caches now name these badges.
    for (const structureId of result.structures) this.changes.structureChanged(structureId);
    return { badges: result.badges, structures: result.structures.length };
  }

  /**
   * A one-page attestation to print: the badge, the learner's name, who
   * awarded it and when, what it certifies, and a QR code to the
   * verification page, whose address is also printed for those who type it.
   */
  async attestationPdf(session: LearnerSession, id: string, lang: Locale): Promise<Buffer> {
    const badge = await this.badge(session, id);
    const t = translator(lang);
    const images = await findBadgeClassImages(this.db, badge.badgeClassId);
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
    doc.font('Helvetica-Bold').fontSize(18).fillColor(ink).text(badge.recipientName || '—', { width, align: 'center' });
    doc.moveDown(0.3);
    doc.font('Helvetica').fontSize(12).fillColor(muted).text(t('learner.pdf.obtained'), { width, align: 'center' });
    doc.moveDown(0.3);
    doc.font('Helvetica-Bold').fontSize(16).fillColor(brand).text(badge.badgeName, { width, align: 'center' });
    doc.moveDown(0.6);
    doc
      .font('Helvetica')
      .fontSize(12)
      .fillColor(ink)
      .text(
        t('learner.pdf.awardedBy', { structure: badge.structureName, date: formatDate(badge.issuedOn, lang) }),
        { width, align: 'center' },
      );
    if (badge.expires) {
      doc.text(t('learner.pdf.expires', { date: formatDate(badge.expires, lang) }), { width, align: 'center' });
    }
    if (badge.status !== 'valid') {
      doc.moveDown(0.3);
      doc.font('Helvetica-Bold').fillColor('#a11d21').text(t(`learner.status.${badge.status}`), { width, align: 'center' });
    }
    doc.moveDown(1);
    doc.font('Helvetica-Bold').fontSize(12).fillColor(ink).text(t('learner.pdf.criteria'), left, doc.y, { width });
    doc.moveDown(0.2);
    doc
      .font('Helvetica')
      .fontSize(10.5)
      .fillColor(ink)
      .text(summarise(badge.criteriaNarrative, 900), { width, height: 150, ellipsis: true });

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
    doc.font('Helvetica-Bold').fontSize(12).fillColor(ink).text(t('learner.pdf.verify'), textLeft, qrTop + 10, { width: textWidth });
    doc.moveDown(0.3);
    doc.font('Helvetica').fontSize(10.5).fillColor(muted).text(t('learner.pdf.verifyHelp'), { width: textWidth });
    doc.font('Courier').fontSize(9).fillColor(ink).text(badge.assertionUrl, left, qrTop + qrSize + 8, { width, lineBreak: false });
    doc.end();
    return done;
  }
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
