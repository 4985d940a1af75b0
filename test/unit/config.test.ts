import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.ts';

/** The ConfigError thrown by loadConfig(env), or a failure if it did not throw one. */
function refusal(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig defaults', () => {
  it('serves http://localhost:3000 on port 3000 from ./data when nothing is set', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.PUBLIC_URL).toBe('http://localhost:3000');
    expect(config.DATA_DIR).toBe('./data');
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.MASTER_KEY).toBeUndefined();
  });

  it('does not read process.env when given an environment', () => {
    const saved = process.env.PORT;
    process.env.PORT = '4321';
    try {
      expect(loadConfig({}).PORT).toBe(3000);
      expect(loadConfig({ PORT: '8080' }).PORT).toBe(8080);
    } finally {
      if (saved === undefined) delete process.env.PORT;
      else process.env.PORT = saved;
    }
  });
});

describe('PUBLIC_URL', () => {
  it.each([
    ['https://badges.example.org/', 'https://badges.example.org'],
    ['https://badges.example.org', 'https://badges.example.org'],
    ['http://localhost:3999/', 'http://localhost:3999'],
    ['https://badges.example.org:443/', 'https://badges.example.org'],
  ])('%s is kept as its origin %s', (given, origin) => {
    expect(loadConfig({ PUBLIC_URL: given }).PUBLIC_URL).toBe(origin);
  });
});

describe('bad values are refused, naming the variable', () => {
  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['PUBLIC_URL', 'ftp://x'],
    ['PUBLIC_URL', 'https://x/path'],
    ['PUBLIC_URL', 'https://x/?q=1'],
    // No scheme: the commonest slip when copying a domain name.
    ['PUBLIC_URL', 'badges.example.org'],
    ['DATABASE_URL', 'mysql://'],
    ['DATABASE_URL', 'mysql://user@db/insigne'],
    ['MASTER_KEY', 'short'],
    // 32 bytes, but hex rather than base64: decodes to 48 bytes.
    ['MASTER_KEY', 'a'.repeat(64)],
  ])('%s=%s', (name, value) => {
    const error = refusal({ [name]: value });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain(name);
    expect(error.message).toContain(name);
    expect(error.message).toMatch(/^Invalid configuration:/);
  });

  it('says what a right PORT is', () => {
    expect(refusal({ PORT: '70000' }).message).toContain('between 0 and 65535');
  });

  it('says how to generate a MASTER_KEY', () => {
    expect(refusal({ MASTER_KEY: 'short' }).message).toContain('openssl rand -base64 32');
  });

  it('never echoes a refused MASTER_KEY back', () => {
    const secret = 'c2VjcmV0LWJ1dC10b28tc2hvcnQ=';
    expect(refusal({ MASTER_KEY: secret }).message).not.toContain(secret);
  });

  it('accepts the values it documents', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const config = loadConfig({
      PORT: '0',
      DATABASE_URL: 'postgresql://insigne@db:5432/insigne',
      MASTER_KEY: key,
      PUBLIC_URL: 'https://badges.example.org',
    });
    expect(config.PORT).toBe(0);
    expect(config.DATABASE_URL).toBe('postgresql://insigne@db:5432/insigne');
    expect(config.MASTER_KEY).toBe(key);
    expect(loadConfig({ PORT: '65535', DATABASE_URL: 'postgres://x/y' }).PORT).toBe(65535);
  });
});

it('reports every problem together, one per variable', () => {
  const error = refusal({
    PORT: 'abc',
    PUBLIC_URL: 'https://x/path',
    DATABASE_URL: 'mysql://',
    MASTER_KEY: 'short',
  });
  expect(error.problems).toHaveLength(4);
  for (const name of ['PORT', 'PUBLIC_URL', 'DATABASE_URL', 'MASTER_KEY']) {
    expect(
      error.problems.filter((problem) => problem.includes(name)),
      name,
    ).toHaveLength(1);
    expect(error.message).toContain(name);
  }
  // One line per problem, so an operator reads them all at once.
  expect(error.message.split('\n').filter((line) => line.startsWith('  - '))).toHaveLength(4);
});

it('treats empty strings as unset', () => {
  const config = loadConfig({ PORT: '', PUBLIC_URL: '', DATA_DIR: '', DATABASE_URL: '', MASTER_KEY: '', NODE_ENV: '' });
  expect(config.PORT).toBe(3000);
  expect(config.PUBLIC_URL).toBe('http://localhost:3000');
  expect(config.DATA_DIR).toBe('./data');
  expect(config.DATABASE_URL).toBeUndefined();
  expect(config.MASTER_KEY).toBeUndefined();
  expect(config.NODE_ENV).toBe('development');
});
