/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.(t|j)s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  // A few dependencies of @fastify/static ship ESM only; jest's CommonJS runtime needs them compiled.
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|@fastify/send|mime)/)'],
  setupFiles: ['<rootDir>/test/setup-env.js'],
  // Database-backed suites each create their own database; two workers keep the 2-core machine busy without thrashing.
  maxWorkers: 2,
  testTimeout: 60000,
};
