import { findBadgeClassImages } from '../../db/repositories/badge-classes.ts';
import { findStructure } from '../../db/repositories/structures.ts';
import type { Clock } from '../../clock.ts';
import type { Database } from '../../db/database.ts';
import { findBadgeOfRecipient, type LearnerBadgeRow, listBadgesOfRecipient } from '../../db/repositories/learners.ts';
import type { Locale } from '../../i18n/index.ts';
import { DomainError } from '../errors.ts';
import { type AwardStatus, awardStatus } from '../rules/award-status.ts';
import type { PublicUrls } from '../urls.ts';
import { loadQrCode, renderAttestationPdf } from './attestation-pdf.ts';
import type { LearnerSession } from './sign-in.ts';

const PARIS_YEAR_MONTH = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', year: 'numeric', month: 'numeric' });

export type BadgeStatus = AwardStatus;

/**
 * A QR code's quiet zone is 4 modules of white around it (ISO/IEC 18004):
 * with less, a scanner may not find the code on a dark or busy background.
 */
const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 4 } as const;
const QR_PNG_SCALE = 8;

/**
 * The learner's badges: every badge awarded to their address by any
 * structure, its files, and the ways to share it (LinkedIn, QR code, a
 * printable attestation).
 */
export class LearnerBadges {
  constructor(
    private readonly db: Database,
    private readonly urls: PublicUrls,
    private readonly now: Clock,
  ) {}

  statusOf(badge: Pick<LearnerBadgeRow, 'revokedAt' | 'expires'>): BadgeStatus {
    return awardStatus(badge, this.now());
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
    return loadQrCode().toString(badge.assertionUrl, { type: 'svg', ...QR_OPTIONS });
  }

  /** The same QR code as PNG (what a word processor or a phone's gallery takes), 8 pixels a module. */
  async qrPng(session: LearnerSession, id: string): Promise<Uint8Array> {
    const badge = await this.badge(session, id);
    return new Uint8Array(await loadQrCode().toBuffer(badge.assertionUrl, { type: 'png', ...QR_OPTIONS, scale: QR_PNG_SCALE }));
  }
  /**
   * The attestation to print: the structure's logo, the badge, the learner's
   * name, who awarded it and when, what it certifies, the evidence, and a QR
   * code to the verification page, whose address is also printed for those
   * who type it.
   */
  async attestationPdf(session: LearnerSession, id: string, lang: Locale): Promise<Buffer> {
    const badge = await this.badge(session, id);
    const images = await findBadgeClassImages(this.db, badge.badgeClassId);
    const structure = await findStructure(this.db, badge.structureId);
    // Logos are stored as PNG (an uploaded SVG is rendered): what pdfkit draws.
    const logo = structure?.logo && structure.logoMime === 'image/png' ? structure.logo : null;
    return renderAttestationPdf(badge, images, logo, lang);
  }
}

/** One of the learner's badges as the pages show it. */
export type LearnerBadge = Awaited<ReturnType<LearnerBadges['badge']>>;
