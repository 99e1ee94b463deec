import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'bench/out/**', 'test-artifacts/**', 'public/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
        setImmediate: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly', fetch: 'readonly',
        AbortController: 'readonly', performance: 'readonly', structuredClone: 'readonly',
        document: 'readonly', window: 'readonly', EventSource: 'readonly', XMLHttpRequest: 'readonly',
        FormData: 'readonly', Blob: 'readonly', Response: 'readonly', Request: 'readonly', Headers: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through src/config.ts' }],
    },
  },
  {
    files: ['src/config.ts', 'scripts/**', 'bench/**', 'test/**', '.ci/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['public/**/*.js'],
    rules: { '@typescript-eslint/no-unused-vars': 'off' },
  },
);
