import { COMPETENCES, type Competence, FRAMEWORK, type Level, LEVELS } from '../catalogue/regional.ts';
import type { Database } from '../db/database.ts';
import { PROGRAMME_TIME_ZONE } from '../db/repositories/awards-listing.ts';
import {
  type AdvisorActivity,
  advisorActivity,
  awardsByBadgeClass,
  awardsByCatalogueKey,
  type BadgeClassCount,
  type HeadlineFigures,
  headlineFigures,
  listStructureActivity,
  type MonthCount,
  monthlyAwardCounts,
  monthlyRevocationCounts,
  type StructureActivity,
} from '../db/repositories/figures.ts';
import { GENERAL_BADGE_KEY } from './rules/general-badge.ts';
import type { Clock } from '../clock.ts';

export interface MonthFigure {
  month: string;
  awarded: number;
  revoked: number;
}

export interface CompetenceFigure {
  competence: Competence;
  name: string;
  levels: Record<Level, number>;
  total: number;
}

export interface Figures {
  months: number;
  since: Date;
  monthly: MonthFigure[];
  awardedInPeriod: number;
  revokedInPeriod: number;
  competences: CompetenceFigure[];
  generalBadge: number;
  /** Awards of badges outside the regional nine (a structure's own, or adopted from the shared catalogue). */
  otherBadges: number;
  badgeClasses: BadgeClassCount[];
  advisors: AdvisorActivity[];
}

export interface PlatformFigures extends Figures {
  headline: HeadlineFigures;
  year: number;
  structures: StructureActivity[];
}

const zonedParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: PROGRAMME_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  hour: '2-digit',
  hourCycle: 'h23',
});

function partsOf(date: Date): { year: number; month: number; hour: number } {
  const parts = Object.fromEntries(zonedParts.formatToParts(date).map((p) => [p.type, p.value]));
  return { year: Number(parts.year), month: Number(parts.month), hour: Number(parts.hour) };
}

/** The instant a month begins in Normandy (no clock change ever falls on the 1st). */
export function monthStart(year: number, month: number): Date {
  const utcMidnight = new Date(Date.UTC(year, month - 1, 1));
  return new Date(utcMidnight.getTime() - partsOf(utcMidnight).hour * 3_600_000);
}

/** The last `count` months up to the current one, oldest first, as YYYY-MM. */
export function lastMonths(now: Date, count: number): { keys: string[]; since: Date } {
  const { year, month } = partsOf(now);
  const keys: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const index = year * 12 + (month - 1) - i;
    keys.push(`${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`);
  }
  const [firstYear, firstMonth] = keys[0]!.split('-').map(Number) as [number, number];
  return { keys, since: monthStart(firstYear, firstMonth) };
}

/**
 * The figures of the « Suivi » pages: a structure's awards and revocations
 * month by month (in Normandy's months), by competence and level, by badge
 * class and by advisor; across the region for the platform administrator.
 */
export class FiguresService {
  constructor(
    private readonly db: Database,
    private readonly now: Clock,
  ) {}

  /** A structure's figures over the last `months` months (and since its start for the totals). */
  async figures(structureId: string, months: number): Promise<Figures> {
    const { keys, since } = lastMonths(this.now(), months);
    const [awarded, revoked, badgeClasses, advisors] = await Promise.all([
      monthlyAwardCounts(this.db, structureId, since),
      monthlyRevocationCounts(this.db, structureId, since),
      awardsByBadgeClass(this.db, structureId, since),
      advisorActivity(this.db, structureId, since),
    ]);
    return assemble(months, since, keys, awarded, revoked, badgeClasses, advisors);
  }

  /** The same across the region, with the programme's headline figures and every structure's activity. */
  async platformFigures(months: number): Promise<PlatformFigures> {
    const now = this.now();
    const { keys, since } = lastMonths(now, months);
    const year = partsOf(now).year;
    const yearStart = monthStart(year, 1);
    const [awarded, revoked, badgeClasses, advisors, headline, structures] = await Promise.all([
      monthlyAwardCounts(this.db, null, since),
      monthlyRevocationCounts(this.db, null, since),
      awardsByCatalogueKey(this.db, since),
      advisorActivity(this.db, null, since),
      headlineFigures(this.db, yearStart),
      listStructureActivity(this.db, yearStart),
    ]);
    return { ...assemble(months, since, keys, awarded, revoked, badgeClasses, advisors), headline, year, structures };
  }
}

const competenceNames = new Map(FRAMEWORK.competences.map((c) => [c.competence, c.name]));

function assemble(
  months: number,
  since: Date,
  keys: string[],
  awarded: MonthCount[],
  revoked: MonthCount[],
  badgeClasses: BadgeClassCount[],
  advisors: AdvisorActivity[],
): Figures {
  const awardedBy = new Map(awarded.map((m) => [m.month, m.count]));
  const revokedBy = new Map(revoked.map((m) => [m.month, m.count]));
  const monthly = keys.map((month) => ({ month, awarded: awardedBy.get(month) ?? 0, revoked: revokedBy.get(month) ?? 0 }));
  const byKey = new Map<string, number>();
  let otherBadges = 0;
  for (const b of badgeClasses) {
    if (b.catalogueKey) byKey.set(b.catalogueKey, (byKey.get(b.catalogueKey) ?? 0) + b.awarded);
  }
  const competences = COMPETENCES.map((competence) => {
    const levels = Object.fromEntries(LEVELS.map((level) => [level, byKey.get(`${competence}-${level}`) ?? 0])) as Record<Level, number>;
    return { competence, name: competenceNames.get(competence) ?? competence, levels, total: LEVELS.reduce((n, l) => n + levels[l], 0) };
  });
  const regionalKeys = new Set([...COMPETENCES.flatMap((c) => LEVELS.map((l) => `${c}-${l}`)), GENERAL_BADGE_KEY]);
  for (const b of badgeClasses) if (!b.catalogueKey || !regionalKeys.has(b.catalogueKey)) otherBadges += b.awarded;
  return {
    months,
    since,
    monthly,
    awardedInPeriod: monthly.reduce((n, m) => n + m.awarded, 0),
    revokedInPeriod: monthly.reduce((n, m) => n + m.revoked, 0),
    competences,
    generalBadge: byKey.get(GENERAL_BADGE_KEY) ?? 0,
    otherBadges,
    badgeClasses,
    advisors,
  };
}
