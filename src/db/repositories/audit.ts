import { desc, eq } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { auditEvents } from '../schema.ts';

export type AuditEventRow = typeof auditEvents.$inferSelect;

export async function insertAuditEvent(db: Database, values: typeof auditEvents.$inferInsert): Promise<void> {
  await db.insert(auditEvents).values(values);
}

export async function insertAuditEvents(db: Database, values: (typeof auditEvents.$inferInsert)[]): Promise<void> {
  if (values.length) await db.insert(auditEvents).values(values);
}

export async function listAuditEvents(db: Database, structureId: string, limit = 100): Promise<AuditEventRow[]> {
  return db
    .select()
    .from(auditEvents)
    .where(eq(auditEvents.structureId, structureId))
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(limit);
}
