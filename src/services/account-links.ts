// One file because password resets and invitations are one mechanism (a one-time link by email that ends in a password and a session) sharing its token format, mail and checks.
import { z } from 'zod';
import type { Database } from '../db/database.ts';
import {
  countAdmins,
  countLiveTokens,
  deleteOpenInvitations,
  deleteSessionsOfUser,
  findOpenInvitation,
  listOpenInvitations,
  type PendingInvitation,
  setUserNameAndPassword,
  setUserPassword,
} from '../db/repositories/accounts.ts';
import {
  consumeAllTokensOf,
  consumeOneTimeToken,
  createOneTimeToken,
  findOneTimeToken,
  findUsableToken,
  type OneTimeTokenRow,
} from '../db/repositories/one-time-tokens.ts';
import { enqueueMail } from '../db/repositories/outbox.ts';
import { findStructure, lockStructure, type StructureRow } from '../db/repositories/structures.ts';
import {
  findMembership,
  findUserByEmail,
  findUserById,
  insertMembership,
  insertUser,
  listMembershipsOfUser,
  type UserRow,
} from '../db/repositories/users.ts';
import type { MembershipRole } from '../db/schema.ts';
import { type Locale, translator } from '../i18n/index.ts';
import { normaliseEmail } from '../openbadges/index.ts';
import { type Actor, recordAudit } from './audit.ts';
import { MemberService, roleInput } from './members.ts';
import type { AuthService, RequestOrigin } from './staff-sign-in.ts';
import { DomainError } from './errors.ts';
import { email as emailInput, type newStructureInput, passwordInput, personName } from './inputs.ts';
import type { LinkRequest, LinkRequests } from './link-requests.ts';
import { composeMail } from './mail/compose.ts';
import { isClosed, refuseIfClosed } from './rules/structure-open.ts';
import type { StructureService } from './structures.ts';
import type { PublicUrls } from './urls.ts';
import type { Clock } from '../clock.ts';

const HOUR_MS = 3_600_000;
/** A password reset link works for an hour… */
export const PASSWORD_RESET_MS = HOUR_MS;
/** …an invitation for a week. */
export const INVITATION_MS = 7 * 24 * HOUR_MS;
/** At most this many reset emails per address per hour, whoever asks: nobody floods a mailbox through us. */
const RESETS_PER_HOUR = 3;

/** A link's token as it appears in a URL: 32 random bytes, base64url. */
export const LINK_TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** An invitation as named in forms: the SHA-256 (hex) of its token. */
export const INVITATION_ID = /^[0-9a-f]{64}$/;

export const invitationInput = z.object({ email: emailInput, role: roleInput });
export const newPasswordInput = z.object({ password: passwordInput });
export const newAccountInput = z.object({ name: personName, password: passwordInput });

/** What the invitation page shows before anyone accepts. */
export interface InvitationView {
  email: string;
  role: MembershipRole;
  structureId: string;
  structureName: string;
  invitedBy: string | null;
  expiresAt: Date;
  /** The address already has an account with a password: the invitee signs in to accept. */
  accountExists: boolean;
}

export type Acceptance =
  /** Signed in already, as the invited address. */
  | { kind: 'signed-in'; userId: string }
  /** Has an account: proves it with the password. */
  | { kind: 'existing'; password: string }
  /** New to Insigne: chooses a name and a password. */
  | { kind: 'new'; name: string; password: string };

/**
 * The ways into an account other than the sign-in form: forgotten passwords
 * and invitations, both by a one-time link sent by email, and a new structure
 * with its first administrator invited. The people of a structure (roles,
 * removal) are members.ts; this service hands those calls on, so that the
 * pages about accounts have one service.
 */
export class AccountService {
  private readonly people: MemberService;

  constructor(
    private readonly db: Database,
    private readonly auth: AuthService,
    private readonly structures: StructureService,
    private readonly urls: PublicUrls,
    private readonly now: Clock,
    private readonly linkRequests: LinkRequests,
  ) {
    this.people = new MemberService(db, now);
  }

  // ── Members (members.ts) ─────────────────────────────────────────────

  members: MemberService['members'] = (structureId) => this.people.members(structureId);
  changeRole: MemberService['changeRole'] = (structureId, userId, role, actor) => this.people.changeRole(structureId, userId, role, actor);
  removeMember: MemberService['removeMember'] = (structureId, userId, actor) => this.people.removeMember(structureId, userId, actor);

  // ── Forgotten password ────────────────────────────────────────────────

  /**
   * Asks for a reset link: queued whatever the address (LinkRequests), so
   * that the answer, the same for all, also takes the same time for all.
   */
  async requestPasswordReset(input: { email: string }, lang: Locale, origin: RequestOrigin): Promise<void> {
    const parsed = emailInput.safeParse(input.email);
    if (!parsed.success) throw new DomainError('validation_failed', 400);
    await this.linkRequests.queue('password-reset', { email: normaliseEmail(parsed.data), lang, ip: origin.ip });
  }

  /** The work behind a queued request (LinkRequests' runner): sends a reset link if the address has an account. */
  async sendPasswordReset(tx: Database, request: LinkRequest): Promise<void> {
    const { email, lang } = request;
    const user = await findUserByEmail(tx, email);
    if (!user) return;
    const now = this.now();
    // A link lasts an hour: counting the live ones caps the emails per hour.
    if ((await countLiveTokens(tx, 'password-reset', email, now)) >= RESETS_PER_HOUR) return;
    const token = await createOneTimeToken(tx, {
      createdAt: now,
      purpose: 'password-reset',
      email,
      userId: user.id,
      expiresAt: new Date(now.getTime() + PASSWORD_RESET_MS),
    });
    const t = translator(lang);
    const subject = t('accounts.mail.reset.subject');
    await enqueueMail(
      tx,
      {
        kind: 'password-reset',
        to: email,
        subject,
        ...composeMail({
          lang,
          title: subject,
          greeting: t('accounts.mail.greeting', { name: user.name }),
          paragraphs: [t('accounts.mail.reset.body'), t('accounts.mail.reset.validity')],
          action: { label: t('accounts.mail.reset.action'), url: this.urls.passwordReset(token) },
          footer: [t('accounts.mail.reset.footer')],
        }),
        createdByUserId: user.id,
      },
      { now },
    );
    await recordAudit(
      tx,
      { kind: 'system' },
      {
        at: now,
        action: 'auth.password_reset_requested',
        targetType: 'user',
        targetId: user.id,
        details: { ip: request.ip.slice(0, 100) },
      },
    );
  }

  /** The address a reset link is for, if it still works (looking does not use it). */
  async passwordResetLink(token: string): Promise<{ email: string } | null> {
    if (!LINK_TOKEN.test(token)) return null;
    const row = await findUsableToken(this.db, 'password-reset', token, this.now());
    return row?.userId ? { email: row.email } : null;
  }

  /**
   * Uses the link: sets the new password, ends every session the person had
   * (someone else may hold one: that is often why passwords are reset) and
   * opens a new one here. Returns the session's token for the cookie.
   */
  async resetPassword(
    token: string,
    input: { password: string },
    origin: RequestOrigin & { previousToken?: string },
  ): Promise<{ token: string; expiresAt: Date }> {
    const parsed = newPasswordInput.safeParse(input);
    if (!parsed.success) throw new DomainError('validation_failed', 400);
    if (!LINK_TOKEN.test(token)) throw new DomainError('link_invalid', 410);
    const passwordHash = await this.auth.hashPassword(parsed.data.password);
    const session = await this.db.transaction(async (tx) => {
      const row = await consumeOneTimeToken(tx, 'password-reset', token, this.now());
      const user = row?.userId ? await findUserById(tx, row.userId) : undefined;
      if (!row || !user) throw new DomainError('link_invalid', 410);
      await setUserPassword(tx, user.id, passwordHash);
      await consumeAllTokensOf(tx, 'password-reset', row.email, this.now());
      const ended = await deleteSessionsOfUser(tx, user.id);
      await recordAudit(
        tx,
        { kind: 'user', userId: user.id },
        {
          at: this.now(),
          action: 'auth.password_reset',
          targetType: 'user',
          targetId: user.id,
          details: { sessionsEnded: ended, ip: origin.ip.slice(0, 100) },
        },
      );
      const [first] = await listMembershipsOf(tx, user.id);
      return this.auth.openSession(tx, { user, structureId: first ?? null, ip: origin.ip, previousToken: origin.previousToken });
    });
    return session;
  }

  // ── Invitations ──────────────────────────────────────────────────────

  /**
   * Invites someone into the structure with a role: a link by email, valid
   * 7 days, that works once. A new invitation to the same address replaces
   * the earlier one, so only the latest link works.
   */
  async invite(
    structureId: string,
    input: { email: string; role: string },
    actor: { kind: 'user'; userId: string } | { kind: 'cli' },
    lang: Locale,
    db: Database = this.db,
  ): Promise<void> {
    const parsed = invitationInput.safeParse(input);
    if (!parsed.success) throw new DomainError('validation_failed', 400);
    const email = normaliseEmail(parsed.data.email);
    const run = async (tx: Database) => {
      const structure = await findStructure(tx, structureId);
      if (!structure) throw new DomainError('structure_not_found', 404);
      // A closed structure takes no one in.
      refuseIfClosed(structure);
      const existing = await findUserByEmail(tx, email);
      if (existing && (await findMembership(tx, existing.id, structureId))) {
        throw new DomainError('already_member', 409, { email });
      }
      await deleteOpenInvitations(tx, structureId, { email });
      await this.sendInvitation(tx, structure, { email, role: parsed.data.role, userId: existing?.id ?? null }, actor, lang);
      await recordAudit(tx, actor, {
        at: this.now(),
        structureId,
        action: 'member.invited',
        targetType: 'invitation',
        targetId: email,
        details: { role: parsed.data.role },
      });
    };
    if (db !== this.db) return run(db);
    await this.db.transaction(run);
  }

  async openInvitations(structureId: string): Promise<(PendingInvitation & { expired: boolean })[]> {
    const now = this.now();
    return (await listOpenInvitations(this.db, structureId)).map((i) => ({ ...i, expired: i.expiresAt <= now }));
  }

  /** Sends a fresh link (7 days again) for an invitation of this structure; the old link stops working. */
  async resendInvitation(structureId: string, id: string, actor: { kind: 'user'; userId: string }, lang: Locale): Promise<string> {
    if (!INVITATION_ID.test(id)) throw new DomainError('invitation_not_found', 404);
    return this.db.transaction(async (tx) => {
      const row = await findOpenInvitation(tx, structureId, id);
      const structure = await findStructure(tx, structureId);
      if (!row || !structure) throw new DomainError('invitation_not_found', 404);
      refuseIfClosed(structure);
      await deleteOpenInvitations(tx, structureId, { id });
      const role = row.role ?? 'advisor';
      await this.sendInvitation(tx, structure, { email: row.email, role, userId: row.userId }, actor, lang);
      await recordAudit(tx, actor, {
        at: this.now(),
        structureId,
        action: 'member.invitation_resent',
        targetType: 'invitation',
        targetId: row.email,
        details: { role },
      });
      return row.email;
    });
  }

  /** Withdraws an invitation of this structure: its link no longer works. */
  async cancelInvitation(structureId: string, id: string, actor: { kind: 'user'; userId: string }): Promise<string> {
    if (!INVITATION_ID.test(id)) throw new DomainError('invitation_not_found', 404);
    return this.db.transaction(async (tx) => {
      const row = await findOpenInvitation(tx, structureId, id);
      if (!row || !(await deleteOpenInvitations(tx, structureId, { id }))) throw new DomainError('invitation_not_found', 404);
      await recordAudit(tx, actor, {
        at: this.now(),
        structureId,
        action: 'member.invitation_cancelled',
        targetType: 'invitation',
        targetId: row.email,
        details: { role: row.role },
      });
      return row.email;
    });
  }

  /** What an invitation link offers, if it still works (looking does not use it). */
  async invitation(token: string): Promise<InvitationView | null> {
    if (!LINK_TOKEN.test(token)) return null;
    const row = await findUsableToken(this.db, 'invitation', token, this.now());
    if (!row?.structureId) return null;
    const [structure, user, inviter] = await Promise.all([
      findStructure(this.db, row.structureId),
      findUserByEmail(this.db, row.email),
      row.createdByUserId ? findUserById(this.db, row.createdByUserId) : undefined,
    ]);
    // A closed structure's invitations wait, unusable, until it reopens.
    if (!structure || isClosed(structure)) return null;
    return {
      email: row.email,
      role: row.role ?? 'advisor',
      structureId: structure.id,
      structureName: structure.name,
      invitedBy: inviter?.name ?? null,
      expiresAt: row.expiresAt,
      accountExists: !!user?.passwordHash,
    };
  }

  /**
   * Whether a link that no longer works is an invitation that was accepted by
   * someone who now has an account and is a member of its structure: they should sign in, not ask for a new
   * invitation. Only the link's holder learns it, and nothing they did not
   * know (the link was theirs).
   */
  async invitationUsedByAccount(token: string): Promise<boolean> {
    if (!LINK_TOKEN.test(token)) return false;
    const row = await findOneTimeToken(this.db, 'invitation', token);
    if (!row?.usedAt || !row.structureId) return false;
    const user = await findUserByEmail(this.db, row.email);
    // A cancelled or re-sent invitation is marked used too: only a member of the structure accepted it.
    return !!user?.passwordHash && !!(await findMembership(this.db, user.id, row.structureId));
  }

  /**
   * Accepts an invitation: the link is used and the membership added in one
   * transaction (a new account created with it, for someone new). Opens a
   * session in the structure, except for someone already signed in (the
   * caller moves their session there).
   */
  async acceptInvitation(
    token: string,
    acceptance: Acceptance,
    origin: RequestOrigin & { previousToken?: string },
  ): Promise<{ session: { token: string; expiresAt: Date } | null; structureId: string; userId: string }> {
    if (!LINK_TOKEN.test(token)) throw new DomainError('link_invalid', 410);
    const preview = await this.invitation(token);
    if (!preview) throw new DomainError('link_invalid', 410);

    // Slow work (argon2) before the transaction: the embedded database has one connection.
    let verified: { user: UserRow; attemptId: number } | undefined;
    let passwordHash: string | undefined;
    if (acceptance.kind === 'existing') {
      verified = await this.auth.verifyCredentials({ email: preview.email, password: acceptance.password }, origin);
    } else if (acceptance.kind === 'new') {
      const parsed = newAccountInput.safeParse(acceptance);
      if (!parsed.success) throw new DomainError('validation_failed', 400);
      passwordHash = await this.auth.hashPassword(parsed.data.password);
    }

    return this.db.transaction(async (tx) => {
      const row: OneTimeTokenRow | undefined = await consumeOneTimeToken(tx, 'invitation', token, this.now());
      if (!row?.structureId) throw new DomainError('link_invalid', 410);
      const role = row.role ?? 'advisor';
      let user: Pick<UserRow, 'id'>;
      let created = false;
      if (acceptance.kind === 'signed-in') {
        const signedIn = await findUserById(tx, acceptance.userId);
        if (!signedIn || signedIn.email !== row.email) throw new DomainError('link_invalid', 410);
        user = signedIn;
      } else if (acceptance.kind === 'existing') {
        if (verified!.user.email !== row.email) throw new DomainError('link_invalid', 410);
        await this.auth.markSucceeded(tx, verified!.attemptId);
        user = verified!.user;
      } else {
        const existing = await findUserByEmail(tx, row.email);
        // Someone who has an account proves it with their password, not with the link.
        // Said as the invitation page needs it: the account exists, sign in to accept.
        if (existing?.passwordHash) {
          throw new DomainError('user_exists', 409, { email: row.email }, { messageKey: 'error.invitation.account_exists' });
        }
        const name = acceptance.name.trim();
        if (existing) {
          await setUserNameAndPassword(tx, existing.id, name, passwordHash!);
          user = existing;
        } else {
          user = await insertUser(tx, {
            createdAt: this.now(),
            email: row.email,
            name,
            passwordHash: passwordHash!,
            isPlatformAdmin: false,
          });
          created = true;
        }
      }
      // An admin who is invited again as an advisor keeps being an admin only if
      // other admins remain: the invitation's role wins, like a role change would.
      const current = await findMembership(tx, user.id, row.structureId);
      if (current?.role === 'admin' && role !== 'admin') {
        await lockStructure(tx, row.structureId);
        if ((await countAdmins(tx, row.structureId)) <= 1) throw new DomainError('last_admin', 409);
      }
      await insertMembership(tx, { createdAt: this.now(), userId: user.id, structureId: row.structureId, role });
      await recordAudit(
        tx,
        { kind: 'user', userId: user.id },
        {
          at: this.now(),
          structureId: row.structureId,
          action: 'member.joined',
          targetType: 'user',
          targetId: user.id,
          details: { role, newAccount: created, invitedBy: row.createdByUserId },
        },
      );
      const session =
        acceptance.kind === 'signed-in'
          ? null
          : await this.auth.openSession(tx, {
              user,
              structureId: row.structureId,
              ip: origin.ip,
              previousToken: origin.previousToken,
            });
      return { session, structureId: row.structureId, userId: user.id };
    });
  }

  // ── Structures (the Région) ─────────────────────────────────────────

  /**
   * A new structure and the invitation of its first administrator, in one
   * transaction: a structure never exists without someone invited to run it.
   * One that looks like an existing one is refused (LikelyDuplicateRefusal)
   * unless `confirmDuplicate` says the Région checked it is another.
   */
  async createStructureWithAdmin(
    input: z.infer<typeof newStructureInput>,
    adminEmail: string,
    actor: { kind: 'user'; userId: string } | { kind: 'cli' },
    lang: Locale,
    options: { confirmDuplicate?: boolean } = {},
  ): Promise<StructureRow> {
    if (!emailInput.safeParse(adminEmail).success) throw new DomainError('validation_failed', 400);
    // Same name or same site as an existing structure: only once the Région confirms it is another.
    await this.structures.refuseLikelyDuplicate(input, options.confirmDuplicate === true);
    return this.structures.create(input, actor, async (tx, structure) => {
      await this.invite(structure.id, { email: adminEmail, role: 'admin' }, actor, lang, tx);
    });
  }

  private async sendInvitation(
    tx: Database,
    structure: StructureRow,
    invitee: { email: string; role: MembershipRole; userId: string | null },
    actor: Actor,
    lang: Locale,
  ): Promise<void> {
    const inviterId = actor.kind === 'user' ? actor.userId : null;
    const inviter = inviterId ? await findUserById(tx, inviterId) : undefined;
    const now = this.now();
    const token = await createOneTimeToken(tx, {
      createdAt: now,
      purpose: 'invitation',
      email: invitee.email,
      userId: invitee.userId,
      structureId: structure.id,
      role: invitee.role,
      createdByUserId: inviterId,
      expiresAt: new Date(now.getTime() + INVITATION_MS),
    });
    const t = translator(lang);
    const role = t(invitee.role === 'admin' ? 'accounts.role.admin' : 'accounts.role.advisor');
    const subject = t('accounts.mail.invitation.subject', { structure: structure.name });
    await enqueueMail(
      tx,
      {
        kind: 'invitation',
        to: invitee.email,
        subject,
        ...composeMail({
          lang,
          title: subject,
          greeting: t('accounts.mail.hello'),
          paragraphs: [
            inviter
              ? t('accounts.mail.invitation.byPerson', { inviter: inviter.name, structure: structure.name, role })
              : t('accounts.mail.invitation.body', { structure: structure.name, role }),
            t('accounts.mail.invitation.what'),
            t('accounts.mail.invitation.validity'),
          ],
          action: { label: t('accounts.mail.invitation.action'), url: this.urls.invitation(token) },
          footer: [t('accounts.mail.invitation.footer')],
        }),
        structureId: structure.id,
        createdByUserId: inviterId,
      },
      { now },
    );
  }
}

async function listMembershipsOf(db: Database, userId: string): Promise<string[]> {
  return (await listMembershipsOfUser(db, userId)).map((m) => m.structureId);
}
