import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node",
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/setup/global-setup.ts"],
    // Files run in parallel, each in its own child process; tests inside a file run in order.
    pool: "forks",
    fileParallelism: true,
    // Two files at a time even on a 2-core machine (vitest's default there is one): most e2e files
    // spend their time waiting on Telegram's paces, timers and child processes, not on the CPU.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});
