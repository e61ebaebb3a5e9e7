import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'demo-out/**', 'bench-out/**', '.cache/**', 'resources/native/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // The core must run under plain Node (CLI, tests, job processes): no Electron in it.
    files: ['main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'main/core must not import electron; put it in main/app.' }] }],
    },
  },
  {
    // Training runs on webgpu, where a synchronous read throws in Node (and returned zeros in
    // Chromium): model code reads tensors with `await data()`, one read per step at most.
    files: ['main/core/ml/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name=/^(dataSync|arraySync|bufferSync)$/]",
          message: 'No synchronous tensor reads in main/core/ml (webgpu cannot): use `await t.data()` / `await t.array()`.',
        },
      ],
    },
  },
);
