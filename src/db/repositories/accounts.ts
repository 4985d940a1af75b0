import { and, asc, count, eq, gt, isNull } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { memberships, type MembershipRole, oneTimeTokens, sessions, structures, users } from '../schema.ts';

/**
 * Accounts and their links: password changes, the sessions a reset ends,
 * invitations waiting for an answer, members' roles, and the structure's
 * public profile.
 */

export async function setUserPassword(db: Database, userId: string, passwordHash: string): Promise<void> {
  await db.update(users).set({ passwordHash }).where(eq(users.id, userId));
}

export async function setUserNameAndPassword(db: Database, userId: string, name: string, passwordHash: string): Promise<void> {
  await db.update(users).set({ name, passwordHash }).where(eq(users.id, userId));
}

/** Ends every session of a person (after a password reset). */
export async function deleteSessionsOfUser(db: Database, userId: string): Promise<number> {
  const rows = await db.delete(sessions).where(eq(sessions.userId, userId)).returning({ idHash: sessions.idHash });
  return rows.length;
}

/**
 * How many links of this purpose made for this address are still within
 * their validity (used or not). Counted by expiry, which the service sets
 * from its own clock, rather than by creation time, which the database sets.
 */
export async function countLiveTokens(db: Database, purpose: 'password-reset' | 'invitation', email: string, now: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(oneTimeTokens)
    .where(and(eq(oneTimeTokens.purpose, purpose), eq(oneTimeTokens.email, email), gt(oneTimeTokens.expiresAt, now)));
  return Number(row?.n ?? 0);
}

export interface PendingInvitation {
  /** The SHA-256 of the link's token: names the invitation in forms, and cannot open it. */
  id: string;
  email: string;
  role: MembershipRole;
  createdAt: Date;
  expiresAt: Date;
  invitedBy: string | null;
}

/** The structure's invitations not yet accepted (expired ones included, so they can be sent again). */
export async function listOpenInvitations(db: Database, structureId: string): Promise<PendingInvitation[]> {
  const rows = await db
    .select({
      id: oneTimeTokens.tokenHash,
      email: oneTimeTokens.email,
      role: oneTimeTokens.role,
      createdAt: oneTimeTokens.createdAt,
      expiresAt: oneTimeTokens.expiresAt,
      invitedBy: users.name,
    })
    .from(oneTimeTokens)
    .leftJoin(users, eq(users.id, oneTimeTokens.createdByUserId))
    .where(and(eq(oneTimeTokens.purpose, 'invitation'), eq(oneTimeTokens.structureId, structureId), isNull(oneTimeTokens.usedAt)))
    .orderBy(asc(oneTimeTokens.email), asc(oneTimeTokens.createdAt));
  return rows.map((r) => ({ ...r, role: r.role ?? 'advisor' }));
}

/** One open invitation of this structure, by its id (the token's hash). */
export async function findOpenInvitation(db: Database, structureId: string, id: string) {
  const [row] = await db
    .select()
    .from(oneTimeTokens)
    .where(
      and(
        eq(oneTimeTokens.tokenHash, id),
        eq(oneTimeTokens.purpose, 'invitation'),
        eq(oneTimeTokens.structureId, structureId),
        isNull(oneTimeTokens.usedAt),
      ),
    );
  return row;
}

/** Withdraws open invitations of this structure: one (by id), or all those sent to an address. */
export async function deleteOpenInvitations(db: Database, structureId: string, which: { id: string } | { email: string }): Promise<number> {
  const rows = await db
    .delete(oneTimeTokens)
    .where(
      and(
        eq(oneTimeTokens.purpose, 'invitation'),
        eq(oneTimeTokens.structureId, structureId),
        isNull(oneTimeTokens.usedAt),
        'id' in which ? eq(oneTimeTokens.tokenHash, which.id) : eq(oneTimeTokens.email, which.email),
      ),
    )
    .returning({ id: oneTimeTokens.tokenHash });
  return rows.length;
}

export async function countAdmins(db: Database, structureId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(memberships)
    .where(and(eq(memberships.structureId, structureId), eq(memberships.role, 'admin')));
  return Number(row?.n ?? 0);
}

export async function setMembershipRole(db: Database, userId: string, structureId: string, role: MembershipRole): Promise<void> {
  await db
    .update(memberships)
    .set({ role })
    .where(and(eq(memberships.userId, userId), eq(memberships.structureId, structureId)));
}

export async function deleteMembership(db: Database, userId: string, structureId: string): Promise<boolean> {
  const rows = await db
    .delete(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.structureId, structureId)))
    .returning({ userId: memberships.userId });
  return rows.length > 0;
}

export interface StructureProfileValues {
  name: string;
  url: string;
  email: string;
  description: string | null;
  telephone: string | null;
}

export async function updateStructureProfile(db: Database, structureId: string, values: StructureProfileValues): Promise<void> {
  await db.update(structures).set(values).where(eq(structures.id, structureId));
}

export async function updateStructureLogo(
  db: Database,
  structureId: string,
  logo: { mime: string; bytes: Uint8Array } | null,
): Promise<void> {
  await db
    .update(structures)
    .set({ logoMime: logo?.mime ?? null, logo: logo?.bytes ?? null })
    .where(eq(structures.id, structureId));
}
