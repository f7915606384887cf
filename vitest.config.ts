// Test runner settings: Electron is aliased to a mock (its binary cannot run here), integration tests get time.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: { electron: fileURLToPath(new URL('./test/mocks/electron.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Tests that spawn bin/jett.mjs run the built command, as users do.
    globalSetup: ['test/global-setup.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Integration tests share network namespaces, wireguard-go and PostgreSQL clusters: run files one at a time.
    fileParallelism: false,
    reporters: ['default'],
  },
});
