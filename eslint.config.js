// ESLint flat config: the project's rules (typed TypeScript rules, where console/process may be used) and the
// house style as the code already writes it, checked rather than rewritten by a formatter.
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Only the command-line edge (src/cli, bin) talks to the process: everything below it gets its streams, argv,
// environment and exit code passed in, so it runs the same in a test, a benchmark or the in-process broker.
// src/engine/os-process.ts is the engine's one named window onto the OS process (pids, signals, the Node binary
// the broker daemon is started with).
const processEdge = ['src/cli/**', 'bin/**', 'src/engine/os-process.ts'];

const noProcess = {
  'no-console': 'error',
  'no-restricted-globals': ['error', { name: 'process', message: 'Only src/cli and bin touch the process: take streams, argv, env and exit codes as arguments.' }],
  'no-restricted-imports': [
    'error',
    {
      paths: [
        { name: 'process', message: 'Only src/cli and bin touch the process.' },
        { name: 'node:process', message: 'Only src/cli and bin touch the process.' },
      ],
    },
  ],
};

// The style the tree already has (2-space indent, single quotes, semicolons, wide lines), enforced rule by rule.
const style = {
  '@stylistic/indent': ['error', 2, { SwitchCase: 1, flatTernaryExpressions: true, offsetTernaryExpressions: true, ignoredNodes: ['TemplateLiteral *'] }],
  '@stylistic/quotes': ['error', 'single', { avoidEscape: true, allowTemplateLiterals: 'always' }],
  '@stylistic/semi': ['error', 'always'],
  '@stylistic/comma-dangle': ['error', 'always-multiline'],
  '@stylistic/eol-last': 'error',
  '@stylistic/no-trailing-spaces': 'error',
  '@stylistic/no-tabs': 'error',
  '@stylistic/no-multiple-empty-lines': ['error', { max: 1, maxEOF: 0, maxBOF: 0 }],
  '@stylistic/brace-style': ['error', '1tbs', { allowSingleLine: true }],
  '@stylistic/keyword-spacing': 'error',
  '@stylistic/space-before-blocks': 'error',
  '@stylistic/space-infix-ops': 'error',
  '@stylistic/comma-spacing': 'error',
  '@stylistic/key-spacing': 'error',
  '@stylistic/object-curly-spacing': ['error', 'always'],
  '@stylistic/array-bracket-spacing': ['error', 'never'],
  '@stylistic/arrow-parens': ['error', 'always'],
  '@stylistic/arrow-spacing': 'error',
  '@stylistic/member-delimiter-style': 'error',
  '@stylistic/type-annotation-spacing': 'error',
  '@stylistic/max-len': ['error', { code: 160, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true }],
};

export default defineConfig([
  globalIgnores(['dist/**', 'node_modules/**', '.tmp/**', 'coverage/**']),

  {
    files: ['**/*.{js,mjs,cjs,ts}'],
    ignores: ['src/web/**'],
    plugins: { '@stylistic': stylistic },
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    extends: [js.configs.recommended],
    rules: {
      ...style,
      // Terminal escapes (\x1b) and NUL-separated fields are what the output code matches on purpose.
      'no-control-regex': 'off',
      // Column gaps in expected table output are written as the spaces they are.
      'no-regex-spaces': 'off',
    },
  },

  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },

  // TypeScript, type-aware: every .ts file is in tsconfig.test.json (src, test and the vitest configs), except the
  // dashboard page (src/web), which is browser code checked against tsconfig.web.json below.
  {
    files: ['**/*.ts'],
    ignores: ['src/web/**'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Matches the tree: `import type { X }` or `import { type X, y }`; `typeof import('x')` stays allowed for
      // the lazily loaded codecs in src/engine/client/compression.ts.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      // Async functions without an await are how an async interface is implemented (kafkajs' eachMessage, a
      // fake client's request()); the promise rules above catch the mistakes that matter.
      '@typescript-eslint/require-await': 'off',
    },
  },

  // Product code below the command-line edge does not touch the process.
  { files: ['src/**/*.ts'], ignores: [...processEdge, 'src/web/**'], rules: noProcess },

  // mq-dashboard's page: browser code (DOM globals, no Node), TSX with Preact, typed against tsconfig.web.json.
  // No console anywhere in it: what the user must know is shown on the page.
  {
    files: ['src/web/**/*.{ts,tsx}'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.browser },
      parserOptions: { project: './tsconfig.web.json', tsconfigRootDir: import.meta.dirname, ecmaFeatures: { jsx: true } },
    },
    plugins: { '@stylistic': stylistic },
    rules: {
      ...style,
      'no-console': 'error',
      'no-restricted-globals': ['error', { name: 'process', message: 'The page runs in a browser.' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/require-await': 'off',
    },
  },

  // Tests may use console and process (they are programs of their own), and no explicit `any` either.
  // The no-unsafe-* family stays off here: values that arrive untyped (JSON.parse of a tool's output,
  // vitest's asymmetric matchers, kafkajs internals) are what the test's own expect() then checks.
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
]);
