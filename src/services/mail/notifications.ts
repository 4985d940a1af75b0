import type { Database } from '../../db/database.ts';
import { findLearnerLanguages, listPlatformAdmins } from '../../db/repositories/notifications.ts';
import { createOneTimeTokens } from '../../db/repositories/one-time-tokens.ts';
import { enqueueMail, type OutgoingMail } from '../../db/repositories/outbox.ts';
import { formatDate, type Locale, LOCALES, translator } from '../../i18n/index.ts';
import { normaliseEmail } from '../../openbadges/index.ts';
import type { PublicUrls } from '../urls.ts';
import { LEARNER_LINK_DAYS, oneLine } from './award-mail.ts';
import { composeMail } from './compose.ts';
import type { MailSignal } from './signal.ts';
import type { UnsubscribeLinks } from './unsubscribe-links.ts';

const DAY_MS = 86_400_000;

/** A structure proposed one of its badges for the shared catalogue: the Région is told. */
export interface ProposalFacts {
  badgeName: string;
  badgeDescription: string;
  structureName: string;
  proposerName: string | null;
  createdByUserId: string | null;
}

/** The Région accepted or declined a proposal: the structure that made it is told. */
export interface DecisionFacts {
  structureId: string;
  structureName: string;
  /** The structure's badge class that was proposed (its page has the answer too), if it still exists. */
  badgeClassId: string | null;
  badgeName: string;
  decision: 'accepted' | 'declined';
  /** The Région's reason, as typed (declined only). */
  note: string | null;
  deciderName: string | null;
  /** Lower-cased, without repeats: the structure's contact address and the person who proposed. */
  recipients: string[];
  createdByUserId: string | null;
}

/** A badge revoked by its structure: the learner is told why. */
export interface RevocationFacts {
  assertionId: string;
  structureId: string;
  recipientEmail: string;
  recipientName: string;
  issuedOn: Date;
  badgeName: string;
  structureName: string;
  structureEmail: string;
  reason: string;
  createdByUserId: string | null;
}

/** A badge that expires soon (src/services/expiry-reminders.ts). */
export interface ExpiryFacts {
  id: string;
  structureId: string;
  recipientEmail: string;
  recipientName: string;
  expires: Date;
  badgeName: string;
  structureName: string;
  structureEmail: string;
}

const asLocale = (lang: string | undefined): Locale => ((LOCALES as readonly string[]).includes(lang ?? '') ? (lang as Locale) : 'fr');

/**
 * The emails that tell people what concerns them, beyond the award email
 * (award-mail.ts): the Région of a catalogue proposal, a structure of the
 * Région's answer, a learner of a revocation and of an expiry near. Each
 * is written to the outbox in the transaction of what causes it. Staff
 * read the platform in French; a learner reads in the language they last
 * used in their space (learner_preferences.lang), else French, and every
 * learner email carries the unsubscribe link (and, from the dispatcher, the
 * one-click List-Unsubscribe headers).
 */
export class NotificationMails {
  constructor(
    private readonly urls: PublicUrls,
    private readonly unsubscribe: UnsubscribeLinks,
    private readonly signal: MailSignal,
  ) {}

  /** Every platform administrator is told of a new proposal (one message each). */
  async catalogueProposal(db: Database, facts: ProposalFacts, now: Date): Promise<void> {
    const admins = await listPlatformAdmins(db);
    if (admins.length === 0) return;
    const t = translator('fr');
    const badge = facts.badgeName;
    const structure = facts.structureName;
    const subject = t('notifications.proposal.subject', { badge, structure });
    await enqueueMail(
      db,
      admins.map((admin) => ({
        kind: 'catalogue-proposal' as const,
        to: normaliseEmail(admin.email),
        subject,
        ...composeMail({
          lang: 'fr',
          title: subject,
          greeting: t('notifications.proposal.greeting', { name: admin.name }),
          paragraphs: [
            t('notifications.proposal.body', { structure, badge }),
            t('notifications.proposal.summary', { summary: oneLine(facts.badgeDescription) }),
            ...(facts.proposerName ? [t('notifications.proposal.by', { name: facts.proposerName })] : []),
          ],
          action: { label: t('notifications.proposal.action'), url: this.urls.platformCatalogue() },
          closing: [t('notifications.proposal.next')],
          footer: [t('notifications.proposal.footer')],
        }),
        // Addressed to the Région, not the structure: its outbox does not list the Région's addresses.
        structureId: null,
        createdByUserId: facts.createdByUserId,
      })),
      { now },
    );
  }

  /** The proposing structure hears the answer, with the Région's reason when declined. */
  async catalogueDecision(db: Database, facts: DecisionFacts, now: Date): Promise<void> {
    if (facts.recipients.length === 0) return;
    const t = translator('fr');
    const badge = facts.badgeName;
    const declined = facts.decision === 'declined';
    const subject = t(declined ? 'notifications.decision.declined.subject' : 'notifications.decision.accepted.subject', { badge });
    const body = composeMail({
      lang: 'fr',
      title: subject,
      greeting: t('notifications.decision.greeting'),
      paragraphs: [t(declined ? 'notifications.decision.declined.body' : 'notifications.decision.accepted.body', { badge })],
      quote:
        declined && facts.note
          ? {
              text: facts.note,
              author: facts.deciderName
                ? t('notifications.decision.declined.author', { name: facts.deciderName })
                : t('notifications.decision.declined.authorRegion'),
            }
          : undefined,
      action: facts.badgeClassId
        ? { label: t('notifications.decision.action'), url: this.urls.workspaceBadgeClass(facts.badgeClassId) }
        : undefined,
      closing: [t(declined ? 'notifications.decision.declined.next' : 'notifications.decision.accepted.next')],
      footer: [t('notifications.decision.footer', { structure: facts.structureName })],
    });
    await enqueueMail(
      db,
      facts.recipients.map((to) => ({
        kind: 'catalogue-decision' as const,
        to,
        subject,
        ...body,
        structureId: facts.structureId,
        createdByUserId: facts.createdByUserId,
      })),
      { now },
    );
  }

  /** The learner hears that a badge was revoked and why (never for an erasure they asked for: that path sends nothing). */
  async revocation(db: Database, facts: RevocationFacts, now: Date): Promise<void> {
    const langs = await findLearnerLanguages(db, [facts.recipientEmail]);
    const lang = asLocale(langs.get(facts.recipientEmail));
    const t = translator(lang);
    const [token] = await this.signInTokens(db, [facts.recipientEmail], now, facts.createdByUserId);
    const badge = facts.badgeName;
    const structure = facts.structureName;
    const subject = t('notifications.revocation.subject', { badge });
    const mail: OutgoingMail = {
      kind: 'revocation',
      to: facts.recipientEmail,
      subject,
      ...composeMail({
        lang,
        title: subject,
        greeting: t('notifications.learner.greeting', { name: facts.recipientName }),
        paragraphs: [t('notifications.revocation.body', { structure, badge, date: formatDate(facts.issuedOn, lang) })],
        quote: { text: facts.reason, author: structure },
        action: { label: t('notifications.learner.action'), url: this.urls.learnerSignIn(token!) },
        closing: [
          t('notifications.revocation.meaning'),
          t('notifications.learner.howTo', { days: LEARNER_LINK_DAYS, space: this.urls.learnerSpace() }),
          t('notifications.learner.help', { structure, email: facts.structureEmail }),
        ],
        footer: [t('notifications.learner.footer', { structure })],
        footerLinks: [{ label: t('notifications.learner.unsubscribe'), url: this.unsubscribe.url(facts.recipientEmail) }],
      }),
      structureId: facts.structureId,
      assertionId: facts.assertionId,
      createdByUserId: facts.createdByUserId,
    };
    await enqueueMail(db, mail, { now });
  }

  /** One reminder per award, each with its own link to the learner's space. */
  async expiryReminders(db: Database, awards: ExpiryFacts[], now: Date): Promise<void> {
    if (awards.length === 0) return;
    const langs = await findLearnerLanguages(db, [...new Set(awards.map((a) => a.recipientEmail))]);
    const tokens = await this.signInTokens(
      db,
      awards.map((a) => a.recipientEmail),
      now,
      null,
    );
    const mails = awards.map((award, i): OutgoingMail => {
      const lang = asLocale(langs.get(award.recipientEmail));
      const t = translator(lang);
      const badge = award.badgeName;
      const structure = award.structureName;
      const date = formatDate(award.expires, lang);
      const days = Math.max(1, Math.ceil((award.expires.getTime() - now.getTime()) / DAY_MS));
      const subject = t('notifications.expiry.subject', { badge, date });
      return {
        kind: 'expiry-reminder',
        to: award.recipientEmail,
        subject,
        ...composeMail({
          lang,
          title: subject,
          greeting: t('notifications.learner.greeting', { name: award.recipientName }),
          paragraphs: [
            t('notifications.expiry.body', { badge, structure, date, days }),
            t('notifications.expiry.after', { structure, email: award.structureEmail }),
          ],
          action: { label: t('notifications.learner.action'), url: this.urls.learnerSignIn(tokens[i]!) },
          closing: [t('notifications.learner.howTo', { days: LEARNER_LINK_DAYS, space: this.urls.learnerSpace() })],
          footer: [t('notifications.learner.footer', { structure })],
          footerLinks: [{ label: t('notifications.learner.unsubscribe'), url: this.unsubscribe.url(award.recipientEmail) }],
        }),
        structureId: award.structureId,
        assertionId: award.id,
      };
    });
    await enqueueMail(db, mails, { now });
  }

  /** Wakes this process's dispatcher once what was queued has committed. */
  notify(): void {
    this.signal.notify();
  }

  /** Sign-in links to the learner's space, valid as long as an award email's. */
  private signInTokens(db: Database, emails: string[], now: Date, createdByUserId: string | null): Promise<string[]> {
    const expiresAt = new Date(now.getTime() + LEARNER_LINK_DAYS * DAY_MS);
    return createOneTimeTokens(
      db,
      emails.map((email) => ({ purpose: 'learner-sign-in' as const, email, createdAt: now, expiresAt, createdByUserId })),
    );
  }
}
