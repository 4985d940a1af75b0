import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import type { Database } from '../../db/database.ts';
import {
  countSignInLinksExpiringBetween,
  deleteEndedLearnerSessions,
  deleteLearnerSession,
  findLearnerSession,
  findSignInLink,
  hasBadges,
  insertLearnerSession,
  touchLearnerSession,
} from '../../db/repositories/learners.ts';
import { consumeOneTimeToken, createOneTimeToken } from '../../db/repositories/one-time-tokens.ts';
import { setLearnerLanguage } from '../../db/repositories/notifications.ts';
import { enqueueMail } from '../../db/repositories/outbox.ts';
import { type Locale, translator } from '../../i18n/index.ts';
import { normaliseEmail } from '../../openbadges/index.ts';
import { DomainError } from '../errors.ts';
import { email as emailSchema } from '../inputs.ts';
import { composeMail } from '../mail/compose.ts';
import type { LinkRequest, LinkRequests } from '../link-requests.ts';
import type { PublicUrls } from '../urls.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** A sign-in link asked for on the site works for an hour, once. */
export const SIGN_IN_LINK_MS = HOUR_MS;
/** A learner's session ends 30 days after the link was followed… */
export const LEARNER_SESSION_ABSOLUTE_MS = 30 * DAY_MS;
/** …or after a week without a visit. */
export const LEARNER_SESSION_IDLE_MS = 7 * DAY_MS;
const SESSION_TOUCH_MS = MINUTE_MS;
/** At most this many links per address per quarter hour, whoever asks: an inbox is not a target. */
const LINKS_PER_WINDOW = 3;
const LINK_WINDOW_MS = 15 * MINUTE_MS;

const SESSION_TOKEN = /^[A-Za-z0-9_-]{43}$/;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export interface LearnerSession {
  /** SHA-256 of the cookie's token. */
  id: string;
  email: string;
  csrfSecret: string;
  expiresAt: Date;
}

export type LinkState = { state: 'usable'; email: string } | { state: 'used' | 'expired'; email: string } | { state: 'unknown' };

/**
 * The learner's way in: no password, a link by email opens a session, which
 * ends after 30 days or a week without a visit.
 */
export class LearnerSignIn {
  constructor(
    private readonly db: Database,
    private readonly urls: PublicUrls,
    private readonly now: Clock,
    private readonly linkRequests: LinkRequests,
  ) {}

  /**
   * Asks for a sign-in link: queued whatever the address (LinkRequests), so
   * that the answer, the same for all, also takes the same time for all.
   */
  async requestSignInLink(address: string, lang: Locale, origin: { ip: string }): Promise<void> {
    const parsed = emailSchema.safeParse(address);
    if (!parsed.success) throw new DomainError('validation_failed', 400);
    await this.linkRequests.queue('learner-sign-in', { email: normaliseEmail(parsed.data), lang, ip: origin.ip });
  }

  /**
   * The work behind a queued request (LinkRequests' runner): sends a sign-in
   * link, but only to an address that has badges and has not just received several.
   */
  async sendSignInLink(tx: Database, request: LinkRequest): Promise<void> {
    const { email, lang } = request;
    const now = this.now();
    if (!(await hasBadges(tx, email))) return;
    const recent = await countSignInLinksExpiringBetween(
      tx,
      email,
      new Date(now.getTime() + SIGN_IN_LINK_MS - LINK_WINDOW_MS),
      new Date(now.getTime() + SIGN_IN_LINK_MS),
    );
    if (recent >= LINKS_PER_WINDOW) return;
    // The language the link was asked in is the learner's, for the emails that follow (revocation, expiry).
    await setLearnerLanguage(tx, email, lang, now);
    const token = await createOneTimeToken(tx, {
      createdAt: now,
      purpose: 'learner-sign-in',
      email,
      expiresAt: new Date(now.getTime() + SIGN_IN_LINK_MS),
    });
    const t = translator(lang);
    const url = this.urls.learnerSignIn(token);
    const subject = t('learner.mail.subject');
    const body = composeMail({
      lang,
      title: subject,
      greeting: t('learner.mail.greeting'),
      paragraphs: [t('learner.mail.intro'), t('learner.mail.validity')],
      action: { label: t('learner.mail.action'), url },
      footer: [t('learner.mail.footer')],
    });
    await enqueueMail(tx, { kind: 'learner-sign-in', to: email, subject, text: body.text, html: body.html }, { now });
  }

  /** What a link is now, without using it: mail scanners open links before people do. */
  async linkState(token: string): Promise<LinkState> {
    if (!SESSION_TOKEN.test(token)) return { state: 'unknown' };
    const row = await findSignInLink(this.db, sha256(token));
    if (!row) return { state: 'unknown' };
    if (row.usedAt) return { state: 'used', email: row.email };
    if (row.expiresAt <= this.now()) return { state: 'expired', email: row.email };
    return { state: 'usable', email: row.email };
  }

  /**
   * Uses the link and opens a session, in one transaction: a second click
   * (or a race of two) finds the link used. Returns null when it cannot be used.
   */
  async openSession(token: string, previousSessionToken?: string, lang?: Locale): Promise<{ token: string; expiresAt: Date } | null> {
    if (!SESSION_TOKEN.test(token)) return null;
    const now = this.now();
    const sessionToken = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + LEARNER_SESSION_ABSOLUTE_MS);
    const opened = await this.db.transaction(async (tx) => {
      const link = await consumeOneTimeToken(tx, 'learner-sign-in', token, now);
      if (!link) return false;
      if (previousSessionToken && SESSION_TOKEN.test(previousSessionToken)) {
        await deleteLearnerSession(tx, sha256(previousSessionToken));
      }
      await insertLearnerSession(tx, {
        idHash: sha256(sessionToken),
        email: link.email,
        csrfSecret: randomBytes(32).toString('base64url'),
        createdAt: now,
        lastSeenAt: now,
        expiresAt,
      });
      // The language the space was opened in is the learner's, for the emails that follow (revocation, expiry).
      if (lang) await setLearnerLanguage(tx, link.email, lang, now);
      return true;
    });
    if (!opened) return null;
    await deleteEndedLearnerSessions(this.db, now, new Date(now.getTime() - LEARNER_SESSION_IDLE_MS));
    return { token: sessionToken, expiresAt };
  }

  /** The session a cookie opens, or null (an ended one is deleted). */
  async resolveSession(token: string): Promise<LearnerSession | null> {
    if (!SESSION_TOKEN.test(token)) return null;
    const id = sha256(token);
    const row = await findLearnerSession(this.db, id);
    if (!row) return null;
    const now = this.now();
    if (now >= row.expiresAt || now.getTime() - row.lastSeenAt.getTime() >= LEARNER_SESSION_IDLE_MS) {
      await deleteLearnerSession(this.db, id);
      return null;
    }
    if (now.getTime() - row.lastSeenAt.getTime() >= SESSION_TOUCH_MS) await touchLearnerSession(this.db, id, now);
    return { id, email: row.email, csrfSecret: row.csrfSecret, expiresAt: row.expiresAt };
  }

  async signOut(session: LearnerSession): Promise<void> {
    await deleteLearnerSession(this.db, session.id);
  }
}
