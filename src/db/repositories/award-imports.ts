import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { type AwardImportRow, awardImports } from '../schema.ts';

export type AwardImportRecord = typeof awardImports.$inferSelect;
/** What pages show of an import: not its rows, nor its runner's claim. */
export type AwardImportSummary = Omit<AwardImportRecord, 'rows' | 'claimedUntil' | 'claimedBy'>;

const summaryColumns = {
  id: awardImports.id,
  structureId: awardImports.structureId,
  createdByUserId: awardImports.createdByUserId,
  fileName: awardImports.fileName,
  fileSha256: awardImports.fileSha256,
  encoding: awardImports.encoding,
  delimiter: awardImports.delimiter,
  status: awardImports.status,
  total: awardImports.total,
  awarded: awardImports.awarded,
  failed: awardImports.failed,
  personalMessage: awardImports.personalMessage,
  createdAt: awardImports.createdAt,
  startedAt: awardImports.startedAt,
  finishedAt: awardImports.finishedAt,
};

export async function insertAwardImport(db: Database, values: typeof awardImports.$inferInsert): Promise<AwardImportSummary> {
  const [row] = await db.insert(awardImports).values(values).returning(summaryColumns);
  return row!;
}

/** An import of this structure, rows included; undefined for another structure's. */
export async function findAwardImport(db: Database, structureId: string, id: string): Promise<AwardImportRecord | undefined> {
  const [row] = await db
    .select()
    .from(awardImports)
    .where(and(eq(awardImports.id, id), eq(awardImports.structureId, structureId)));
  return row;
}

/** Without the rows: what the progress page polls every two seconds. */
export async function findAwardImportSummary(db: Database, structureId: string, id: string): Promise<AwardImportSummary | undefined> {
  const [row] = await db
    .select(summaryColumns)
    .from(awardImports)
    .where(and(eq(awardImports.id, id), eq(awardImports.structureId, structureId)));
  return row;
}

export async function listRecentAwardImports(db: Database, structureId: string, limit: number): Promise<AwardImportSummary[]> {
  return db
    .select(summaryColumns)
    .from(awardImports)
    .where(eq(awardImports.structureId, structureId))
    .orderBy(desc(awardImports.createdAt))
    .limit(limit);
}

/** Earlier imports of the very same file by this structure that were sent to awarding. */
export async function findSentImportsOfFile(
  db: Database,
  structureId: string,
  fileSha256: string,
  exceptId: string,
): Promise<AwardImportSummary[]> {
  return db
    .select(summaryColumns)
    .from(awardImports)
    .where(
      and(
        eq(awardImports.structureId, structureId),
        eq(awardImports.fileSha256, fileSha256),
        inArray(awardImports.status, ['queued', 'running', 'done']),
        sql`${awardImports.id} <> ${exceptId}`,
      ),
    )
    .orderBy(desc(awardImports.createdAt));
}

/** preview → queued, once: a second confirmation (double click, reload) finds nothing to change. */
export async function queueAwardImport(db: Database, structureId: string, id: string): Promise<boolean> {
  const updated = await db
    .update(awardImports)
    .set({ status: 'queued' })
    .where(and(eq(awardImports.id, id), eq(awardImports.structureId, structureId), eq(awardImports.status, 'preview')))
    .returning({ id: awardImports.id });
  return updated.length > 0;
}

/** A run's hold on an import: which claim it is, and until when it holds unless renewed. */
export interface ImportClaim {
  claimedBy: string;
  claimedUntil: Date;
}

/**
 * Takes one import for this run, atomically: with several instances, SKIP
 * LOCKED lets each claim a different one and never the same. Queued imports
 * first come first; an import left 'running' by a runner that stopped
 * renewing its lease (its process died) is taken again once the lease is
 * past; its per-row idempotency keys make the second run award nothing twice.
 */
export async function claimQueuedAwardImport(db: Database, options: { now: Date } & ImportClaim): Promise<AwardImportRecord | undefined> {
  const result = await db.execute(sql`
    update award_imports
       set status = 'running', started_at = ${options.now}, claimed_until = ${options.claimedUntil}, claimed_by = ${options.claimedBy}
    where id = (
      select id from award_imports
      where status = 'queued'
         or (status = 'running' and (claimed_until is null or claimed_until < ${options.now}))
      order by created_at
      limit 1
      for update skip locked
    )
    returning id`);
  const rows = (result as unknown as { rows: { id: string }[] }).rows;
  const id = rows[0]?.id;
  if (!id) return undefined;
  const [row] = await db.select().from(awardImports).where(eq(awardImports.id, id));
  return row;
}

const ourRun = (id: string, claimedBy: string) =>
  and(eq(awardImports.id, id), eq(awardImports.status, 'running'), eq(awardImports.claimedBy, claimedBy));

/** The runner's heartbeat: its lease moved on; false when the import is no longer this run's (taken over, finished). */
export async function renewAwardImportClaim(db: Database, id: string, claim: ImportClaim): Promise<boolean> {
  const rows = await db
    .update(awardImports)
    .set({ claimedUntil: claim.claimedUntil })
    .where(ourRun(id, claim.claimedBy))
    .returning({ id: awardImports.id });
  return rows.length > 0;
}

/** Progress after each batch, which renews the lease too; false when the import is no longer this run's. */
export async function recordImportProgress(
  db: Database,
  id: string,
  values: { awarded: number; failed: number } & ImportClaim,
): Promise<boolean> {
  const rows = await db
    .update(awardImports)
    .set({ awarded: values.awarded, failed: values.failed, claimedUntil: values.claimedUntil })
    .where(ourRun(id, values.claimedBy))
    .returning({ id: awardImports.id });
  return rows.length > 0;
}

/** The end of a run; false (and nothing written) when another run holds the import now. */
export async function finishAwardImport(
  db: Database,
  id: string,
  values: { rows: AwardImportRow[]; awarded: number; failed: number; now: Date; claimedBy: string },
): Promise<boolean> {
  const rows = await db
    .update(awardImports)
    .set({
      rows: values.rows,
      awarded: values.awarded,
      failed: values.failed,
      status: 'done',
      finishedAt: values.now,
      claimedUntil: null,
      claimedBy: null,
    })
    .where(ourRun(id, values.claimedBy))
    .returning({ id: awardImports.id });
  return rows.length > 0;
}

/** A runner stopping mid-way hands the import back (if it still holds it); the next one resumes it. */
export async function requeueAwardImport(db: Database, id: string, claimedBy: string): Promise<void> {
  await db.update(awardImports).set({ status: 'queued', claimedUntil: null, claimedBy: null }).where(ourRun(id, claimedBy));
}

/** The structure's import, locked until the transaction ends (two advisors' edits never overwrite each other). */
export async function lockAwardImportOfStructure(db: Database, structureId: string, id: string) {
  const [row] = await db
    .select()
    .from(awardImports)
    .where(and(eq(awardImports.id, id), eq(awardImports.structureId, structureId)))
    .for('update');
  return row;
}

export async function setAwardImportRows(db: Database, id: string, rows: AwardImportRow[]): Promise<void> {
  await db.update(awardImports).set({ rows }).where(eq(awardImports.id, id));
}

/** Imports waiting or running. */
export async function countPendingAwardImports(db: Database): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(awardImports)
    .where(sql`${awardImports.status} in ('queued', 'running')`);
  return Number(row?.n ?? 0);
}
