import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { type MembershipRole, type OneTimeTokenPurpose, oneTimeTokens } from '../schema.ts';

export type OneTimeTokenRow = typeof oneTimeTokens.$inferSelect;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Makes a link token (32 random bytes, base64url) and stores only its hash. Returns the token to put in the link. */
export async function createOneTimeToken(
  db: Database,
  values: {
    purpose: OneTimeTokenPurpose;
    email: string;
    createdAt: Date;
    expiresAt: Date;
    userId?: string | null;
    structureId?: string | null;
    role?: MembershipRole | null;
    createdByUserId?: string | null;
  },
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.insert(oneTimeTokens).values({ ...values, email: values.email.trim().toLowerCase(), tokenHash: hashToken(token) });
  return token;
}

/**
 * Many link tokens in one insert (a bulk award's sign-in links): same scheme
 * as createOneTimeToken. Returns the tokens in the order of `values`.
 */
export async function createOneTimeTokens(
  db: Database,
  values: { purpose: OneTimeTokenPurpose; email: string; createdAt: Date; expiresAt: Date; createdByUserId?: string | null }[],
): Promise<string[]> {
  if (values.length === 0) return [];
  const tokens = values.map(() => randomBytes(32).toString('base64url'));
  // 7 columns a row: well under PostgreSQL's 65,535 parameters per statement.
  for (let start = 0; start < values.length; start += 5000) {
    await db.insert(oneTimeTokens).values(
      values.slice(start, start + 5000).map((v, i) => ({
        ...v,
        email: v.email.trim().toLowerCase(),
        tokenHash: hashToken(tokens[start + i]!),
      })),
    );
  }
  return tokens;
}

/** The token's row of this purpose whatever its state (used, expired): to say why a link no longer works. */
export async function findOneTimeToken(db: Database, purpose: OneTimeTokenPurpose, token: string): Promise<OneTimeTokenRow | undefined> {
  const [row] = await db
    .select()
    .from(oneTimeTokens)
    .where(and(eq(oneTimeTokens.tokenHash, hashToken(token)), eq(oneTimeTokens.purpose, purpose)));
  return row;
}

/** The token's row if it is of this purpose, unused and unexpired; it does not use it. */
export async function findUsableToken(
  db: Database,
  purpose: OneTimeTokenPurpose,
  token: string,
  now: Date,
): Promise<OneTimeTokenRow | undefined> {
  const [row] = await db
    .select()
    .from(oneTimeTokens)
    .where(
      and(
        eq(oneTimeTokens.tokenHash, hashToken(token)),
        eq(oneTimeTokens.purpose, purpose),
        isNull(oneTimeTokens.usedAt),
        gt(oneTimeTokens.expiresAt, now),
      ),
    );
  return row;
}

/**
 * Uses the token: one conditional update, so two clicks racing each other
 * cannot both succeed. Call it inside the transaction of what the link does.
 */
export async function consumeOneTimeToken(
  db: Database,
  purpose: OneTimeTokenPurpose,
  token: string,
  now: Date,
): Promise<OneTimeTokenRow | undefined> {
  const [row] = await db
    .update(oneTimeTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(oneTimeTokens.tokenHash, hashToken(token)),
        eq(oneTimeTokens.purpose, purpose),
        isNull(oneTimeTokens.usedAt),
        gt(oneTimeTokens.expiresAt, now),
      ),
    )
    .returning();
  return row;
}

/**
 * Uses up every other live link of this purpose for this address: once a
 * password is reset, the other reset links someone else may hold stop working.
 */
export async function consumeAllTokensOf(db: Database, purpose: OneTimeTokenPurpose, email: string, now: Date): Promise<void> {
  await db
    .update(oneTimeTokens)
    .set({ usedAt: now })
    .where(and(eq(oneTimeTokens.email, email.trim().toLowerCase()), eq(oneTimeTokens.purpose, purpose), isNull(oneTimeTokens.usedAt)));
}
