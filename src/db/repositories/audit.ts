import { and, asc, type Column, count, desc, eq, gte, inArray, isNotNull, lt, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../database.ts';
import {
  apiTokens,
  assertions,
  auditEvents,
  awardImports,
  badgeClasses,
  catalogueEntries,
  memberships,
  structures,
  users,
} from '../schema.ts';
import { PROGRAMME_TIME_ZONE } from './awards-listing.ts';

export async function insertAuditEvent(db: Database, values: typeof auditEvents.$inferInsert): Promise<void> {
  await db.insert(auditEvents).values(values);
}

/**
 * Which events: of one structure's trail, or (null, for the Région only) of
 * the whole region, the platform's own events included; by whom, of which
 * kind, between which days (both included, in Normandy).
 */
export interface AuditFilter {
  structureId: string | null;
  /** A user's id, or 'api', 'system', 'cli' for the events no person did. */
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
}

export interface AuditListRow {
  id: number;
  at: Date;
  action: string;
  actorKind: string;
  actorUserId: string | null;
  actorUserName: string | null;
  actorTokenName: string | null;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
  /** The structure the event belongs to (null: the platform's own). */
  structureName: string | null;
}

/** No structure has it: a join on it finds no membership. */
const NO_STRUCTURE = '00000000-0000-0000-0000-000000000000';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function auditConditions(filter: AuditFilter): SQL | undefined {
  const conditions: (SQL | undefined)[] = [filter.structureId === null ? undefined : eq(auditEvents.structureId, filter.structureId)];
  if (filter.action) conditions.push(eq(auditEvents.action, filter.action));
  if (filter.actor === 'api') conditions.push(eq(auditEvents.actorKind, 'token'));
  else if (filter.actor === 'system' || filter.actor === 'cli') conditions.push(eq(auditEvents.actorKind, filter.actor));
  else if (filter.actor) conditions.push(eq(auditEvents.actorUserId, filter.actor));
  if (filter.from) conditions.push(gte(auditEvents.at, sql`(${filter.from}::date::timestamp at time zone ${PROGRAMME_TIME_ZONE})`));
  if (filter.to) conditions.push(lt(auditEvents.at, sql`((${filter.to}::date + 1)::timestamp at time zone ${PROGRAMME_TIME_ZONE})`));
  return and(...conditions);
}

function selectAuditRows(db: Database, where: SQL | undefined) {
  return db
    .select({
      id: auditEvents.id,
      at: auditEvents.at,
      action: auditEvents.action,
      actorKind: auditEvents.actorKind,
      actorUserId: auditEvents.actorUserId,
      actorUserName: users.name,
      actorTokenName: apiTokens.name,
      targetType: auditEvents.targetType,
      targetId: auditEvents.targetId,
      details: auditEvents.details,
      structureName: structures.name,
    })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorUserId))
    .leftJoin(apiTokens, eq(apiTokens.id, auditEvents.actorTokenId))
    .leftJoin(structures, eq(structures.id, auditEvents.structureId))
    .where(where)
    .orderBy(desc(auditEvents.at), desc(auditEvents.id));
}

/** One page of the structure's audit trail, newest first (the (structure_id, at) index serves it). */
export async function listAuditTrail(
  db: Database,
  filter: AuditFilter & { limit: number; offset: number },
): Promise<{ rows: AuditListRow[]; total: number }> {
  const where = auditConditions(filter);
  const [rows, [totalRow]] = await Promise.all([
    selectAuditRows(db, where).limit(filter.limit).offset(filter.offset),
    db.select({ total: count() }).from(auditEvents).where(where),
  ]);
  return { rows, total: Number(totalRow?.total ?? 0) };
}

/**
 * The next `limit` events after `after` (the last one of the previous batch),
 * newest first: an export reads the whole trail in batches of bounded size,
 * whatever its length, and an event written meanwhile neither repeats nor
 * shifts a row.
 */
export function listAuditBatch(
  db: Database,
  filter: AuditFilter,
  after: { at: Date; id: number } | null,
  limit: number,
): Promise<AuditListRow[]> {
  const where = and(
    auditConditions(filter),
    after ? sql`(${auditEvents.at}, ${auditEvents.id}) < (${after.at.toISOString()}::timestamptz, ${after.id})` : undefined,
  );
  return selectAuditRows(db, where).limit(limit);
}

const ofTrail = (structureId: string | null) => (structureId === null ? undefined : eq(auditEvents.structureId, structureId));

/** The kinds of event the trail holds, for the filter. */
export async function listAuditActions(db: Database, structureId: string | null): Promise<string[]> {
  const rows = await db
    .selectDistinct({ action: auditEvents.action })
    .from(auditEvents)
    .where(ofTrail(structureId))
    .orderBy(asc(auditEvents.action));
  return rows.map((r) => r.action);
}

/** The people who appear in the trail, for the filter, by name. */
export async function listAuditPeople(db: Database, structureId: string | null): Promise<{ id: string; name: string }[]> {
  const rows = await db
    .selectDistinct({ id: users.id, name: users.name })
    .from(auditEvents)
    .innerJoin(users, eq(users.id, auditEvents.actorUserId))
    .where(and(ofTrail(structureId), isNotNull(auditEvents.actorUserId)))
    .orderBy(asc(users.name), asc(users.id));
  return rows;
}

/** What the trail's events name, as it is now: read at each reading, so a deleted or erased thing is said to be gone. */
export interface AuditReferences {
  users: Map<string, { name: string; email: string; member: boolean }>;
  badgeClasses: Map<string, { name: string; version: number }>;
  assertions: Map<string, { recipientName: string; erased: boolean; badgeClassName: string }>;
  imports: Map<string, { fileName: string }>;
  tokens: Map<string, { name: string }>;
  catalogueEntries: Map<string, { name: string }>;
  structures: Map<string, { name: string }>;
}

const uuids = (values: Iterable<unknown>) => [...new Set([...values].filter((v): v is string => typeof v === 'string' && UUID.test(v)))];

/**
 * The names of what a batch of events points to, in one query per kind of
 * thing, each scoped to the structure whose trail is read (a user is named
 * wherever they are; whether they are still a member is of this structure).
 * For the whole region's trail (null), nothing is scoped and nobody is
 * « a member »: the Région reads every structure's events.
 */
export async function resolveAuditReferences(db: Database, structureId: string | null, rows: AuditListRow[]): Promise<AuditReferences> {
  const scoped = (column: Column) => (structureId === null ? undefined : eq(column, structureId));
  const targets = (type: string) => rows.filter((r) => r.targetType === type).map((r) => r.targetId);
  const detail = (key: string) => rows.map((r) => r.details?.[key]);
  const userIds = uuids([...targets('user'), ...detail('invitedBy')]);
  const badgeClassIds = uuids([...targets('badge_class'), ...detail('badgeClassId'), ...detail('previousVersionId')]);
  const assertionIds = uuids(targets('assertion'));
  const importIds = uuids(targets('award_import'));
  const tokenIds = uuids(targets('api_token'));
  const entryIds = uuids(targets('catalogue_entry'));
  const structureIds = uuids(targets('structure'));
  const none = Promise.resolve([]);
  const [userRows, badgeRows, assertionRows, importRows, tokenRows, entryRows, structureRows] = await Promise.all([
    userIds.length
      ? db
          .select({ id: users.id, name: users.name, email: users.email, member: memberships.userId })
          .from(users)
          .leftJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.structureId, structureId ?? NO_STRUCTURE)))
          .where(inArray(users.id, userIds))
      : none,
    badgeClassIds.length
      ? db
          .select({ id: badgeClasses.id, name: badgeClasses.name, version: badgeClasses.version })
          .from(badgeClasses)
          .where(and(inArray(badgeClasses.id, badgeClassIds), scoped(badgeClasses.structureId)))
      : none,
    assertionIds.length
      ? db
          .select({
            id: assertions.id,
            recipientName: assertions.recipientName,
            erasedAt: assertions.erasedAt,
            badgeClassName: badgeClasses.name,
          })
          .from(assertions)
          .innerJoin(badgeClasses, eq(badgeClasses.id, assertions.badgeClassId))
          .where(and(inArray(assertions.id, assertionIds), scoped(assertions.structureId)))
      : none,
    importIds.length
      ? db
          .select({ id: awardImports.id, fileName: awardImports.fileName })
          .from(awardImports)
          .where(and(inArray(awardImports.id, importIds), scoped(awardImports.structureId)))
      : none,
    tokenIds.length
      ? db
          .select({ id: apiTokens.id, name: apiTokens.name })
          .from(apiTokens)
          .where(and(inArray(apiTokens.id, tokenIds), scoped(apiTokens.structureId)))
      : none,
    entryIds.length
      ? db
          .select({ id: catalogueEntries.id, name: catalogueEntries.name })
          .from(catalogueEntries)
          .where(inArray(catalogueEntries.id, entryIds))
      : none,
    structureIds.length
      ? db.select({ id: structures.id, name: structures.name }).from(structures).where(inArray(structures.id, structureIds))
      : none,
  ]);
  return {
    users: new Map(userRows.map((u) => [u.id, { name: u.name, email: u.email, member: u.member !== null }])),
    badgeClasses: new Map(badgeRows.map((b) => [b.id, { name: b.name, version: b.version }])),
    assertions: new Map(
      assertionRows.map((a) => [a.id, { recipientName: a.recipientName, erased: a.erasedAt !== null, badgeClassName: a.badgeClassName }]),
    ),
    imports: new Map(importRows.map((i) => [i.id, { fileName: i.fileName }])),
    tokens: new Map(tokenRows.map((t) => [t.id, { name: t.name }])),
    catalogueEntries: new Map(entryRows.map((e) => [e.id, { name: e.name }])),
    structures: new Map(structureRows.map((s) => [s.id, { name: s.name }])),
  };
}
