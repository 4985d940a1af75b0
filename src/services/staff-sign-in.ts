// One file because getting in is one rule (setup, sign-in and its throttling, sessions) over the tables it alone writes.
import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { Database } from '../db/database.ts';
import { claimPlatformSetup, isPlatformSetUp, lockPlatformSetup } from '../db/repositories/platform-setup.ts';
import {
  deleteEndedSessions,
  deleteSession,
  findSessionWithUser,
  insertSession,
  type SessionUser,
  setSessionStructure,
  touchSession,
} from '../db/repositories/sessions.ts';
import {
  deleteSignInAttemptsBefore,
  insertSignInAttempt,
  lockSignInKeys,
  markSignInAttemptSucceeded,
  recentFailuresForEmail,
  recentFailuresForIp,
} from '../db/repositories/sign-in-attempts.ts';
import {
  findMembership,
  findUserByEmail,
  insertUser,
  listAllMembershipsOfUser,
  listMembershipsOfUser,
  type MembershipListing,
  type UserMembership,
  type UserRow,
} from '../db/repositories/users.ts';
import { normaliseEmail } from '../openbadges/index.ts';
import { recordAudit } from './audit.ts';
import type { DeviceCookies } from './device-cookies.ts';
import { isUuid } from './ids.ts';
import { DomainError } from './errors.ts';
import { setupInput, signInInput } from './inputs.ts';
import { distinguishingDetails } from './rules/structure-duplicates.ts';
import { hashPassword } from './users.ts';
import type { Clock } from '../clock.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** A session ends after this long without a request… */
export const SESSION_IDLE_MS = 8 * HOUR_MS;
/** …and this long after sign-in, whatever happens. */
export const SESSION_ABSOLUTE_MS = 30 * DAY_MS;
/** `last_seen_at` is written at most this often, so that a page view is not also a write. */
const SESSION_TOUCH_MS = MINUTE_MS;

/** The session token: 32 random bytes, base64url, in the cookie only. */
const SESSION_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface ThrottlePolicy {
  /** This many failures within `burstMs` start the delays… */
  limit: number;
  burstMs: number;
  /** …and every further failure within `memoryMs` doubles the next delay. */
  memoryMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

/**
 * Failed sign-ins slow down the next ones (OWASP's device-cookie scheme). A
 * browser that once signed in to an account carries a device cookie for it
 * (device-cookies.ts): its guesses count for that account and that device
 * alone, so a stranger hammering the account never locks its owner out of
 * their usual browser. Every other browser's guesses count per account
 * (all unknown browsers together) and per address. For either, a successful
 * sign-in of the same kind forgets the earlier failures; an address (a whole
 * office behind one router) is allowed more and forgets sooner.
 */
export const THROTTLE: { account: ThrottlePolicy; address: ThrottlePolicy } = {
  account: { limit: 5, burstMs: 15 * MINUTE_MS, memoryMs: DAY_MS, firstDelayMs: MINUTE_MS, maxDelayMs: HOUR_MS },
  address: { limit: 20, burstMs: 15 * MINUTE_MS, memoryMs: HOUR_MS, firstDelayMs: MINUTE_MS, maxDelayMs: HOUR_MS },
};

/**
 * Until when a key (an account, an address) must wait, given its recent
 * failures (newest first), or null when it may try now.
 *
 * It waits once it has `limit` failures within `burstMs`, or more than
 * `limit` within `memoryMs`; the wait runs from its latest failure and
 * doubles with each failure past the limit: 1, 2, 4, 8… minutes, at most an hour.
 */
export function throttledUntil(failures: readonly Date[], policy: ThrottlePolicy, now: Date): Date | null {
  if (failures.length < policy.limit) return null;
  const latest = failures[0]!.getTime();
  const burst = latest - failures[policy.limit - 1]!.getTime() <= policy.burstMs;
  if (!burst && failures.length === policy.limit) return null;
  const doublings = Math.min(failures.length - policy.limit, 20);
  const delay = Math.min(policy.firstDelayMs * 2 ** doublings, policy.maxDelayMs);
  const until = new Date(latest + delay);
  return until > now ? until : null;
}

/** The person behind a session, and where they work now. */
export interface AuthContext {
  /** SHA-256 of the cookie's token: the session's key in the database. */
  sessionId: string;
  csrfSecret: string;
  user: SessionUser;
  /** Every structure the person belongs to, by name. */
  memberships: UserMembership[];
  /** The structure the workspace shows now; null for someone who belongs to none that is open. */
  current: UserMembership | null;
  /** The closed structures the person belongs to: no longer a workspace, named on the page that says so. */
  closedStructures: { structureId: string; structureName: string }[];
  createdAt: Date;
  expiresAt: Date;
}

export interface SignInResult {
  /** Goes into the cookie, and nowhere else. */
  token: string;
  /** The browser's new device cookie for this account: it is known from now on. */
  deviceCookie: string;
  user: UserRow;
  expiresAt: Date;
}

export interface RequestOrigin {
  ip: string;
  /** The device cookie the browser sent, if any (whatever it holds: it is checked here). */
  deviceCookie?: string | undefined;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const ago = (now: Date, ms: number) => new Date(now.getTime() - ms);
const later = (a: Date | null, b: Date | null) => (a && b ? (a > b ? a : b) : (a ?? b));

/** The address as stored: bounded, whatever a proxy forwarded. */
const storedIp = (ip: string) => (ip || 'unknown').slice(0, 100);

/**
 * Getting in: the one-time setup of the platform, signing in and out, and the
 * server-side sessions that carry a person from page to page.
 */
export class AuthService {
  /** Once true it stays true: the setup can never run again. */
  private setupDone = false;
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly db: Database,
    private readonly now: Clock,
    private readonly devices: DeviceCookies,
  ) {}

  /** True until the platform has its administrator: the home page then leads to the setup. */
  async setupNeeded(): Promise<boolean> {
    if (this.setupDone) return false;
    this.setupDone = await isPlatformSetUp(this.db);
    return !this.setupDone;
  }

  /**
   * Creates the platform administrator (the Région), once. Two people
   * submitting at the same moment: one gets the account, the other `setup_done`.
   */
  async setup(input: { name: string; email: string; password: string }, origin: RequestOrigin): Promise<UserRow> {
    if (!(await this.setupNeeded())) throw new DomainError('setup_done', 409);
    const parsed = setupInput.safeParse(input);
    if (!parsed.success) throw new DomainError('validation_failed', 400);
    const email = normaliseEmail(parsed.data.email);
    const passwordHash = await hashPassword(parsed.data.password);
    const now = this.now();
    const user = await this.db.transaction(async (tx) => {
      await lockPlatformSetup(tx);
      if (await isPlatformSetUp(tx)) throw new DomainError('setup_done', 409);
      if (await findUserByEmail(tx, email)) throw new DomainError('user_exists', 409, { email });
      const admin = await insertUser(tx, { createdAt: now, email, name: parsed.data.name, passwordHash, isPlatformAdmin: true });
      if (!(await claimPlatformSetup(tx, admin.id, now))) throw new DomainError('setup_done', 409);
      await recordAudit(
        tx,
        { kind: 'user', userId: admin.id },
        {
          at: now,
          action: 'platform.setup',
          targetType: 'user',
          targetId: admin.id,
          details: { ip: storedIp(origin.ip) },
        },
      );
      return admin;
    });
    this.setupDone = true;
    return user;
  }

  /**
   * Checks an email and password and opens a new session. Unknown email and
   * wrong password get the same refusal, after the same work. The attempt is
   * recorded before the password is checked, so parallel guesses count too.
   */
  async signIn(input: { email: string; password: string }, origin: RequestOrigin & { previousToken?: string }): Promise<SignInResult> {
    const { user, attemptId, emailHash } = await this.verifyCredentials(input, origin);
    const memberships = await listMembershipsOfUser(this.db, user.id);
    const session = await this.db.transaction(async (tx) => {
      await markSignInAttemptSucceeded(tx, attemptId);
      return this.openSession(tx, {
        user,
        structureId: memberships[0]?.structureId ?? null,
        ip: origin.ip,
        previousToken: origin.previousToken,
      });
    });
    await this.housekeeping();
    return { token: session.token, deviceCookie: this.devices.issue(emailHash), user, expiresAt: session.expiresAt };
  }

  /**
   * The password check of a sign-in, slowed down like one, without opening a
   * session: the caller marks the attempt succeeded (markSucceeded) in the
   * transaction of what it does next (accepting an invitation…).
   */
  async verifyCredentials(
    input: { email: string; password: string },
    origin: RequestOrigin,
  ): Promise<{ user: UserRow; attemptId: number; emailHash: string }> {
    const parsed = signInInput.safeParse(input);
    if (!parsed.success) throw new DomainError('invalid_credentials', 401);
    const email = normaliseEmail(parsed.data.email);
    const emailHash = sha256(email);
    const ip = storedIp(origin.ip);
    const device = this.devices.deviceOf(origin.deviceCookie, emailHash);
    const now = this.now();

    const attemptId = await this.db.transaction(async (tx) => {
      await lockSignInKeys(tx, emailHash, ip);
      const accountFailures = await recentFailuresForEmail(tx, emailHash, device, ago(now, THROTTLE.account.memoryMs), 40);
      let until = throttledUntil(accountFailures, THROTTLE.account, now);
      // A known browser answers for itself alone: the address it shares
      // with others (an office, a mobile network) does not slow it down.
      if (!device) {
        const addressFailures = await recentFailuresForIp(tx, ip, ago(now, THROTTLE.address.memoryMs), 40);
        until = later(until, throttledUntil(addressFailures, THROTTLE.address, now));
      }
      if (until) {
        const seconds = Math.ceil((until.getTime() - now.getTime()) / 1000);
        throw new DomainError('too_many_attempts', 429, { minutes: Math.ceil(seconds / 60), seconds });
      }
      return insertSignInAttempt(tx, { emailHash, ip, device, succeeded: false, at: now });
    });

    const user = await findUserByEmail(this.db, email);
    const passwordOk = await this.verifyPassword(user?.passwordHash ?? null, parsed.data.password);
    if (!user || !passwordOk) {
      await recordAudit(
        this.db,
        { kind: 'system' },
        {
          at: now,
          action: 'auth.sign_in_failed',
          // An unknown address is not recorded: it may be a password typed in the wrong field.
          ...(user ? { targetType: 'user', targetId: user.id } : {}),
          details: { reason: user ? 'wrong_password' : 'unknown_account', ip },
        },
      );
      throw new DomainError('invalid_credentials', 401);
    }
    return { user, attemptId, emailHash };
  }

  /** Marks a verified attempt as a success, so that the account's earlier failures stop counting. */
  async markSucceeded(db: Database, attemptId: number): Promise<void> {
    await markSignInAttemptSucceeded(db, attemptId);
  }

  /**
   * Opens a session for someone whose identity is proven (a password, a
   * one-time link), inside the caller's transaction. The session the browser
   * held before, if any, ends.
   */
  async openSession(
    tx: Database,
    options: { user: Pick<UserRow, 'id'>; structureId: string | null; ip: string; previousToken?: string | undefined },
  ): Promise<{ token: string; expiresAt: Date }> {
    const now = this.now();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_MS);
    if (options.previousToken && SESSION_TOKEN.test(options.previousToken)) {
      await deleteSession(tx, sha256(options.previousToken));
    }
    await insertSession(tx, {
      idHash: sha256(token),
      userId: options.user.id,
      structureId: options.structureId,
      csrfSecret: randomBytes(32).toString('base64url'),
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
    });
    await recordAudit(
      tx,
      { kind: 'user', userId: options.user.id },
      {
        at: now,
        structureId: options.structureId,
        action: 'auth.signed_in',
        targetType: 'user',
        targetId: options.user.id,
        details: { ip: storedIp(options.ip) },
      },
    );
    return { token, expiresAt };
  }

  /** Housekeeping, off the person's path: ended sessions and attempts nobody counts any more. */
  async housekeeping(): Promise<void> {
    const now = this.now();
    await deleteEndedSessions(this.db, now, ago(now, SESSION_IDLE_MS));
    await deleteSignInAttemptsBefore(this.db, ago(now, 2 * DAY_MS));
  }

  /** Hashes a new password the way every account's is (argon2id). */
  hashPassword(password: string): Promise<string> {
    return hashPassword(password);
  }

  /** The session a cookie's token opens, or null when it is unknown or has ended (then it is deleted). */
  async resolve(token: string): Promise<AuthContext | null> {
    if (!SESSION_TOKEN.test(token)) return null;
    const idHash = sha256(token);
    const found = await findSessionWithUser(this.db, idHash);
    if (!found) return null;
    const { session, user } = found;
    const now = this.now();
    if (now >= session.expiresAt || now.getTime() - session.lastSeenAt.getTime() >= SESSION_IDLE_MS) {
      await deleteSession(this.db, idHash);
      return null;
    }
    if (now.getTime() - session.lastSeenAt.getTime() >= SESSION_TOUCH_MS) await touchSession(this.db, idHash, now);

    const { memberships, closedStructures } = workspacesOf(await listAllMembershipsOfUser(this.db, user.id));
    let current = memberships.find((m) => m.structureId === session.structureId) ?? null;
    // Removed from that structure since, or it was closed, or added to one: fall back to the first open one.
    if (!current && memberships.length > 0) current = memberships[0]!;
    if ((current?.structureId ?? null) !== session.structureId) {
      await setSessionStructure(this.db, idHash, current?.structureId ?? null);
    }
    return {
      sessionId: idHash,
      csrfSecret: session.csrfSecret,
      user,
      memberships,
      current,
      closedStructures,
      createdAt: session.createdAt,
      expiresAt: session.expiresAt,
    };
  }

  /** Moves the session to another of the person's structures; any other is refused. */
  async switchStructure(auth: AuthContext, structureId: string): Promise<UserMembership> {
    const target = isUuid(structureId) ? await findMembership(this.db, auth.user.id, structureId) : undefined;
    const membership = target && auth.memberships.find((m) => m.structureId === target.structureId);
    if (!target || !membership) throw new DomainError('not_a_member', 403);
    await this.db.transaction(async (tx) => {
      await setSessionStructure(tx, auth.sessionId, structureId);
      await recordAudit(
        tx,
        { kind: 'user', userId: auth.user.id },
        {
          at: this.now(),
          structureId,
          action: 'auth.structure_switched',
          targetType: 'structure',
          targetId: structureId,
          details: { from: auth.current?.structureId ?? null },
        },
      );
    });
    return membership;
  }

  /**
   * Moves the session into a structure the person has just joined (the
   * context's list of memberships predates it, so the database is asked).
   */
  async enterStructure(auth: AuthContext, structureId: string): Promise<void> {
    if (!isUuid(structureId) || !(await findMembership(this.db, auth.user.id, structureId))) {
      throw new DomainError('not_a_member', 403);
    }
    await setSessionStructure(this.db, auth.sessionId, structureId);
  }

  async signOut(auth: AuthContext): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await deleteSession(tx, auth.sessionId))) return;
      await recordAudit(
        tx,
        { kind: 'user', userId: auth.user.id },
        {
          at: this.now(),
          structureId: auth.current?.structureId ?? null,
          action: 'auth.signed_out',
          targetType: 'user',
          targetId: auth.user.id,
        },
      );
    });
  }

  /**
   * argon2.verify compares in constant time. Without a hash (unknown email,
   * an account with no password yet) a dummy hash is checked instead, so that
   * the answer takes as long and says nothing about the account.
   */
  private async verifyPassword(hash: string | null, password: string): Promise<boolean> {
    this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    const target = hash ?? (await this.dummyHash);
    try {
      const ok = await argon2.verify(target, password);
      return ok && hash !== null;
    } catch {
      return false;
    }
  }
}

/**
 * Where a person may work: their open structures, each named so that two of
 * the same name are told apart (by their site), and the closed ones apart.
 */
function workspacesOf(listing: MembershipListing[]): Pick<AuthContext, 'memberships' | 'closedStructures'> {
  const open = listing.filter((m) => m.closedAt === null);
  const details = distinguishingDetails(
    open.map((m) => ({ id: m.structureId, name: m.structureName, url: m.structureUrl, email: m.structureEmail })),
  );
  return {
    memberships: open.map((m) => ({
      structureId: m.structureId,
      structureName: m.structureName,
      role: m.role,
      structureDetail: details.get(m.structureId) ?? null,
    })),
    closedStructures: listing
      .filter((m) => m.closedAt !== null)
      .map((m) => ({ structureId: m.structureId, structureName: m.structureName })),
  };
}
