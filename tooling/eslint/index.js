// The one ESLint flat config of the repository. Each package's eslint.config.js calls packageConfig(import.meta.dirname),
// so turbo sees this file through the package's dependency on @vmcp/eslint-config (a change here re-lints everything).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The flat config for one package (or the repository root) whose directory is `dir`.
 * TypeScript gets the type-checked rules; JavaScript (`bin/`, scripts, config files) gets the same rules minus the
 * ones that need type information, with Node's globals.
 * @param {string} dir the directory of the package's eslint.config.js
 * @param {{ ignores?: string[] }} [options] extra paths to leave out (the root leaves the workspace packages to their own config)
 */
export function packageConfig(dir, options = {}) {
  return tseslint.config(
    { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/coverage/**', ...(options.ignores ?? [])] },
    js.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    {
      languageOptions: {
        globals: globals.node,
        parserOptions: { projectService: true, tsconfigRootDir: dir },
      },
      rules: {
        // Async code is the heart of this project: an unawaited promise or a promise where a callback belongs is a bug.
        '@typescript-eslint/no-floating-promises': 'error',
        '@typescript-eslint/no-misused-promises': 'error',
        '@typescript-eslint/consistent-type-imports': 'error',
        '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      },
    },
    {
      files: ['**/*.test.ts', '**/test/**/*.ts'],
      rules: {
        '@typescript-eslint/no-non-null-assertion': 'off',
        '@typescript-eslint/no-unsafe-assignment': 'off',
        '@typescript-eslint/no-unsafe-member-access': 'off',
        '@typescript-eslint/no-unsafe-argument': 'off',
        '@typescript-eslint/no-unsafe-call': 'off',
      },
    },
    {
      // Plain JavaScript is outside every tsconfig: lint it without type information.
      files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
      ...tseslint.configs.disableTypeChecked,
    },
  );
}
