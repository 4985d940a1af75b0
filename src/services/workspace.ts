import type { Database } from '../db/database.ts';
import {
  type BadgeClassFigure,
  badgeClassFigures,
  listStructureFigures,
  type PlatformTotals,
  platformTotals,
  recentAwards,
  type StructureFigures,
  structureFigures,
} from '../db/repositories/figures.ts';
import { listMembersOfStructure, type StructureMember } from '../db/repositories/users.ts';
import { DomainError } from './errors.ts';
import { type AwardStatus, awardStatus } from './rules/award-status.ts';
import type { PublicUrls } from './urls.ts';
import type { Clock } from '../clock.ts';

export type { AwardStatus } from './rules/award-status.ts';

export interface StructureOverview {
  figures: StructureFigures;
  issuerUrl: string;
  badgeClasses: (BadgeClassFigure & { url: string; imageUrl: string })[];
  recent: {
    id: string;
    url: string;
    recipientName: string;
    badgeClassName: string;
    issuedOn: Date;
    status: AwardStatus;
  }[];
}

/**
 * What the workspace pages show. Every method about a structure takes its id
 * from the caller's session, never from a URL: the web layer passes
 * `auth.current.structureId`.
 */
export class WorkspaceService {
  constructor(
    private readonly db: Database,
    private readonly urls: PublicUrls,
    private readonly now: Clock,
  ) {}

  async structureOverview(structureId: string, recentCount = 5): Promise<StructureOverview> {
    const [figures, badgeClasses, recent] = await Promise.all([
      structureFigures(this.db, structureId),
      badgeClassFigures(this.db, structureId),
      recentAwards(this.db, structureId, recentCount),
    ]);
    if (!figures) throw new DomainError('structure_not_found', 404);
    const now = this.now();
    return {
      figures,
      issuerUrl: this.urls.issuer(structureId),
      badgeClasses: badgeClasses.map((b) => ({
        ...b,
        url: this.urls.badgeClass(b.id),
        imageUrl: this.urls.badgeClassImage(b.id, 'png'),
      })),
      recent: recent.map((a) => ({
        id: a.id,
        url: this.urls.assertion(a.id),
        recipientName: a.recipientName,
        badgeClassName: a.badgeClassName,
        issuedOn: a.issuedOn,
        status: awardStatus(a, now),
      })),
    };
  }

  async platformOverview(): Promise<{ totals: PlatformTotals; structures: (StructureFigures & { issuerUrl: string })[] }> {
    const [totals, structures] = await Promise.all([platformTotals(this.db), listStructureFigures(this.db)]);
    return { totals, structures: structures.map((s) => ({ ...s, issuerUrl: this.urls.issuer(s.id) })) };
  }

  members(structureId: string): Promise<StructureMember[]> {
    return listMembersOfStructure(this.db, structureId);
  }
}
