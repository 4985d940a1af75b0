import type { Clock } from '../../clock.ts';
import type { Database } from '../../db/database.ts';
import type { Locale } from '../../i18n/index.ts';
import type { LocalChanges } from '../changes.ts';
import type { LinkRequests } from '../link-requests.ts';
import type { PublicUrls } from '../urls.ts';
import { LearnerBadges } from './badges.ts';
import { LearnerPrivacy } from './privacy.ts';
import { type LearnerSession, LearnerSignIn } from './sign-in.ts';

/**
 * The learner's space, as the web layer sees it: one service whose methods
 * each belong to one part — signing in (sign-in.ts), their badges and ways to
 * share them (badges.ts, with the printable attestation's layout in
 * attestation-pdf.ts), and their say over their personal data (privacy.ts).
 */
export class LearnerService {
  private readonly signIn: LearnerSignIn;
  private readonly owned: LearnerBadges;
  private readonly privacy: LearnerPrivacy;

  constructor(db: Database, urls: PublicUrls, changes: LocalChanges, now: Clock, linkRequests: LinkRequests) {
    this.signIn = new LearnerSignIn(db, urls, now, linkRequests);
    this.owned = new LearnerBadges(db, urls, now);
    this.privacy = new LearnerPrivacy(db, urls, changes, now);
  }

  // Signing in
  requestSignInLink: LearnerSignIn['requestSignInLink'] = (address, lang, origin) => this.signIn.requestSignInLink(address, lang, origin);
  sendSignInLink: LearnerSignIn['sendSignInLink'] = (tx, request) => this.signIn.sendSignInLink(tx, request);
  linkState = (token: string) => this.signIn.linkState(token);
  openSession = (token: string, previousSessionToken?: string, lang?: Locale) => this.signIn.openSession(token, previousSessionToken, lang);
  resolveSession = (token: string) => this.signIn.resolveSession(token);
  signOut = (session: LearnerSession) => this.signIn.signOut(session);

  // Badges and sharing
  statusOf: LearnerBadges['statusOf'] = (badge) => this.owned.statusOf(badge);
  badges = (session: LearnerSession) => this.owned.badges(session);
  badge = (session: LearnerSession, id: string) => this.owned.badge(session, id);
  linkedInUrl: LearnerBadges['linkedInUrl'] = (row) => this.owned.linkedInUrl(row);
  qrSvg = (session: LearnerSession, id: string) => this.owned.qrSvg(session, id);
  qrPng = (session: LearnerSession, id: string) => this.owned.qrPng(session, id);
  attestationPdf = (session: LearnerSession, id: string, lang: Locale) => this.owned.attestationPdf(session, id, lang);

  // Privacy
  preferences = (session: LearnerSession) => this.privacy.preferences(session);
  setNameHidden = (session: LearnerSession, hide: boolean) => this.privacy.setNameHidden(session, hide);
  exportData = (session: LearnerSession) => this.privacy.exportData(session);
  erase = (session: LearnerSession) => this.privacy.erase(session);
}
