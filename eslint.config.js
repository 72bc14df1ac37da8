// ESLint flat config. Formatting is Prettier's job (see .prettierrc.json): eslint-config-prettier,
// last in the list, turns off every rule that would fight it.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import prettier from 'eslint-config-prettier/flat';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Layers that hold domain logic and must stay free of HTTP: they get plain data, not `req`/`res`. */
const HTTP_FREE_LAYERS = ['src/**/*.service.ts', 'src/**/*.presenter.ts', 'src/**/*.policy.ts', 'src/**/*.model.ts', 'src/**/*.projector.ts'];

export default defineConfig([
  globalIgnores(['dist/', 'coverage/', 'data/', 'test-output/', 'public/']),

  js.configs.recommended,

  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        // Type information from tsconfig.json (src, scripts and test are all in it).
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    settings: {
      // Without these, import-x cannot parse the imported .ts files and no-cycle silently sees no edges.
      'import-x/extensions': ['.ts', '.js', '.cjs', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/external-module-folders': ['node_modules', 'node_modules/@types'],
      // `.js` specifiers (NodeNext) resolve to the `.ts` sources, as tsc resolves them.
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      // Runtime cycles only: import-x skips `import type` (erased at compile time).
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // A typo in a relative path would otherwise leave no-cycle silently blind to that edge.
      'import-x/no-unresolved': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      // `let server` read by the shutdown handler before it is assigned: `const` would be a TDZ error there.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // `_`-prefixed names are deliberately unused (`_req` in a handler with a fixed signature, etc.).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },

  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests assert on JSON that supertest (`res.body`) and JSON.parse type as `any` by design.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Test doubles implement Promise-returning interfaces without awaiting anything.
      '@typescript-eslint/require-await': 'off',
    },
  },

  {
    files: HTTP_FREE_LAYERS,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'express', message: 'Services, presenters, policies, models and projectors must not depend on Express: take plain values, let the routes adapt req/res.' },
            { name: 'express-serve-static-core', message: 'Express types belong in the routes, not in services, presenters, policies, models or projectors.' },
          ],
          patterns: [{ group: ['express/*'], message: 'Services, presenters, policies, models and projectors must not depend on Express.' }],
        },
      ],
    },
  },

  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },

  prettier,
]);
