import type { Config } from './config/config.ts';
import { type DatabaseHandle, type DatabaseOptions, openDatabase } from './db/database.ts';
import { AwardImportRunner } from './services/award-imports/runner.ts';
import { ExpiryReminderRunner } from './services/expiry-reminders.ts';
import { LinkRequestRunner } from './services/link-requests.ts';
import { MailDispatcher } from './services/mail/dispatcher.ts';
import { SmtpTransport } from './services/mail/transport.ts';
import { createServices, type Services } from './services/index.ts';
import { loadMasterKey, MasterKey, masterKeyWarning } from './services/master-key.ts';
import { systemClock } from './clock.ts';

export interface Platform {
  config: Config;
  database: DatabaseHandle;
  services: Services;
  /** Sends the outbox in the background (every instance runs one); stopped by close(). */
  mailDispatcher: MailDispatcher | null;
  /** Awards the confirmed CSV imports in the background; null in a one-off CLI command. */
  awardImportRunner: AwardImportRunner | null;
  /** Sends the forgotten-password and sign-in links asked for (LinkRequests); null in a one-off CLI command. */
  linkRequestRunner: LinkRequestRunner | null;
  /** Reminds learners of badges that expire within 30 days; null in a one-off CLI command. */
  expiryReminderRunner: ExpiryReminderRunner | null;
  /** Things an operator must hear about at start-up (never secrets). */
  warnings: string[];
  close(): Promise<void>;
}

export function databaseOptions(config: Config): DatabaseOptions {
  return config.DATABASE_URL ? { kind: 'postgres', url: config.DATABASE_URL } : { kind: 'pglite', dataDir: config.DATA_DIR };
}

/**
 * Opens the database, brings it up to date and wires the services: what the
 * server and every CLI command start with.
 */
export async function openPlatform(
  config: Config,
  overrides: {
    database?: DatabaseOptions;
    masterKey?: MasterKey;
    now?: () => Date;
    /**
     * Whether this process sends the outbox (default true). A one-off CLI
     * command passes false: it must not hold or send the server's mail.
     */
    dispatchMail?: boolean;
  } = {},
): Promise<Platform> {
  const warnings: string[] = [];
  let masterKey = overrides.masterKey;
  if (!masterKey) {
    const source = loadMasterKey({ masterKey: config.MASTER_KEY, dataDir: config.DATA_DIR });
    masterKey = source.masterKey;
    const warning = masterKeyWarning(source);
    if (warning) warnings.push(warning);
  }
  const now = overrides.now ?? systemClock;
  const database = await openDatabase(overrides.database ?? databaseOptions(config));
  try {
    await database.migrate();
  } catch (error) {
    await database.close();
    throw error;
  }
  const services = createServices({
    db: database.db,
    masterKey,
    publicUrl: config.PUBLIC_URL,
    now,
    mailConfigured: Boolean(config.SMTP_URL),
    verifierAllowPrivateNetworks: config.VERIFIER_ALLOW_PRIVATE_NETWORKS,
  });
  try {
    await services.keys.checkMasterKey();
    await services.ob3Keys.checkMasterKey();
  } catch (error) {
    await database.close();
    throw error;
  }
  let mailDispatcher: MailDispatcher | null = null;
  if (overrides.dispatchMail !== false) {
    if (!config.SMTP_URL) {
      warnings.push(
        'SMTP_URL is not set: no email is sent. Messages are kept (held) for the platform administrator at /espace/plateforme/courriels.',
      );
    }
    mailDispatcher = new MailDispatcher(database.db, {
      transport: config.SMTP_URL ? new SmtpTransport(config.SMTP_URL) : null,
      from: config.MAIL_FROM,
      pollIntervalMs: config.MAIL_POLL_INTERVAL_MS,
      signal: services.mailSignal,
      unsubscribe: services.unsubscribe,
      now,
    });
    mailDispatcher.start();
  }
  // Same rule as the outbox: a one-off CLI command (dispatchMail: false) does no background work.
  // Both poll through src/services/background/poller.ts: a failed round is a process warning and a longer wait.
  let awardImportRunner: AwardImportRunner | null = null;
  let linkRequestRunner: LinkRequestRunner | null = null;
  let expiryReminderRunner: ExpiryReminderRunner | null = null;
  if (overrides.dispatchMail !== false) {
    awardImportRunner = new AwardImportRunner(services.awardImports);
    awardImportRunner.start();
    linkRequestRunner = new LinkRequestRunner(services.linkRequests);
    linkRequestRunner.start();
    expiryReminderRunner = new ExpiryReminderRunner(services.expiryReminders);
    expiryReminderRunner.start();
  }
  return {
    config,
    database,
    services,
    mailDispatcher,
    awardImportRunner,
    linkRequestRunner,
    expiryReminderRunner,
    warnings,
    async close() {
      // The dispatcher finishes its round while the database is still open.
      await mailDispatcher?.stop();
      // Stops between two batches; an unfinished import goes back to the queue.
      await awardImportRunner?.stop();
      await linkRequestRunner?.stop();
      await expiryReminderRunner?.stop();
      await services.signer.close();
      await database.close();
    },
  };
}
