import { defineConfig } from 'vitest/config';
import { browserTarget, databaseTargets, resilienceTarget } from './test/support/targets.ts';

// The suite runs once per database: always on the embedded PGlite, and on
// PostgreSQL when TEST_DATABASE_URL is set (.ci/run sets it). Tests that
// touch no database run once, in the "unit" project.
const targets = databaseTargets();
const browser = browserTarget();
const resilience = resilienceTarget();

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true as const,
        test: {
          name: 'unit',
          include: ['test/openbadges/**/*.test.ts', 'test/unit/**/*.test.ts'],
        },
      },
      ...targets.map((target) => ({
        extends: true as const,
        test: {
          name: target.name,
          include: ['test/**/*.test.ts'],
          exclude: [
            'test/openbadges/**',
            'test/unit/**',
            'test/browser/**',
            'test/resilience/**',
            ...(target.name === 'pglite' ? ['test/postgres/**'] : []),
          ],
          env: { INSIGNE_TEST_DB: target.name, ...target.env },
        },
      })),
      ...(resilience
        ? [
            {
              extends: true as const,
              test: { name: 'resilience', include: ['test/resilience/**/*.test.ts'], env: { INSIGNE_TEST_DB: 'postgres' } },
            },
          ]
        : []),
      ...(browser
        ? [
            {
              extends: true as const,
              test: {
                name: 'browser',
                include: ['test/browser/**/*.test.ts'],
                env: { INSIGNE_TEST_DB: 'pglite', CHROMIUM_PATH: browser },
              },
            },
          ]
        : []),
    ],
  },
});
