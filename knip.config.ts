import type { KnipConfig } from 'knip';

// Unused files, exports and dependencies (`npm run knip`, run by .ci/run).
const config: KnipConfig = {
  entry: [
    // bin/insigne.js (package.json's bin), vitest.config.ts and drizzle.config.ts are found by knip itself.
    'src/cli/main.ts',
    'src/server.ts',
    // Loaded by piscina from its file URL, never imported.
    'src/services/signing/worker.mjs',
    // The Open Badges module's public surface: it is kept whole (as the spec's vocabulary) even where
    // the services import only part of it today.
    'src/openbadges/index.ts',
    'bench/**/*.ts',
    'scripts/**/*.ts',
    'test/**/*.test.ts',
  ],
  project: ['bin/**/*.js', 'src/**/*.{ts,mjs}', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
  // The resilience tests run PostgreSQL's binaries as the postgres user when CI runs as root: util-linux, not npm.
  // The attestation PDF is read back with poppler-utils (Debian), not npm.
  ignoreBinaries: ['runuser', 'pdftotext', 'pdfinfo', 'pdftoppm'],
  // The attestation's fonts are files read from these packages (require.resolve of their package.json), never imported.
  ignoreDependencies: ['@fontsource/noto-sans', '@fontsource/noto-sans-arabic'],
  // An export its own module uses is not dead code; what no one uses at all is.
  ignoreExportsUsedInFile: true,
};

export default config;
