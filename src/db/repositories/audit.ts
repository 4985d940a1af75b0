import type { Database } from '../database.ts';
import { auditEvents } from '../schema.ts';

export async function insertAuditEvent(db: Database, values: typeof auditEvents.$inferInsert): Promise<void> {
  await db.insert(auditEvents).values(values);
}
