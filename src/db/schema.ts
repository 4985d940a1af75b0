// One file because drizzle-kit reads the schema from this one file (drizzle.config.ts) and `drizzle-kit check` compares it with the migrations.
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

/**
 * When a row was made. No database default: every domain time comes from the
 * application's one clock (src/clock.ts), so that tests with a fixed clock and
 * the pages agree, and the type checker makes each insert say it.
 */
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull();

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
  /** Set by the Région when the structure stops: it awards nothing more, its people lose access, its badges stay verifiable. Null while open. */
  closedAt: timestamp('closed_at', { withTimezone: true }),
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
    /**
     * What a structure adds to a catalogue badge it awards: its own guidance on
     * the evidence it expects. Shown beside the catalogue's criteria, never in
     * them: the catalogue's name, description, criteria, image and alignment
     * stay the same for every structure (src/services/rules/catalogue-copy.ts).
     */
    localNote: text('local_note'),
    imageSvg: text('image_svg'),
    imagePng: bytea('image_png').notNull(),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    /** 1 for a new badge class; a new version is made when an awarded badge class changes meaning. */
    version: integer('version').notNull().default(1),
    /** The version this one replaced (archived when this one was made). */
    previousVersionId: uuid('previous_version_id'),
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
    uniqueIndex('signing_keys_one_active')
      .on(t.structureId)
      .where(sql`${t.retiredAt} is null`),
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
    /** The learner asked that their name not show on public verification pages. */
    recipientNameHidden: boolean('recipient_name_hidden').notNull().default(false),
    /** The learner's personal data was erased at their request (the assertion is revoked too). */
    erasedAt: timestamp('erased_at', { withTimezone: true }),
    /** When the learner was told the badge expires soon (src/services/expiry-reminders.ts): once per award. */
    expiryRemindedAt: timestamp('expiry_reminded_at', { withTimezone: true }),
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
    // The expiry reminders' search: only the awards that may still need one.
    index('assertions_expiry_reminder_idx')
      .on(t.expires)
      .where(sql`${t.expires} is not null and ${t.expiryRemindedAt} is null and ${t.revokedAt} is null`),
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

/**
 * The one-time keys of the workspace's forms that were already sent: a form
 * posted twice (a double click, a reload, the back button) is done once.
 */
export const formSubmissions = pgTable(
  'form_submissions',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    key: uuid('key').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
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
    at: timestamp('at', { withTimezone: true }).notNull(),
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
    /** The device cookie's nonce when the browser sent one valid for this account (src/services/device-cookies.ts), else null. */
    device: text('device'),
    succeeded: boolean('succeeded').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('sign_in_attempts_email_at_idx').on(t.emailHash, t.at),
    index('sign_in_attempts_email_device_at_idx').on(t.emailHash, t.device, t.at),
    index('sign_in_attempts_ip_at_idx').on(t.ip, t.at),
    index('sign_in_attempts_at_idx').on(t.at),
  ],
);

export type LinkRequestPurpose = 'password-reset' | 'learner-sign-in';

/**
 * A forgotten-password or learner sign-in link someone asked for. The form
 * queues one row whatever the address, so a known and an unknown address
 * take the same work to answer (nothing tells which exists); the runner
 * (src/services/link-requests.ts) then sends the link if the address is
 * known, and deletes the row in the same transaction: rows last seconds.
 */
export const linkRequests = pgTable('link_requests', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  purpose: text('purpose').$type<LinkRequestPurpose>().notNull(),
  /** Lower-cased, as typed: it may be nobody's. */
  email: text('email').notNull(),
  /** The language of the page it was asked from, for the email. */
  lang: text('lang').notNull(),
  ip: text('ip').notNull(),
  requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
});

export type MailKind =
  | 'award'
  | 'learner-sign-in'
  | 'password-reset'
  | 'invitation'
  | 'erasure-notice'
  // src/services/mail/notifications.ts
  | 'catalogue-proposal'
  | 'catalogue-decision'
  | 'revocation'
  | 'expiry-reminder'
  // src/services/rules/general-badge-notices (ProgrammeRules)
  | 'general-badge-eligible';

/**
 * The email outbox. A message is written in the same transaction as what
 * causes it (an award, an invitation…), so none is lost and none exists for a
 * change that rolled back; the dispatcher sends it later, claiming rows with
 * `for update skip locked` so several app instances never send one twice.
 * Status: `pending` (to send, at `next_attempt_at`), `sending` (claimed),
 * `sent`, `failed` (gave up after retries), `held` (no SMTP configured: kept
 * for the platform administrator to read), `suppressed` (the learner stopped
 * the platform's emails).
 */
export const outboxMessages = pgTable(
  'outbox_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    structureId: uuid('structure_id').references(() => structures.id),
    assertionId: uuid('assertion_id').references(() => assertions.id),
    kind: text('kind').$type<MailKind>().notNull(),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    htmlBody: text('html_body').notNull(),
    status: text('status').$type<'pending' | 'sending' | 'sent' | 'failed' | 'held' | 'suppressed'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    /**
     * Until when a `sending` claim holds: a short lease its dispatcher renews
     * while it works (its heartbeat); past it, another instance may take the
     * message over.
     */
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
    /** Which claim holds the message (a random id per round): only its holder records the outcome. */
    claimedBy: uuid('claimed_by'),
    lastError: text('last_error'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    createdByUserId: uuid('created_by_user_id').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    index('outbox_messages_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    index('outbox_messages_structure_idx').on(t.structureId, t.createdAt),
    index('outbox_messages_assertion_idx').on(t.assertionId),
  ],
);

export type OneTimeTokenPurpose = 'password-reset' | 'invitation' | 'learner-sign-in';

/**
 * Links sent by email that work once and expire: password resets,
 * invitations to join a structure, and learners' sign-in links. Only the
 * SHA-256 of the token is stored.
 */
export const oneTimeTokens = pgTable(
  'one_time_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    purpose: text('purpose').$type<OneTimeTokenPurpose>().notNull(),
    /** Lower-cased address the link was sent to. */
    email: text('email').notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    /** For an invitation: the structure and the role offered. */
    structureId: uuid('structure_id').references(() => structures.id),
    role: text('role').$type<MembershipRole>(),
    createdByUserId: uuid('created_by_user_id').references(() => users.id),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [index('one_time_tokens_email_idx').on(t.email, t.purpose)],
);

/**
 * What a learner (known only by their email address) chose: whether their
 * name shows on public verification pages, and whether the platform may
 * still email them.
 */
export const learnerPreferences = pgTable('learner_preferences', {
  email: text('email').primaryKey(),
  hideName: boolean('hide_name').notNull().default(false),
  emailsStoppedAt: timestamp('emails_stopped_at', { withTimezone: true }),
  /** The language the learner last used to open their space or ask for a link ('fr', 'en'): their emails' language. */
  lang: text('lang'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/** Learners' browser sessions (no password: opened by a sign-in link). Same cookie scheme as `sessions`. */
export const learnerSessions = pgTable(
  'learner_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    email: text('email').notNull(),
    csrfSecret: text('csrf_secret').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('learner_sessions_email_idx').on(t.email), index('learner_sessions_expires_idx').on(t.expiresAt)],
);

export type CatalogueEntryStatus = 'published' | 'proposed' | 'declined' | 'withdrawn';

/**
 * Badges added to the shared catalogue after the regional nine (which live
 * in code, src/catalogue/regional.ts): by the platform administrator, or
 * proposed by a structure from one of its badge classes and then accepted or
 * declined. Structures adopt a published entry as a badge class of their own.
 */
export const catalogueEntries = pgTable(
  'catalogue_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Stable key, copied to badge_classes.catalogue_key on adoption. */
    key: text('key').notNull(),
    status: text('status').$type<CatalogueEntryStatus>().notNull(),
    name: text('name').notNull(),
    description: text('description').notNull(),
    criteriaNarrative: text('criteria_narrative').notNull(),
    tags: jsonb('tags').$type<string[]>().notNull().default([]),
    alignment: jsonb('alignment').$type<AlignmentRecord[]>().notNull().default([]),
    validityDays: integer('validity_days'),
    imageSvg: text('image_svg'),
    imagePng: bytea('image_png').notNull(),
    proposedByStructureId: uuid('proposed_by_structure_id').references(() => structures.id),
    proposedFromBadgeClassId: uuid('proposed_from_badge_class_id').references(() => badgeClasses.id),
    proposedByUserId: uuid('proposed_by_user_id').references(() => users.id),
    decidedByUserId: uuid('decided_by_user_id').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionNote: text('decision_note'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('catalogue_entries_key').on(t.key), index('catalogue_entries_status_idx').on(t.status)],
);

export interface AwardImportRow {
  /** 1-based line in the file, header included. */
  line: number;
  values: Record<string, string>;
  /** Problems found at preview, by column. */
  errors: { column: string; message: string }[];
  dropped?: boolean;
  /** After awarding: the assertion, or why it failed. */
  assertionId?: string;
  replayed?: boolean;
  failure?: string;
  /** Found at preview: the person already holds this badge, valid, from this structure (when it was awarded, ISO). */
  alreadyHeld?: string;
  /** What the confirmation chose for such a row: award it a second time, or not. */
  duplicateChoice?: 'award' | 'skip';
}

/**
 * A CSV award: uploaded, previewed (every row checked), corrected, then
 * awarded in batches by the background runner. Each row's idempotency key is
 * derived from the file's hash and the row, so the same file sent twice, or a
 * reloaded page, awards nothing twice.
 */
export const awardImports = pgTable(
  'award_imports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    structureId: uuid('structure_id')
      .notNull()
      .references(() => structures.id),
    createdByUserId: uuid('created_by_user_id')
      .notNull()
      .references(() => users.id),
    fileName: text('file_name').notNull(),
    fileSha256: text('file_sha256').notNull(),
    encoding: text('encoding').notNull(),
    delimiter: text('delimiter').notNull(),
    status: text('status').$type<'preview' | 'queued' | 'running' | 'done' | 'cancelled'>().notNull(),
    rows: jsonb('rows').$type<AwardImportRow[]>().notNull(),
    total: integer('total').notNull(),
    awarded: integer('awarded').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    personalMessage: text('personal_message'),
    createdAt: createdAt(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** A `running` import's lease, renewed by its runner's heartbeat; past it, another runner takes the import over. */
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
    /** Which run holds the import (a random id per claim): a run that lost it stops and writes nothing more. */
    claimedBy: uuid('claimed_by'),
  },
  (t) => [index('award_imports_structure_idx').on(t.structureId, t.createdAt)],
);

/**
 * A learner became eligible for the general badge (their third valid « je
 * maîtrise ») through an award of this structure: its dashboard offers the
 * general badge in one click while the learner stays eligible and nobody has
 * awarded it (src/services/general-badge-notices.ts). One per structure and
 * address: becoming eligible again tells the structure nothing new.
 */
export const generalBadgeNotices = pgTable(
  'general_badge_notices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    structureId: uuid('structure_id')
      .notNull()
      .references(() => structures.id),
    recipientEmail: text('recipient_email').notNull(),
    recipientName: text('recipient_name').notNull(),
    /** The award that made the learner eligible. */
    assertionId: uuid('assertion_id')
      .notNull()
      .references(() => assertions.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('general_badge_notices_structure_email').on(t.structureId, t.recipientEmail)],
);

/**
 * Open Badges 3.0: a structure's Ed25519 keys (Data Integrity proofs), the
 * secret only encrypted under the master key. A rotation adds a key; none is
 * ever retired, so every credential signed before stays verifiable. The
 * newest signs.
 */
export const ob3Keys = pgTable(
  'ob3_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    structureId: uuid('structure_id')
      .notNull()
      .references(() => structures.id),
    publicKeyMultibase: text('public_key_multibase').notNull(),
    secretKeyEncrypted: text('secret_key_encrypted').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('ob3_keys_structure_idx').on(t.structureId, t.createdAt)],
);

/**
 * The 3.0 credential of an award: its place in the structure's status lists
 * (a random index, never reused), its own salt, and the signed credential
 * once built (on first download), with a digest of what it was built from so
 * that a change (a hidden name, a corrected address) re-signs it. Whether it
 * is revoked is the assertion's revoked_at, read when the list is served.
 */
export const ob3Credentials = pgTable(
  'ob3_credentials',
  {
    assertionId: uuid('assertion_id')
      .primaryKey()
      .references(() => assertions.id),
    structureId: uuid('structure_id')
      .notNull()
      .references(() => structures.id),
    statusList: integer('status_list').notNull(),
    statusIndex: integer('status_index').notNull(),
    salt: text('salt').notNull(),
    credential: jsonb('credential'),
    basis: text('basis'),
    keyId: uuid('key_id').references(() => ob3Keys.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('ob3_credentials_status_slot').on(t.structureId, t.statusList, t.statusIndex)],
);
