import type { Database } from '../db/database.ts';
import {
  type ApiTokenListRow,
  type AwardDetailRow,
  type AwardExportRow,
  type AwardListRow,
  type AwardMailRow,
  type AwardStatusFilter,
  findApiTokenOfStructure,
  findAwardDetail,
  listAdvisorChoices,
  listApiTokensWithCreators,
  listAwardBatch,
  listAwardMails,
  listAwards,
  listBadgeClassChoices,
} from '../db/repositories/awards-listing.ts';
import {
  type AuditFilter,
  type AuditListRow,
  type AuditReferences,
  listAuditActions,
  listAuditBatch,
  listAuditPeople,
  listAuditTrail,
  resolveAuditReferences,
} from '../db/repositories/audit.ts';
import { DomainError } from './errors.ts';
import { FiguresService } from './figures.ts';
import type { PublicUrls } from './urls.ts';
import { type AwardStatus, awardStatus } from './rules/award-status.ts';
import type { Clock } from '../clock.ts';

export const AWARDS_PER_PAGE = 50;
export const AUDIT_PER_PAGE = 50;
/** Rows read at a time by an export: its memory stays the same whatever the list's length. */
export const EXPORT_BATCH = 500;

export type AuditQuery = AuditFilter;

/** A batch of the trail's events and the names of what they point to, as they are now. */
export interface AuditBatch {
  rows: AuditListRow[];
  references: AuditReferences;
}

export interface AwardQuery {
  structureId: string;
  search?: string;
  badgeClassId?: string;
  awardedBy?: string;
  status?: AwardStatusFilter;
  from?: string;
  to?: string;
  page: number;
}

export type AwardLine = AwardListRow & { status: AwardStatus };

export interface AwardDetail extends AwardDetailRow {
  status: AwardStatus;
  mails: AwardMailRow[];
  /** The newest award email's state, if one was ever recorded. */
  lastMail: AwardMailRow | null;
  urls: {
    verification: string;
    badgeClass: string;
    hostedPng: string;
    hostedSvg: string;
    signedPng: string;
    signedSvg: string;
    jws: string;
    image: string;
  };
}

/**
 * The workspace's « Suivi » (following up) pages: the awarded badges, listed
 * and one by one, the figures (computed in figures.ts), the API tokens and the
 * audit trail. Reads only; the changes made from these pages (revoking,
 * tokens) go through AwardingService and ApiTokenService, which write their
 * audit events. Every method about a structure takes its id from the caller's
 * session.
 */
export class FollowingService {
  private readonly counts: FiguresService;

  constructor(
    private readonly db: Database,
    private readonly urls: PublicUrls,
    private readonly now: Clock,
  ) {
    this.counts = new FiguresService(db, now);
  }

  /** A structure's figures over the last `months` months (and since its start for the totals). */
  figures: FiguresService['figures'] = (structureId, months) => this.counts.figures(structureId, months);
  /** The same across the region, with the programme's headline figures and every structure's activity. */
  platformFigures: FiguresService['platformFigures'] = (months) => this.counts.platformFigures(months);

  async awards(query: AwardQuery): Promise<{ rows: AwardLine[]; total: number; page: number; pages: number }> {
    const now = this.now();
    const page = Math.max(1, query.page);
    const { rows, total } = await listAwards(this.db, {
      ...query,
      now,
      limit: AWARDS_PER_PAGE,
      offset: (page - 1) * AWARDS_PER_PAGE,
    });
    return {
      rows: rows.map((r) => ({ ...r, status: awardStatus(r, now) })),
      total,
      page,
      pages: Math.max(1, Math.ceil(total / AWARDS_PER_PAGE)),
    };
  }

  async awardFilterChoices(structureId: string) {
    const [badgeClasses, advisors] = await Promise.all([
      listBadgeClassChoices(this.db, structureId),
      listAdvisorChoices(this.db, structureId),
    ]);
    return { badgeClasses, advisors };
  }

  async award(structureId: string, id: string): Promise<AwardDetail> {
    const [row, mails] = await Promise.all([findAwardDetail(this.db, structureId, id), listAwardMails(this.db, structureId, id)]);
    if (!row) throw new DomainError('assertion_not_found', 404);
    const awardMails = mails.filter((m) => m.kind === 'award');
    return {
      ...row,
      status: awardStatus(row, this.now()),
      mails,
      lastMail: awardMails[0] ?? null,
      urls: {
        verification: this.urls.assertion(id),
        badgeClass: this.urls.badgeClass(row.badgeClassId),
        hostedPng: this.urls.hostedPng(id),
        hostedSvg: this.urls.hostedSvg(id),
        signedPng: this.urls.signedPng(id),
        signedSvg: this.urls.signedSvg(id),
        jws: this.urls.jws(id),
        image: this.urls.badgeClassImage(row.badgeClassId, 'png'),
      },
    };
  }

  apiTokens(structureId: string): Promise<ApiTokenListRow[]> {
    return listApiTokensWithCreators(this.db, structureId);
  }

  async apiToken(structureId: string, id: string): Promise<ApiTokenListRow> {
    const token = await findApiTokenOfStructure(this.db, structureId, id);
    if (!token) throw new DomainError('not_found', 404);
    return token;
  }

  async auditTrail(filter: AuditQuery & { page: number }): Promise<AuditBatch & { total: number; page: number; pages: number }> {
    const page = Math.max(1, filter.page);
    const { rows, total } = await listAuditTrail(this.db, { ...filter, limit: AUDIT_PER_PAGE, offset: (page - 1) * AUDIT_PER_PAGE });
    const references = await resolveAuditReferences(this.db, filter.structureId, rows);
    return { rows, references, total, page, pages: Math.max(1, Math.ceil(total / AUDIT_PER_PAGE)) };
  }

  /** The kinds of event and the people the trail holds (a structure's, or the region's: null), for its filters. */
  async auditChoices(structureId: string | null): Promise<{ actions: string[]; people: { id: string; name: string }[] }> {
    const [actions, people] = await Promise.all([listAuditActions(this.db, structureId), listAuditPeople(this.db, structureId)]);
    return { actions, people };
  }

  /** The whole filtered trail, newest first, a bounded batch at a time (for its CSV file). */
  async *auditExport(filter: AuditQuery): AsyncGenerator<AuditBatch> {
    let after: { at: Date; id: number } | null = null;
    for (;;) {
      const rows = await listAuditBatch(this.db, filter, after, EXPORT_BATCH);
      if (!rows.length) return;
      yield { rows, references: await resolveAuditReferences(this.db, filter.structureId, rows) };
      if (rows.length < EXPORT_BATCH) return;
      const last = rows.at(-1)!;
      after = { at: last.at, id: last.id };
    }
  }

  /** The whole filtered list of awards, in the list's order, a bounded batch at a time (for its CSV file). */
  async *awardsExport(query: Omit<AwardQuery, 'page'>): AsyncGenerator<(AwardExportRow & { status: AwardStatus })[]> {
    const now = this.now();
    let after: { issuedOn: Date; id: string } | null = null;
    for (;;) {
      const rows = await listAwardBatch(this.db, { ...query, now }, after, EXPORT_BATCH);
      if (!rows.length) return;
      yield rows.map((r) => ({ ...r, status: awardStatus(r, now) }));
      if (rows.length < EXPORT_BATCH) return;
      const last = rows.at(-1)!;
      after = { issuedOn: last.issuedOn, id: last.id };
    }
  }
}
