import { and, eq, lt } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { formSubmissions } from '../schema.ts';

/** Records a form's one-time key; false when it was already there (the same form sent again). */
export async function claimFormSubmission(db: Database, values: { userId: string; key: string; createdAt: Date }): Promise<boolean> {
  const rows = await db.insert(formSubmissions).values(values).onConflictDoNothing().returning({ key: formSubmissions.key });
  return rows.length === 1;
}

/** Forgets one person's keys of forms that can no longer be posted (older than any session). */
export async function deleteFormSubmissionsBefore(db: Database, userId: string, before: Date): Promise<void> {
  await db.delete(formSubmissions).where(and(eq(formSubmissions.userId, userId), lt(formSubmissions.createdAt, before)));
}
