import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  // node-postgres hands back a Buffer, PGlite a Uint8Array: both are Uint8Array.
  fromDriver: (value) => value,
});

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** A support structure: the Open Badges issuer. */
export const structures = pgTable('structures', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  url: text('url').notNull(),
  email: text('email').notNull(),
  description: text('description'),
  telephone: text('telephone'),
  logoMime: text('logo_mime'),
  logo: bytea('logo'),
  createdAt: createdAt(),
});

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash'),
    isPlatformAdmin: boolean('is_platform_admin').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('users_email_key').on(t.email)],
);

export type MembershipRole = 'admin' | 'advisor';

export const memberships = pgTable(
  'memberships',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    structureId: uuid('structure_id')
      .notNull()
      .references(() => structures.id),
    role: text('role').$type<MembershipRole>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.structureId] }), index('memberships_structure_idx').on(t.structureId)],
);

export interface AlignmentRecord {
  targetName: string;
  /** An absolute URL, or a path on this platform (published on PUBLIC_URL). */
  targetUrl: string;
  targetDescription?: string;
  targetFramework?: string;
  targetCode?: string;
}

export const badgeClasses = pgTable(
  'badge_classes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    structureId: uuid('structure_id')
      .notNull()
      .references(() => structures.id),
    /** The regional catalogue entry this badge class was made from, if any. */
    catalogueKey: text('catalogue_key'),
    /** Where it stands in the structure's list: the catalogue's own order, then the structure's badges. */
    position: integer('position').notNull().default(0),
    name: text('name').notNull(),
    description: text('description').notNull(),
    criteriaNarrative: text('criteria_narrative').notNull(),
    tags: jsonb('tags').$type<string[]>().notNull().default([]),
    alignment: jsonb('alignment').$type<AlignmentRecord[]>().notNull().default([]),
    /** Days an assertion stays valid; sets the assertion's `expires`. */
    validityDays: integer('validity_days'),
    imageSvg: text('image_svg'),
    imagePng: bytea('image_png').notNull(),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index('badge_classes_structure_idx').on(t.structureId),
    uniqueIndex('badge_classes_structure_catalogue_key')
      .on(t.structureId, t.catalogueKey)
      .where(sql`${t.catalogueKey} is not null and ${t.archivedAt} is null`),
  ],
);

/**
 * RSA keys that sign a structure's assertions. The private key is stored only
 * encrypted under the master key. Exactly one key per structure is active
 * (retired_at is null); retired keys stay published for old signed files.
 */
export const signingKeys = pgTable(
  'signing_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    structureId: uuid('structure_id')
      .notNull()
      .references(() => structures.id),
    publicKeyPem: text('public_key_pem').notNull(),
    privateKeyEncrypted: text('private_key_encrypted').notNull(),
    createdAt: createdAt(),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('signing_keys_one_active').on(t.structureId).where(sql`${t.retiredAt} is null`),
  ],
);

export interface EvidenceRecord {
  narrative?: string;
  url?: string;
}

export const assertions = pgTable(
  'assertions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    structureId: uuid('structure_id')
      .notNull()
      .references(() => structures.id),
    badgeClassId: uuid('badge_class_id')
      .notNull()
      .references(() => badgeClasses.id),
    /** Trimmed and lower-cased; published only as a salted hash. */
    recipientEmail: text('recipient_email').notNull(),
    recipientName: text('recipient_name').notNull(),
    /** One fresh salt per assertion, shared by its hosted and signed documents. */
    recipientSalt: text('recipient_salt').notNull(),
    issuedOn: timestamp('issued_on', { withTimezone: true }).notNull(),
    expires: timestamp('expires', { withTimezone: true }),
    evidence: jsonb('evidence').$type<EvidenceRecord[]>().notNull().default([]),
    narrative: text('narrative'),
    awardedByUserId: uuid('awarded_by_user_id').references(() => users.id),
    awardedByTokenId: uuid('awarded_by_token_id'),
    /** The signed document, kept with the key that signed it; re-signed after a key rotation. */
    jws: text('jws'),
    signingKeyId: uuid('signing_key_id').references(() => signingKeys.id),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revocationReason: text('revocation_reason'),
    revokedByUserId: uuid('revoked_by_user_id').references(() => users.id),
    revokedByTokenId: uuid('revoked_by_token_id'),
    createdAt: createdAt(),
  },
  (t) => [
    index('assertions_structure_issued_idx').on(t.structureId, t.issuedOn),
    index('assertions_badge_class_idx').on(t.badgeClassId),
    index('assertions_recipient_email_idx').on(t.recipientEmail),
    // Covers the revocation list (index-only: no visit to the large rows, which carry their JWS).
    index('assertions_revoked_idx')
      .on(t.structureId, t.revokedAt, t.id, t.revocationReason)
      .where(sql`${t.revokedAt} is not null`),
  ],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    structureId: uuid('structure_id')
      .notNull()
      .references(() => structures.id),
    name: text('name').notNull(),
    /** SHA-256 of the token: the token itself is shown once and never stored. */
    tokenHash: text('token_hash').notNull(),
    prefix: text('prefix').notNull(),
    createdByUserId: uuid('created_by_user_id').references(() => users.id),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('api_tokens_hash_key').on(t.tokenHash), index('api_tokens_structure_idx').on(t.structureId)],
);

/** Remembers the answer to an award so a retried request gets it again instead of a second badge. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    structureId: uuid('structure_id')
      .notNull()
      .references(() => structures.id),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    assertionId: uuid('assertion_id')
      .notNull()
      .references(() => assertions.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.structureId, t.key] })],
);

export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    structureId: uuid('structure_id').references(() => structures.id),
    actorUserId: uuid('actor_user_id').references(() => users.id),
    actorTokenId: uuid('actor_token_id').references(() => apiTokens.id),
    /** 'cli' for operators at the command line, 'user', 'token' or 'system'. */
    actorKind: text('actor_kind').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('audit_events_structure_at_idx').on(t.structureId, t.at)],
);

/**
 * The one-time setup of the platform: a single row (the primary key can only
 * be `true`), written in the same transaction as the platform administrator it
 * creates. Two concurrent setups cannot both insert it.
 */
export const platformSetup = pgTable(
  'platform_setup',
  {
    singleton: boolean('singleton').primaryKey().default(true),
    adminUserId: uuid('admin_user_id')
      .notNull()
      .references(() => users.id),
    completedAt: timestamp('completed_at', { withTimezone: true }).notNull(),
  },
  (t) => [check('platform_setup_singleton', sql`${t.singleton}`)],
);

/**
 * Signed-in browsers. The cookie holds 32 random bytes; only their SHA-256 is
 * stored, so a copy of the database signs nobody in. A session ends after 8
 * hours without use or 30 days after sign-in, whichever comes first.
 */
export const sessions = pgTable(
  'sessions',
  {
    /** SHA-256 (hex) of the token held in the cookie. */
    idHash: text('id_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The structure the person works in now; every workspace query is scoped by it. */
    structureId: uuid('structure_id').references(() => structures.id, { onDelete: 'set null' }),
    /** Per-session secret the CSRF tokens of its forms are derived from. */
    csrfSecret: text('csrf_secret').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    /** Absolute end of the session (sign-in + 30 days). */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

/**
 * Every sign-in attempt, to slow down guessing per account and per address
 * across all app instances. The email is kept only as a hash: people
 * sometimes type their password in the email field.
 */
export const signInAttempts = pgTable(
  'sign_in_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    emailHash: text('email_hash').notNull(),
    ip: text('ip').notNull(),
    succeeded: boolean('succeeded').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('sign_in_attempts_email_at_idx').on(t.emailHash, t.at),
    index('sign_in_attempts_ip_at_idx').on(t.ip, t.at),
    index('sign_in_attempts_at_idx').on(t.at),
  ],
);
