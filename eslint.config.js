// @ts-check
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'node:*', 'fs', 'fs/*', 'path', 'os', 'crypto', 'child_process', 'net', 'http', 'https', 'url',
  'util', 'stream', 'events', 'worker_threads', 'process', 'timers', 'dns', 'zlib', 'buffer',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'web/dist/**', '.cache/**', 'test/replay/histories/**', 'eslint.config.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Determinism: machines and workflows never touch Node, the clock or randomness (see ARCHITECTURE.md).
    files: ['machines/**/*.ts', 'workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: nodeBuiltins, message: 'Node built-ins are banned in machines/ and workflows/ (determinism).' }],
        paths: [
          { name: 'mongodb', message: 'No I/O in machines/ and workflows/: use an activity.' },
          { name: 'luxon', message: 'No clock-reading date library here: deadlines come from the calendar activity.' },
        ],
      }],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'Randomness is banned here (determinism).' },
        { object: 'Date', property: 'now', message: 'Use the runtime clock (workflows/runtime/clock.ts) or the event time.' },
      ],
      'no-restricted-syntax': ['error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'new Date() reads the clock: banned here.' },
      ],
    },
  },
  {
    files: ['machines/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: nodeBuiltins, message: 'Node built-ins are banned in machines/ (machines are pure).' },
          { group: ['@temporalio/*'], message: 'Machines know nothing of Temporal.' },
        ],
        paths: [{ name: 'mongodb', message: 'Machines are pure.' }, { name: 'luxon', message: 'Machines are pure.' }],
      }],
    },
  },
);
