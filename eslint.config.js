// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Globals that tie code to a browser page or extension; the core in src/ must not use them. */
const platformGlobals = [
  'window', 'document', 'navigator', 'location', 'localStorage', 'sessionStorage',
  'indexedDB', 'chrome', 'browser', 'XMLHttpRequest', 'fetch', 'self', 'process',
  'Buffer', 'require', '__dirname', 'crypto',
].map((name) => ({ name, message: 'src/ is platform-free: pass platform objects in (DESIGN.md, Layout).' }));

const platformImports = {
  patterns: [
    { group: ['node:*'], message: 'src/ is platform-free: no node:* imports.' },
    { group: ['webextension-polyfill', 'chrome'], message: 'src/ is platform-free: no extension APIs.' },
    { regex: '^(fs|path|os|child_process|crypto|stream|buffer|net|tls|http|https|url|util|zlib)$', message: 'src/ is platform-free: no Node built-ins.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/e2e/artifacts/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.mjs', 'scripts/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node, ...globals.browser },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/ui/**'],
    rules: {
      'no-restricted-globals': ['error', ...platformGlobals],
      'no-restricted-imports': ['error', platformImports],
    },
  },
  {
    files: ['src/ui/**/*.ts', 'src/ui/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', platformImports],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
