import { and, desc, eq, isNull, lt, or } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { apiTokens, structures } from '../schema.ts';

export type ApiTokenRow = typeof apiTokens.$inferSelect;

export async function insertApiToken(db: Database, values: typeof apiTokens.$inferInsert): Promise<ApiTokenRow> {
  const [row] = await db.insert(apiTokens).values(values).returning();
  return row!;
}

/** A token not revoked, with its structure's name and whether it is closed (a closed structure's tokens are refused). */
export async function findLiveApiTokenByHash(
  db: Database,
  tokenHash: string,
): Promise<(ApiTokenRow & { structureName: string; structureClosedAt: Date | null }) | undefined> {
  const [row] = await db
    .select({ token: apiTokens, structureName: structures.name, structureClosedAt: structures.closedAt })
    .from(apiTokens)
    .innerJoin(structures, eq(structures.id, apiTokens.structureId))
    .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt)));
  return row ? { ...row.token, structureName: row.structureName, structureClosedAt: row.structureClosedAt } : undefined;
}

export async function listApiTokens(db: Database, structureId: string): Promise<ApiTokenRow[]> {
  return db.select().from(apiTokens).where(eq(apiTokens.structureId, structureId)).orderBy(desc(apiTokens.createdAt));
}

/** Records use at most once a minute, so that every API call is not also a write. */
export async function touchApiToken(db: Database, id: string, now: Date): Promise<void> {
  await db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(and(eq(apiTokens.id, id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, new Date(now.getTime() - 60_000)))));
}

export async function revokeApiToken(db: Database, structureId: string, id: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.id, id), eq(apiTokens.structureId, structureId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}
