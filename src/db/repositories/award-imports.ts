import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { type AwardImportRow, awardImports } from '../schema.ts';

export type AwardImportRecord = typeof awardImports.$inferSelect;
export type AwardImportSummary = Omit<AwardImportRecord, 'rows'>;

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

/**
 * Takes one queued import for this process, atomically: with several
 * instances, SKIP LOCKED lets each claim a different one and never the same.
 * An import left 'running' by an instance that died is taken again after
 * `staleAfterMs`; its per-row idempotency keys make the second run award
 * nothing twice.
 */
export async function claimQueuedAwardImport(
  db: Database,
  options: { now: Date; staleAfterMs: number },
): Promise<AwardImportRecord | undefined> {
  const staleBefore = new Date(options.now.getTime() - options.staleAfterMs);
  const result = await db.execute(sql`
    update award_imports set status = 'running', started_at = ${options.now}
    where id = (
      select id from award_imports
      where status = 'queued'
         or (status = 'running' and started_at < ${staleBefore})
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

/** Progress after each batch; started_at doubles as the runner's heartbeat. */
export async function recordImportProgress(
  db: Database,
  id: string,
  values: { awarded: number; failed: number; now: Date },
): Promise<void> {
  await db
    .update(awardImports)
    .set({ awarded: values.awarded, failed: values.failed, startedAt: values.now })
    .where(and(eq(awardImports.id, id), eq(awardImports.status, 'running')));
}

export async function finishAwardImport(
  db: Database,
  id: string,
  values: { rows: AwardImportRow[]; awarded: number; failed: number; now: Date },
): Promise<void> {
  await db
    .update(awardImports)
    .set({ rows: values.rows, awarded: values.awarded, failed: values.failed, status: 'done', finishedAt: values.now })
    .where(eq(awardImports.id, id));
}

/** A runner stopping mid-way hands the import back; the next one resumes it. */
export async function requeueAwardImport(db: Database, id: string): Promise<void> {
  await db
    .update(awardImports)
    .set({ status: 'queued' })
    .where(and(eq(awardImports.id, id), eq(awardImports.status, 'running')));
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
