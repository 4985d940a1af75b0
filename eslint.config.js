// The linter: typescript-eslint's recommended rules, and the layers of
// ARCHITECTURE.md as rules, so that an import running the wrong way fails
// `npm run lint` (and CI) instead of waiting for a reviewer to notice.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** A layer may not import from these folders (paths resolved, so `../../db/x.ts` and `../db/x.ts` are caught alike). */
function forbid(target, from, message, except) {
  return { target, from, message, ...(except ? { except } : {}) };
}

export default defineConfig(
  {
    ignores: ['node_modules/', 'build/', 'data/', 'coverage/', 'bench/results/', 'public/', 'views/', 'migrations/', 'assets/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // The rules for typed text refuse control characters on purpose: matching them is the point.
      'no-control-regex': 'off',
      // `catch {}` is how a poll says "not yet, try again" (a refused connection while a server starts).
      'no-empty': ['error', { allowEmptyCatch: true }],
      // `_` marks a parameter a signature demands but this body does not use (as tsconfig's noUnusedParameters allows).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // With the types: a promise nobody awaits (a write that may fail unseen, or land after its
    // transaction) is a bug in a server. Only these rules: the rest of the type-checked set is mostly
    // about `any` in tests, and costs much for little. The whole lint stays within ~35 s.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // Tests read JSON bodies, pages and the browser's globals as they come, and assert on them:
    // an unexpected shape fails the assertion, so typing them would add nothing but noise.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The layers: web → services → db, and src/openbadges pure (see ARCHITECTURE.md).
    files: ['src/**/*.{ts,mjs,js}'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver()] },
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: import.meta.dirname,
          zones: [
            forbid('./src/web', './src/db', 'The web layer reaches the database through a service (src/services), never src/db.'),
            forbid('./src/services', './src/web', 'Services do not know the web layer: move what both need into src/services.'),
            forbid('./src/db', './src/services', 'Repositories are below the services: they may not import them.'),
            forbid('./src/db', './src/web', 'Repositories may not import the web layer.'),
            forbid(
              './src/openbadges',
              './src',
              'src/openbadges is the pure Open Badges module: it imports only node: builtins, packages and itself.',
              ['./openbadges'],
            ),
          ],
        },
      ],
    },
  },
);
