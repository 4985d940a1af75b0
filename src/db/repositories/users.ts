import { and, asc, eq, isNull } from 'drizzle-orm';
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
  /** What tells it apart from another of the person's structures of the same name (its site); null when its name is alone. */
  structureDetail: string | null;
}

/** A membership as stored, with what the switcher needs to tell structures apart and whether the structure is closed. */
export interface MembershipListing {
  structureId: string;
  structureName: string;
  structureUrl: string;
  structureEmail: string;
  role: MembershipRole;
  closedAt: Date | null;
}

/** The structures a user belongs to, closed ones included (`closedAt` says which), by name. */
export async function listAllMembershipsOfUser(db: Database, userId: string): Promise<MembershipListing[]> {
  return db
    .select({
      structureId: memberships.structureId,
      structureName: structures.name,
      structureUrl: structures.url,
      structureEmail: structures.email,
      role: memberships.role,
      closedAt: structures.closedAt,
    })
    .from(memberships)
    .innerJoin(structures, eq(structures.id, memberships.structureId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(structures.name), asc(structures.id));
}

/** The open structures a user belongs to: where a session may work. A closed structure is nobody's workspace. */
export async function listMembershipsOfUser(db: Database, userId: string): Promise<{ structureId: string }[]> {
  return db
    .select({ structureId: memberships.structureId })
    .from(memberships)
    .innerJoin(structures, eq(structures.id, memberships.structureId))
    .where(and(eq(memberships.userId, userId), isNull(structures.closedAt)))
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
