import type { Database } from '../database.ts';
import { formSubmissions } from '../schema.ts';

/** Records a form's one-time key; false when it was already there (the same form sent again). */
export async function claimFormSubmission(db: Database, values: { userId: string; key: string; createdAt: Date }): Promise<boolean> {
  const rows = await db.insert(formSubmissions).values(values).onConflictDoNothing().returning({ key: formSubmissions.key });
  return rows.length === 1;
}
