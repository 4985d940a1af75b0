import { Command, CommanderError, Option } from 'commander';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../config/config.ts';
import { DataDirLockedError } from '../db/database.ts';
import { openPlatform, type Platform } from '../platform.ts';
import type { Actor } from '../services/audit.ts';
import { describeIssue } from '../i18n/validation-messages.ts';
import { DomainError } from '../services/errors.ts';
import { uuid } from '../services/ids.ts';
import { email as emailInput, isPlainLine, newStructureInput, newUserInput } from '../services/inputs.ts';
import { normaliseEmail } from '../openbadges/index.ts';
import { LikelyDuplicateRefusal } from '../services/structures.ts';
import { startServer } from '../server.ts';

/** A mistake in what the operator typed: said plainly, exit code 2. */
class UsageError extends Error {}

const CLI_ACTOR = { kind: 'cli' } as const satisfies Actor;

/** Where an invitation made here goes: the outbox, which the running server sends (or holds, without SMTP_URL). */
const INVITATION_NOTE = 'in the outbox, sent by the server; held for the Région if SMTP_URL is not set';

function parse<T extends z.ZodType>(schema: T, value: unknown, option?: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new UsageError(
    result.error.issues
      .map((issue) => {
        const { code, message, path, ...params } = issue;
        return `--${path.join('.') || option || 'input'} ${describeIssue({ keyword: code, message, params }, 'en')}`;
      })
      .join('\n'),
  );
}

function print(json: boolean, value: Record<string, unknown>, human: string) {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human}\n`);
}

async function withPlatform<T>(run: (platform: Platform) => Promise<T>): Promise<T> {
  // A one-off command neither holds nor sends the server's mail.
  const platform = await openPlatform(loadConfig(), { dispatchMail: false });
  for (const warning of platform.warnings) process.stderr.write(`warning: ${warning}\n`);
  try {
    return await run(platform);
  } finally {
    await platform.close();
  }
}

export function buildCli(): Command {
  const program = new Command('insigne')
    .description(
      'Insigne: Open Badges 2.0 issuing platform. Reads the same environment as the server (DATABASE_URL, DATA_DIR, MASTER_KEY, PUBLIC_URL).',
    )
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');

  program
    .command('serve')
    .description('Serve the platform (what `npm start` runs); stops cleanly on SIGTERM or Ctrl-C')
    .action(async () => {
      const server = await startServer(loadConfig());
      await new Promise<void>((resolve) => {
        const shutdown = () => {
          server.app.log.info('Stopping: finishing requests in flight');
          void server.stop().then(resolve);
        };
        process.once('SIGTERM', shutdown);
        process.once('SIGINT', shutdown);
      });
    });

  program
    .command('migrate')
    .description('Bring the database up to date (every command and the server also do it at start)')
    .action(async () => {
      await withPlatform(async (platform) => {
        process.stdout.write(`Database up to date (${platform.database.kind}).\n`);
      });
    });

  const structure = program.command('structure').description('Manage structures (the issuers)');
  structure
    .command('create')
    .description('Create a structure, with its signing key and the regional catalogue of nine badges')
    .requiredOption('--name <name>', 'name shown on every badge')
    .requiredOption('--url <url>', 'the structure’s website (http:// or https://)')
    .requiredOption('--email <email>', 'contact address published in the issuer profile')
    .option('--description <text>', 'a sentence about the structure')
    .option('--telephone <number>', 'published telephone number')
    .option('--admin <email>', 'invite its first administrator: an invitation email, valid 7 days, sent by the server’s outbox')
    .addOption(new Option('--lang <lang>', 'language of the invitation email').choices(['fr', 'en']).default('fr'))
    .option('--allow-duplicate', 'open it even if a structure with the same name or website exists')
    .option('--json', 'print JSON')
    .action(async (options) => {
      const { admin, lang, allowDuplicate, json, ...fields } = options;
      const input = parse(newStructureInput, fields);
      const adminEmail = admin === undefined ? undefined : parse(emailInput, admin, 'admin');
      await withPlatform(async ({ services }) => {
        const confirmed = allowDuplicate === true;
        const created = adminEmail
          ? await services.accounts.createStructureWithAdmin(input, adminEmail, CLI_ACTOR, lang, { confirmDuplicate: confirmed })
          : await services.structures.refuseLikelyDuplicate(input, confirmed).then(() => services.structures.create(input, CLI_ACTOR));
        const issuerUrl = services.urls.issuer(created.id);
        const invited = adminEmail ? normaliseEmail(adminEmail) : undefined;
        print(
          json,
          {
            id: created.id,
            name: created.name,
            url: created.url,
            email: created.email,
            issuer: issuerUrl,
            ...(invited ? { admin: { email: invited, invitation: INVITATION_NOTE } } : {}),
          },
          `Structure created: ${created.name}\n  id: ${created.id}\n  issuer profile: ${issuerUrl}` +
            (invited ? `\n  first administrator invited: ${invited} (${INVITATION_NOTE})` : ''),
        );
      });
    });

  const user = program.command('user').description('Manage user accounts');
  user
    .command('invite')
    .description('Invite someone into a structure by email: a one-time link, valid 7 days, sent by the server’s outbox')
    .requiredOption('--structure <id>', 'the structure they join')
    .requiredOption('--email <email>', 'their address')
    .addOption(new Option('--role <role>', 'role in the structure').choices(['admin', 'advisor']).makeOptionMandatory())
    .addOption(new Option('--lang <lang>', 'language of the invitation email').choices(['fr', 'en']).default('fr'))
    .option('--json', 'print JSON')
    .action(async (options) => {
      const structureId = parse(uuid, options.structure, 'structure');
      const email = normaliseEmail(parse(emailInput, options.email, 'email'));
      await withPlatform(async ({ services }) => {
        await services.accounts.invite(structureId, { email, role: options.role }, CLI_ACTOR, options.lang);
        print(
          options.json,
          { structure: structureId, email, role: options.role, invitation: INVITATION_NOTE },
          `Invitation of ${email} (${options.role}) queued: ${INVITATION_NOTE}.`,
        );
      });
    });

  user
    .command('create')
    .description('Create a user: a member of a structure (--structure and --role) or a platform administrator')
    .requiredOption('--email <email>', 'sign-in address')
    .requiredOption('--name <name>', 'full name')
    .requiredOption('--password <password>', 'at least 12 characters')
    .option('--structure <id>', 'the structure the user belongs to')
    .addOption(new Option('--role <role>', 'role in the structure').choices(['admin', 'advisor']))
    .option('--platform-admin', 'a platform administrator (the Région), not tied to a structure')
    .option('--json', 'print JSON')
    .action(async (options) => {
      const base = parse(newUserInput, options);
      if (options.platformAdmin && (options.structure || options.role)) {
        throw new UsageError('Give either --platform-admin, or --structure with --role, not both.');
      }
      if (!options.platformAdmin && !(options.structure && options.role)) {
        throw new UsageError('Give --structure ID with --role admin|advisor, or --platform-admin.');
      }
      const structureId = options.structure ? parse(uuid, options.structure, 'structure') : undefined;
      await withPlatform(async ({ services }) => {
        const user = await services.users.create(
          options.platformAdmin ? { ...base, platformAdmin: true } : { ...base, structureId: structureId!, role: options.role },
          CLI_ACTOR,
        );
        print(
          options.json,
          {
            id: user.id,
            email: user.email,
            name: user.name,
            platformAdmin: user.isPlatformAdmin,
            ...(structureId ? { structure: structureId, role: options.role } : {}),
          },
          `User created: ${user.name} <${user.email}>${user.isPlatformAdmin ? ' (platform administrator)' : ` (${options.role})`}\n  id: ${user.id}`,
        );
      });
    });

  program
    .command('token')
    .description('Manage API tokens')
    .command('create')
    .description('Create an API token for a structure; it is shown once, keep it safe')
    .requiredOption('--structure <id>', 'the structure the token acts for')
    .option('--name <name>', 'what the token is for, e.g. "Moodle"')
    .option('--json', 'print JSON')
    .action(async (options) => {
      const structureId = parse(uuid, options.structure, 'structure');
      const name =
        options.name === undefined
          ? undefined
          : parse(z.string().trim().min(1).max(100).refine(isPlainLine, 'control_characters'), options.name, 'name');
      await withPlatform(async ({ services }) => {
        const { token, record } = await services.apiTokens.create({ structureId, name }, CLI_ACTOR);
        print(
          options.json,
          { token, id: record.id, name: record.name, structure: structureId },
          `API token "${record.name}" created. It is shown only now:\n\n  ${token}\n\nUse it as: Authorization: Bearer ${token}`,
        );
      });
    });

  program
    .command('keys')
    .description('Manage signing keys')
    .command('rotate')
    .description(
      'Give a structure a new signing key (2.0) and add an Open Badges 3.0 key; the old ones stay published for files already downloaded',
    )
    .requiredOption('--structure <id>', 'the structure')
    .option('--json', 'print JSON')
    .action(async (options) => {
      const structureId = parse(uuid, options.structure, 'structure');
      await withPlatform(async ({ services }) => {
        const key = await services.keys.rotate(structureId, CLI_ACTOR);
        const keyUrl = services.urls.signingKey(structureId, key.id);
        // Open Badges 3.0: a key is added, none retired, so every 3.0 file signed before keeps verifying.
        const ob3Key = await services.ob3Keys.add(structureId, CLI_ACTOR);
        const ob3KeyUrl = services.openBadges3.ob3.key(structureId, ob3Key.id);
        print(
          options.json,
          { id: key.id, structure: structureId, publicKey: keyUrl, openBadges3Key: ob3KeyUrl },
          `New signing key for the structure: ${keyUrl}\nBadges downloaded from now on are signed with it.\n` +
            `New Open Badges 3.0 key: ${ob3KeyUrl}\nThe earlier 3.0 keys stay published, so 3.0 files signed before keep verifying.`,
        );
      });
    });

  program
    .command('catalogue')
    .description('The regional catalogue (src/catalogue/)')
    .command('sync')
    .description(
      "Carry the regional badges' name, description, criteria, alignment and image, as this release says them, to every structure's copy: a new version where it was awarded (earlier awards keep theirs)",
    )
    .option('--json', 'print JSON')
    .action(async (options) => {
      await withPlatform(async ({ services }) => {
        const result = await services.catalogue.syncRegional(services.badgeClasses, CLI_ACTOR);
        print(
          options.json,
          result,
          `Regional badges carried to the structures: ${result.updated} changed in place, ${result.versioned} made a new version.`,
        );
      });
    });

  return program;
}

const DOMAIN_MESSAGES: Partial<Record<string, string>> = {
  structure_not_found: 'No structure has this id. List them in the administration pages, or create one with `insigne structure create`.',
  user_exists: 'A user with this email already exists.',
  already_member: 'This address is already a member of the structure.',
  structure_closed: 'This structure is closed: reopen it first (the Région’s page of the structure).',
  not_found: 'Not found.',
};

/** Runs the CLI and returns the exit code: 0 done, 1 failed, 2 wrong usage. */
export async function main(argv: string[]): Promise<number> {
  const program = buildCli();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof UsageError || error instanceof ConfigError || error instanceof DataDirLockedError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    if (error instanceof LikelyDuplicateRefusal) {
      const list = error.duplicates.map(
        (d) => `  ${d.structure.name} <${d.structure.url}> (${d.reasons.join(' and ')}), id ${d.structure.id}`,
      );
      process.stderr.write(
        `error: A structure with the same name or website exists:\n${list.join('\n')}\nAdd --allow-duplicate if it is another one.\n`,
      );
      return 2;
    }
    if (error instanceof DomainError) {
      process.stderr.write(`error: ${DOMAIN_MESSAGES[error.code] ?? error.code}\n`);
      return 2;
    }
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return 1;
  }
}
