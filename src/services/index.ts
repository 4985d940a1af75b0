import { type Clock, systemClock } from '../clock.ts';
import { type Database, pingDatabase } from '../db/database.ts';
import { AccountService } from './account-links.ts';
import { ApiTokenService } from './api-tokens.ts';
import { AuthService } from './staff-sign-in.ts';
import { DeviceCookies } from './device-cookies.ts';
import { AwardImportService } from './award-imports/service.ts';
import { AwardingService } from './awarding.ts';
import { BadgeClassService } from './badge-classes.ts';
import { CatalogueService } from './catalogue.ts';
import { LocalChanges } from './changes.ts';
import { DocumentBuilder } from './documents.ts';
import { StructureLearnerService } from './structure-learners.ts';
import { FollowingService } from './following.ts';
import { FormSubmissions } from './form-submissions.ts';
import { LearnerService } from './learners/service.ts';
import { LinkRequests } from './link-requests.ts';
import { AwardMails } from './mail/award-mail.ts';
import { MailService } from './mail/service.ts';
import { NotificationMails } from './mail/notifications.ts';
import { MailSignal } from './mail/signal.ts';
import { ExpiryReminders } from './expiry-reminders.ts';
import { UnsubscribeLinks } from './mail/unsubscribe-links.ts';
import type { MasterKey } from './master-key.ts';
import { ProgrammeRules } from './programme-rules.ts';
import { OpenBadgeCredentialService } from './open-badges-v3/credentials.ts';
import { Ob3KeyService } from './open-badges-v3/keys.ts';
import { Ob3Urls } from './open-badges-v3/urls.ts';
import { PublicationService } from './publication.ts';
import { RemoteDocuments } from './remote-documents.ts';
import { SigningKeyService } from './signing-keys.ts';
import { AssertionSigner } from './signing/signer.ts';
import { StructureService } from './structures.ts';
import { PublicUrls } from './urls.ts';
import { UserService } from './users.ts';
import { VerifierService } from './verifier.ts';
import { WorkspaceService } from './workspace.ts';

export interface ServiceDependencies {
  db: Database;
  masterKey: MasterKey;
  publicUrl: string;
  /** The one clock (src/clock.ts); tests give a fixed one. */
  now?: Clock;
  /** Whether SMTP_URL is set (the outbox pages say so when it is not). */
  mailConfigured?: boolean;
  /** VERIFIER_ALLOW_PRIVATE_NETWORKS: only the test suite turns it on. */
  verifierAllowPrivateNetworks?: boolean;
}

/** Wires the use cases together; the web layer and the CLI each build one set. */
export function createServices(deps: ServiceDependencies) {
  const now = deps.now ?? systemClock;
  const urls = new PublicUrls(deps.publicUrl);
  const documents = new DocumentBuilder(urls);
  const changes = new LocalChanges();
  const keys = new SigningKeyService(deps.db, deps.masterKey, changes, now);
  const structures = new StructureService(deps.db, keys, changes, now);
  const signer = new AssertionSigner();
  const auth = new AuthService(deps.db, now, new DeviceCookies(deps.masterKey.deriveKey('insigne:device-cookie:v1')));
  const mailSignal = new MailSignal();
  const unsubscribe = new UnsubscribeLinks(deps.masterKey.deriveKey('insigne:unsubscribe:v1'), urls);
  const notifications = new NotificationMails(urls, unsubscribe, mailSignal);
  const awarding = new AwardingService(
    deps.db,
    keys,
    documents,
    signer,
    changes,
    new AwardMails(urls, unsubscribe, mailSignal, notifications),
    now,
    new ProgrammeRules(urls),
  );
  const publication = new PublicationService(deps.db, urls, documents, keys, awarding, changes, now);
  const ob3Urls = new Ob3Urls(urls);
  const ob3Keys = new Ob3KeyService(deps.db, deps.masterKey, ob3Urls, changes, now);
  const openBadges3 = new OpenBadgeCredentialService(deps.db, urls, ob3Urls, ob3Keys, changes, now);
  const linkRequests = new LinkRequests(deps.db, now, mailSignal);
  const accounts = new AccountService(deps.db, auth, structures, urls, now, linkRequests);
  const learners = new LearnerService(deps.db, urls, changes, now, linkRequests);
  linkRequests.handle({
    'password-reset': (tx, request) => accounts.sendPasswordReset(tx, request),
    'learner-sign-in': (tx, request) => learners.sendSignInLink(tx, request),
  });
  return {
    /** The one clock, for the web layer's few own needs (a form's minimum date, say). */
    clock: now,
    signer,
    urls,
    documents,
    keys,
    structures,
    users: new UserService(deps.db, structures, now),
    apiTokens: new ApiTokenService(deps.db, structures, now),
    badgeClasses: new BadgeClassService(deps.db, changes, now),
    catalogue: new CatalogueService(deps.db, now, notifications),
    awarding,
    awardImports: new AwardImportService(deps.db, awarding, now),
    structureLearners: new StructureLearnerService(deps.db, awarding, urls, now),
    mailSignal,
    unsubscribe,
    mail: new MailService(deps.db, { configured: deps.mailConfigured === true, now }),
    publication,
    /** Open Badges 3.0: the credentials, their keys and status lists. */
    openBadges3,
    ob3Keys,
    verifier: new VerifierService(
      publication,
      urls,
      new RemoteDocuments({ allowPrivateNetworks: deps.verifierAllowPrivateNetworks === true }),
      now,
      openBadges3,
    ),
    auth,
    accounts,
    /** The forgotten-password and sign-in link requests, done in the background (src/platform.ts runs them). */
    linkRequests,
    workspace: new WorkspaceService(deps.db, urls, now),
    following: new FollowingService(deps.db, urls, now),
    /** The one-time keys that make a workspace form sent twice do its work once. */
    formSubmissions: new FormSubmissions(deps.db, now),
    learners,
    /** The reminders of badges that expire soon, sent in the background (src/platform.ts runs them). */
    expiryReminders: new ExpiryReminders(deps.db, notifications, now),
    /** Whether the database answers (GET /readyz). */
    pingDatabase: () => pingDatabase(deps.db),
  };
}

export type Services = ReturnType<typeof createServices>;
