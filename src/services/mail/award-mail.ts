import type { Database } from '../../db/database.ts';
import { createOneTimeTokens } from '../../db/repositories/one-time-tokens.ts';
import { enqueueMail, type OutgoingMail } from '../../db/repositories/outbox.ts';
import { translator } from '../../i18n/index.ts';
import type { PublicUrls } from '../urls.ts';
import { composeMail } from './compose.ts';
import type { NotificationMails } from './notifications.ts';
import type { MailSignal } from './signal.ts';
import type { UnsubscribeLinks } from './unsubscribe-links.ts';

/** How long the link of an award email opens the learner's space. */
export const LEARNER_LINK_DAYS = 30;
const DAY_MS = 86_400_000;

/** What an award email says, gathered by the awarding service. */
export interface AwardMailFacts {
  assertionId: string;
  structureId: string;
  recipientEmail: string;
  recipientName: string;
  badgeName: string;
  badgeDescription: string;
  structureName: string;
  structureEmail: string;
  /** The advisor's personal message, as typed (plain text). */
  message?: string | null;
  /** Who wrote it: the advisor's name, or null when an integration awarded. */
  authorName?: string | null;
  /** A second sending (re-send, corrected address): said in the email. */
  again?: boolean;
}

/** "What it certifies" in one line: the description's first sentence, kept short. */
export function oneLine(description: string, max = 220): string {
  const flat = description.replace(/\s+/g, ' ').trim();
  const first = /^(.+?[.!?])(?:\s|$)/.exec(flat)?.[1] ?? flat;
  return first.length <= max ? first : `${first.slice(0, max - 1).replace(/\s+\S*$/, '')}…`;
}

/**
 * The email that tells a learner they received a badge: in French, in plain
 * words, with one big button to their space (a sign-in link valid 30 days)
 * and the badge's public verification address, which always works.
 */
export class AwardMails {
  constructor(
    private readonly urls: PublicUrls,
    private readonly unsubscribe: UnsubscribeLinks,
    private readonly signal: MailSignal,
    /** The other emails about an award (its revocation), written in the same transactions. */
    readonly notifications: NotificationMails,
  ) {}

  compose(facts: AwardMailFacts, signInToken: string): OutgoingMail {
    // Learners read in French: the programme is regional and its public is French-speaking.
    const t = translator('fr');
    const badge = facts.badgeName;
    const structure = facts.structureName;
    const subject = t(facts.again ? 'mail.award.subjectAgain' : 'mail.award.subject', { badge, structure });
    const { text, html } = composeMail({
      lang: 'fr',
      title: subject,
      greeting: t('mail.award.greeting', { name: facts.recipientName }),
      paragraphs: [
        t('mail.award.awarded', { structure, badge }),
        t('mail.award.certifies', { summary: oneLine(facts.badgeDescription) }),
        ...(facts.again ? [t('mail.award.again')] : []),
      ],
      quote: facts.message?.trim()
        ? {
            text: facts.message.trim(),
            author: facts.authorName ? t('mail.award.quoteAuthor', { name: facts.authorName, structure }) : structure,
          }
        : undefined,
      action: { label: t('mail.award.action'), url: this.urls.learnerSignIn(signInToken) },
      links: [{ text: t('mail.award.verification'), url: this.urls.assertion(facts.assertionId) }],
      closing: [
        t('mail.award.howTo', { days: LEARNER_LINK_DAYS, space: this.urls.learnerSpace() }),
        t('mail.award.help', { structure, email: facts.structureEmail }),
      ],
      footer: [t('mail.award.footer', { structure })],
      footerLinks: [{ label: t('mail.award.unsubscribe'), url: this.unsubscribe.url(facts.recipientEmail) }],
    });
    return {
      kind: 'award',
      to: facts.recipientEmail,
      subject,
      text,
      html,
      structureId: facts.structureId,
      assertionId: facts.assertionId,
    };
  }

  /**
   * Writes the emails of these awards into the outbox, each with its own
   * sign-in link: one insert for the links, one for the messages. Call it in
   * the award's transaction, then `notify()` once it has committed.
   */
  async enqueue(db: Database, awards: AwardMailFacts[], options: { now: Date; createdByUserId: string | null }): Promise<void> {
    if (awards.length === 0) return;
    const expiresAt = new Date(options.now.getTime() + LEARNER_LINK_DAYS * DAY_MS);
    const tokens = await createOneTimeTokens(
      db,
      awards.map((a) => ({
        purpose: 'learner-sign-in' as const,
        email: a.recipientEmail,
        createdAt: options.now,
        expiresAt,
        createdByUserId: options.createdByUserId,
      })),
    );
    await enqueueMail(
      db,
      awards.map((a, i) => ({ ...this.compose(a, tokens[i]!), createdByUserId: options.createdByUserId })),
      { now: options.now },
    );
  }

  /** Wakes this process's dispatcher: the messages go now rather than at its next poll. */
  notify(): void {
    this.signal.notify();
  }
}
