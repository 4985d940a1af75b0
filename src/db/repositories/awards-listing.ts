import { aliasedTable, and, asc, count, desc, eq, gte, isNotNull, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { apiTokens, assertions, badgeClasses, type EvidenceRecord, memberships, outboxMessages, users } from '../schema.ts';

/**
 * What the workspace lists of a structure's awards, and what the pages about
 * them need to name people: every query takes the structure's id first, so
 * that one structure never reads another's rows.
 */

export type AwardStatusFilter = 'valid' | 'expired' | 'revoked';

export interface AwardListFilter {
  structureId: string;
  /** Part of the learner's name or email, matched without regard to case. */
  search?: string;
  badgeClassId?: string;
  /** A member's user id, or 'api' for awards made with an API token. */
  awardedBy?: string;
  status?: AwardStatusFilter;
  /** Calendar days (YYYY-MM-DD), both included, in the programme's time zone. */
  from?: string;
  to?: string;
  now: Date;
  limit: number;
  offset: number;
}

export interface AwardListRow {
  id: string;
  recipientName: string;
  recipientEmail: string;
  badgeClassId: string;
  badgeClassName: string;
  issuedOn: Date;
  expires: Date | null;
  revokedAt: Date | null;
  awardedByUserId: string | null;
  awardedByName: string | null;
  awardedByTokenId: string | null;
  awardedByTokenName: string | null;
}

/** The days of the filters are days in Normandy, whatever the server's time zone. */
export const PROGRAMME_TIME_ZONE = 'Europe/Paris';

/** A LIKE pattern that matches the text literally: %, _ and \ typed by someone are not wildcards. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function listConditions(filter: AwardListFilter): SQL | undefined {
  const conditions: (SQL | undefined)[] = [eq(assertions.structureId, filter.structureId)];
  if (filter.search) {
    const pattern = containsPattern(filter.search);
    conditions.push(
      or(sql`${assertions.recipientName} ilike ${pattern} escape '\\'`, sql`${assertions.recipientEmail} ilike ${pattern} escape '\\'`),
    );
  }
  if (filter.badgeClassId) conditions.push(eq(assertions.badgeClassId, filter.badgeClassId));
  if (filter.awardedBy === 'api') conditions.push(isNotNull(assertions.awardedByTokenId));
  else if (filter.awardedBy) conditions.push(eq(assertions.awardedByUserId, filter.awardedBy));
  if (filter.status === 'revoked') conditions.push(isNotNull(assertions.revokedAt));
  // The SQL form of awardStatus (src/services/rules/award-status.ts): expired once `expires` is past, not at it.
  if (filter.status === 'expired') {
    conditions.push(
      isNull(assertions.revokedAt),
      isNotNull(assertions.expires),
      sql`${assertions.expires} < ${filter.now.toISOString()}::timestamptz`,
    );
  }
  if (filter.status === 'valid') {
    conditions.push(
      isNull(assertions.revokedAt),
      or(isNull(assertions.expires), sql`${assertions.expires} >= ${filter.now.toISOString()}::timestamptz`),
    );
  }
  if (filter.from) {
    conditions.push(gte(assertions.issuedOn, sql`(${filter.from}::date::timestamp at time zone ${PROGRAMME_TIME_ZONE})`));
  }
  if (filter.to) {
    conditions.push(lt(assertions.issuedOn, sql`((${filter.to}::date + 1)::timestamp at time zone ${PROGRAMME_TIME_ZONE})`));
  }
  return and(...conditions);
}

/**
 * One page of awards, newest first. The order is total (issued_on, then id),
 * so a page never repeats or skips a row when several share a second.
 */
export async function listAwards(db: Database, filter: AwardListFilter): Promise<{ rows: AwardListRow[]; total: number }> {
  const where = listConditions(filter);
  const [rows, [totalRow]] = await Promise.all([
    db
      .select({
        id: assertions.id,
        recipientName: assertions.recipientName,
        recipientEmail: assertions.recipientEmail,
        badgeClassId: assertions.badgeClassId,
        badgeClassName: badgeClasses.name,
        issuedOn: assertions.issuedOn,
        expires: assertions.expires,
        revokedAt: assertions.revokedAt,
        awardedByUserId: assertions.awardedByUserId,
        awardedByName: users.name,
        awardedByTokenId: assertions.awardedByTokenId,
        awardedByTokenName: apiTokens.name,
      })
      .from(assertions)
      .innerJoin(badgeClasses, eq(badgeClasses.id, assertions.badgeClassId))
      .leftJoin(users, eq(users.id, assertions.awardedByUserId))
      .leftJoin(apiTokens, eq(apiTokens.id, assertions.awardedByTokenId))
      .where(where)
      .orderBy(desc(assertions.issuedOn), desc(assertions.id))
      .limit(filter.limit)
      .offset(filter.offset),
    db.select({ total: count() }).from(assertions).where(where),
  ]);
  return { rows, total: Number(totalRow?.total ?? 0) };
}

/**
 * The next `limit` awards after `after` (the last of the previous batch), in
 * the list's order, for an export of the whole filtered list: each batch is
 * bounded, so the export's memory does not grow with the list.
 */
export async function listAwardBatch(
  db: Database,
  filter: Omit<AwardListFilter, 'limit' | 'offset'>,
  after: { issuedOn: Date; id: string } | null,
  limit: number,
): Promise<AwardExportRow[]> {
  const where = and(
    listConditions({ ...filter, limit, offset: 0 }),
    after ? sql`(${assertions.issuedOn}, ${assertions.id}) < (${after.issuedOn.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
  );
  return db
    .select({
      id: assertions.id,
      recipientName: assertions.recipientName,
      recipientEmail: assertions.recipientEmail,
      badgeClassId: assertions.badgeClassId,
      badgeClassName: badgeClasses.name,
      badgeClassVersion: badgeClasses.version,
      issuedOn: assertions.issuedOn,
      expires: assertions.expires,
      revokedAt: assertions.revokedAt,
      revocationReason: assertions.revocationReason,
      erasedAt: assertions.erasedAt,
      awardedByUserId: assertions.awardedByUserId,
      awardedByName: users.name,
      awardedByTokenId: assertions.awardedByTokenId,
      awardedByTokenName: apiTokens.name,
    })
    .from(assertions)
    .innerJoin(badgeClasses, eq(badgeClasses.id, assertions.badgeClassId))
    .leftJoin(users, eq(users.id, assertions.awardedByUserId))
    .leftJoin(apiTokens, eq(apiTokens.id, assertions.awardedByTokenId))
    .where(where)
    .orderBy(desc(assertions.issuedOn), desc(assertions.id))
    .limit(limit);
}

export interface AwardExportRow extends AwardListRow {
  badgeClassVersion: number;
  revocationReason: string | null;
  /** Set once the learner had their data erased: the row names nobody. */
  erasedAt: Date | null;
}

export interface AwardDetailRow {
  id: string;
  structureId: string;
  badgeClassId: string;
  badgeClassName: string;
  badgeClassArchivedAt: Date | null;
  recipientName: string;
  recipientEmail: string;
  recipientNameHidden: boolean;
  erasedAt: Date | null;
  issuedOn: Date;
  expires: Date | null;
  evidence: EvidenceRecord[];
  narrative: string | null;
  createdAt: Date;
  awardedByUserId: string | null;
  awardedByName: string | null;
  awardedByTokenId: string | null;
  awardedByTokenName: string | null;
  revokedAt: Date | null;
  revocationReason: string | null;
  revokedByName: string | null;
  revokedByTokenName: string | null;
}

const revoker = aliasedTable(users, 'revoker');
const revokerToken = aliasedTable(apiTokens, 'revoker_token');

/** One award of the structure with the names of who awarded and revoked it; undefined if it is not the structure's. */
export async function findAwardDetail(db: Database, structureId: string, id: string): Promise<AwardDetailRow | undefined> {
  const [row] = await db
    .select({
      id: assertions.id,
      structureId: assertions.structureId,
      badgeClassId: assertions.badgeClassId,
      badgeClassName: badgeClasses.name,
      badgeClassArchivedAt: badgeClasses.archivedAt,
      recipientName: assertions.recipientName,
      recipientEmail: assertions.recipientEmail,
      recipientNameHidden: assertions.recipientNameHidden,
      erasedAt: assertions.erasedAt,
      issuedOn: assertions.issuedOn,
      expires: assertions.expires,
      evidence: assertions.evidence,
      narrative: assertions.narrative,
      createdAt: assertions.createdAt,
      awardedByUserId: assertions.awardedByUserId,
      awardedByName: users.name,
      awardedByTokenId: assertions.awardedByTokenId,
      awardedByTokenName: apiTokens.name,
      revokedAt: assertions.revokedAt,
      revocationReason: assertions.revocationReason,
      revokedByName: revoker.name,
      revokedByTokenName: revokerToken.name,
    })
    .from(assertions)
    .innerJoin(badgeClasses, eq(badgeClasses.id, assertions.badgeClassId))
    .leftJoin(users, eq(users.id, assertions.awardedByUserId))
    .leftJoin(apiTokens, eq(apiTokens.id, assertions.awardedByTokenId))
    .leftJoin(revoker, eq(revoker.id, assertions.revokedByUserId))
    .leftJoin(revokerToken, eq(revokerToken.id, assertions.revokedByTokenId))
    .where(and(eq(assertions.id, id), eq(assertions.structureId, structureId)));
  return row;
}

export interface AwardMailRow {
  id: string;
  kind: string;
  toAddress: string;
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'held' | 'suppressed';
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** The emails sent (or to send) about one award, newest first. */
export async function listAwardMails(db: Database, structureId: string, assertionId: string): Promise<AwardMailRow[]> {
  return db
    .select({
      id: outboxMessages.id,
      kind: outboxMessages.kind,
      toAddress: outboxMessages.toAddress,
      status: outboxMessages.status,
      attempts: outboxMessages.attempts,
      lastError: outboxMessages.lastError,
      createdAt: outboxMessages.createdAt,
      sentAt: outboxMessages.sentAt,
    })
    .from(outboxMessages)
    .where(and(eq(outboxMessages.assertionId, assertionId), eq(outboxMessages.structureId, structureId)))
    .orderBy(desc(outboxMessages.createdAt), desc(outboxMessages.id));
}

/** The badge classes a structure's awards can be filtered by: all of its own, archived ones included. */
export async function listBadgeClassChoices(
  db: Database,
  structureId: string,
): Promise<{ id: string; name: string; version: number; archived: boolean }[]> {
  const rows = await db
    .select({ id: badgeClasses.id, name: badgeClasses.name, version: badgeClasses.version, archivedAt: badgeClasses.archivedAt })
    .from(badgeClasses)
    .where(eq(badgeClasses.structureId, structureId))
    .orderBy(asc(badgeClasses.position), asc(badgeClasses.name), asc(badgeClasses.version), asc(badgeClasses.id));
  return rows.map((r) => ({ id: r.id, name: r.name, version: r.version, archived: r.archivedAt !== null }));
}

/** The structure's members, who may have awarded its badges. */
export async function listAdvisorChoices(db: Database, structureId: string): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: users.id, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.structureId, structureId))
    .orderBy(asc(users.name), asc(users.id));
}

export interface ApiTokenListRow {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  createdByName: string | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** The structure's API tokens with the name of who created each: live ones first, then newest first. */
export async function listApiTokensWithCreators(db: Database, structureId: string): Promise<ApiTokenListRow[]> {
  return db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      createdAt: apiTokens.createdAt,
      createdByName: users.name,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.createdByUserId))
    .where(eq(apiTokens.structureId, structureId))
    .orderBy(sql`${apiTokens.revokedAt} is not null`, desc(apiTokens.createdAt), desc(apiTokens.id));
}

export async function findApiTokenOfStructure(db: Database, structureId: string, id: string): Promise<ApiTokenListRow | undefined> {
  const [row] = await db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      createdAt: apiTokens.createdAt,
      createdByName: users.name,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.createdByUserId))
    .where(and(eq(apiTokens.id, id), eq(apiTokens.structureId, structureId)));
  return row;
}
