import { defineConfig } from "vitest/config";

// The unit tests of one core package, for StrykerJS (scripts/mutation.mjs sets CAIRN_MUTATION_PACKAGE).
const pkg = process.env["CAIRN_MUTATION_PACKAGE"] ?? "runtime";
export default defineConfig({
  test: {
    include: [`libs/${pkg}/src/**/*.test.ts`],
    testTimeout: 30_000,
    pool: "forks",
  },
});
