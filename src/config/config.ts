import { z } from 'zod';

/**
 * Everything Insigne reads from its environment. Parsed once at start-up so a
 * wrong value stops the process with a message naming the variable, instead of
 * failing later in the middle of a request.
 */
const envSchema = z.object({
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
});

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
  return result.data;
}
