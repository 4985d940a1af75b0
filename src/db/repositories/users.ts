import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { memberships, type MembershipRole, structures, users } from '../schema.ts';

export type UserRow = typeof users.$inferSelect;
export type MembershipRow = typeof memberships.$inferSelect;

export async function findUserByEmail(db: Database, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, email));
  return row;
}

export async function insertUser(db: Database, values: typeof users.$inferInsert): Promise<UserRow> {
  const [row] = await db.insert(users).values(values).returning();
  return row!;
}

export async function insertMembership(db: Database, values: typeof memberships.$inferInsert): Promise<MembershipRow> {
  const [row] = await db
    .insert(memberships)
    .values(values)
    .onConflictDoUpdate({ target: [memberships.userId, memberships.structureId], set: { role: values.role } })
    .returning();
  return row!;
}

export async function findUserById(db: Database, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

/** A structure a user belongs to, with its name: what the structure switcher lists. */
export interface UserMembership {
  structureId: string;
  structureName: string;
  role: MembershipRole;
}

export async function listMembershipsOfUser(db: Database, userId: string): Promise<UserMembership[]> {
  return db
    .select({ structureId: memberships.structureId, structureName: structures.name, role: memberships.role })
    .from(memberships)
    .innerJoin(structures, eq(structures.id, memberships.structureId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(structures.name), asc(structures.id));
}

export async function findMembership(db: Database, userId: string, structureId: string): Promise<MembershipRow | undefined> {
  const [row] = await db
    .select()
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.structureId, structureId)));
  return row;
}

export interface StructureMember {
  userId: string;
  name: string;
  email: string;
  role: MembershipRole;
  since: Date;
}

export async function listMembersOfStructure(db: Database, structureId: string): Promise<StructureMember[]> {
  return db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      role: memberships.role,
      since: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.structureId, structureId))
    .orderBy(asc(memberships.role), asc(users.name), asc(users.id));
}
