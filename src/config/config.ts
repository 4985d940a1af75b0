import { z } from 'zod';

/**
 * Everything Insigne reads from its environment. Parsed once at start-up so a
 * wrong value stops the process with a message naming the variable, instead of
 * failing later in the middle of a request.
 */
const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce
      .number({ message: 'PORT must be a number' })
      .int('PORT must be a whole number')
      .min(0, 'PORT must be between 0 and 65535')
      .max(65535, 'PORT must be between 0 and 65535')
      .default(3000),
    HOST: z.string().min(1, 'HOST must not be empty').default('0.0.0.0'),
    PUBLIC_URL: z
      .url({ message: 'PUBLIC_URL must be an absolute URL such as https://badges.example.org', abort: true })
      .refine((u) => /^https?:\/\//i.test(u), { message: 'PUBLIC_URL must start with http:// or https://', abort: true })
      .refine((u) => {
        const parsed = new URL(u);
        return parsed.pathname === '/' && !parsed.search && !parsed.hash;
      }, 'PUBLIC_URL must be an origin only (no path, query or fragment), e.g. https://badges.example.org')
      .default('http://localhost:3000')
      .transform((u) => new URL(u).origin),
    DATABASE_URL: z
      .string()
      .refine((u) => /^postgres(ql)?:\/\//.test(u), 'DATABASE_URL must start with postgres:// or postgresql://')
      .optional(),
    DATA_DIR: z.string().min(1, 'DATA_DIR must not be empty').default('./data'),
    MASTER_KEY: z
      .string()
      .refine(
        (k) => Buffer.from(k, 'base64').length === 32 && /^[A-Za-z0-9+/]+=*$/.test(k),
        'MASTER_KEY must be 32 random bytes in base64 (generate one with: openssl rand -base64 32)',
      )
      .optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    RATE_LIMITS: z
      .enum(['on', 'off'], { message: 'RATE_LIMITS must be on or off' })
      .default('on')
      .transform((v) => v === 'on'),
    TRUST_PROXY: z
      .enum(['true', 'false'], { message: 'TRUST_PROXY must be true or false' })
      .default('false')
      .transform((v) => v === 'true'),
    // « Vérifier un badge » fetches other issuers' documents and refuses
    // private, loopback and link-local addresses. Only the test suite turns
    // this on, to fetch from its own local servers; production refuses it.
    VERIFIER_ALLOW_PRIVATE_NETWORKS: z
      .enum(['true', 'false'], { message: 'VERIFIER_ALLOW_PRIVATE_NETWORKS must be true or false' })
      .default('false')
      .transform((v) => v === 'true'),
    // Mail. Without SMTP_URL nothing is sent: messages are kept ("held") for
    // the platform administrator, never dropped.
    SMTP_URL: z
      .string()
      .refine((u) => {
        try {
          const parsed = new URL(u);
          return (parsed.protocol === 'smtp:' || parsed.protocol === 'smtps:') && parsed.hostname !== '';
        } catch {
          return false;
        }
      }, 'SMTP_URL must look like smtp://user:password@host:587 or smtps://user:password@host:465 (user and password optional)')
      .optional(),
    MAIL_FROM: z
      .string()
      .trim()
      .max(320)
      .refine(
        (v) => /^(?:[^<>\r\n@]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/.test(v),
        'MAIL_FROM must be an address, or a name and an address: Insigne <no-reply@badges.example.org>',
      )
      .optional(),
    MAIL_POLL_INTERVAL_MS: z.coerce
      .number({ message: 'MAIL_POLL_INTERVAL_MS must be a number of milliseconds' })
      .int('MAIL_POLL_INTERVAL_MS must be a whole number')
      .min(20, 'MAIL_POLL_INTERVAL_MS must be at least 20')
      .max(3_600_000, 'MAIL_POLL_INTERVAL_MS must be at most 3600000 (one hour)')
      .default(5000),
  })
  .transform((c) => ({
    ...c,
    MAIL_FROM: c.MAIL_FROM ?? `Insigne <no-reply@${new URL(c.PUBLIC_URL).hostname}>`,
  }));

/** SMTP_URL as it may appear in a log or a page: the password never does. */
export function describeSmtpUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString().replace(/\/$/, '');
}

export type Config = z.output<typeof envSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (FOO= in a .env file) means "not set", not "set to ''".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.');
        return issue.message.includes(name) ? issue.message : `${name}: ${issue.message}`;
      }),
    );
  }
  if (result.data.NODE_ENV === 'production' && result.data.VERIFIER_ALLOW_PRIVATE_NETWORKS) {
    throw new ConfigError([
      'VERIFIER_ALLOW_PRIVATE_NETWORKS must stay false in production: it would let anyone make the server fetch addresses of its own network',
    ]);
  }
  return result.data;
}
