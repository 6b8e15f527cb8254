import { defineConfig } from "vitest/config";

// Two projects: fast unit tests beside the code, and end-to-end tests in tests/ that start real
// nats-servers and real service processes. Packages are imported from their built dist/ (run
// `npm run build` first; `npm test` does).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["libs/*/src/**/*.test.ts", "services/*/src/**/*.test.ts", "bench/src/**/*.test.ts"],
          testTimeout: 30_000,
          pool: "forks",
        },
      },
      {
        test: {
          name: "e2e",
          include: ["tests/**/*.test.ts"],
          testTimeout: 240_000,
          hookTimeout: 60_000,
          pool: "forks",
          fileParallelism: false,
        },
      },
    ],
  },
});
