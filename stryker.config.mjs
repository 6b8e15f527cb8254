// StrykerJS for the core packages; run through `npm run mutation` (scripts/mutation.mjs), which
// sets the package and the files to mutate.
const pkg = process.env.CAIRN_MUTATION_PACKAGE ?? "runtime";
/**
 * The files mutated where the core is part of a package: of the transport, the consume loop and
 * append-once (with the classification of JetStream's answers it relies on) — connecting,
 * provisioning and reading a run's log are covered by the end-to-end suites.
 */
const SCOPE = { bus: ["publish.ts", "consume.ts", "jetstream-answers.ts"] };
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  mutate: SCOPE[pkg]
    ? SCOPE[pkg].map((f) => `libs/${pkg}/src/${f}`)
    : [
        `libs/${pkg}/src/**/*.ts`,
        `!libs/${pkg}/src/**/*.test.ts`,
        `!libs/${pkg}/src/**/*.harness.ts`,
        `!libs/${pkg}/src/generated/**`,
        `!libs/${pkg}/src/index.ts`,
      ],
  coverageAnalysis: "perTest",
  concurrency: Number(process.env.CAIRN_MUTATION_CONCURRENCY ?? 2),
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: `reports/mutation/${pkg}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
  timeoutMS: 20_000,
};
