// Type-aware lint for every TypeScript file in the workspace.
import js from "@eslint/js";
import nx from "@nx/eslint-plugin";
import tseslint from "typescript-eslint";
import importX from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";

// The layers, lowest first (each project's `layer:*` tag in its project.json): a project may
// import only projects of its own layer's allowed list. No upward edge, no cycle between projects
// (@nx/enforce-module-boundaries also refuses circular project dependencies and deep imports).
export const LAYERS = {
  "layer:base": [], // protocol (the wire), telemetry (the OpenTelemetry API and logs), natsd: depend on no Cairn project
  "layer:core": ["layer:base"], // runtime: the pure fold and decide
  "layer:transport": ["layer:base"], // bus: NATS and JetStream only; never the fold (the client must not carry it)
  "layer:client": ["layer:base", "layer:transport"], // @cairn/client, what applications import
  "layer:runlog": ["layer:base", "layer:core", "layer:transport"], // runlog: the fold cache and the archive
  "layer:worker": ["layer:base", "layer:core", "layer:transport", "layer:runlog", "layer:sdk"], // worker: what every service process shares
  "layer:kit": ["layer:base", "layer:core", "layer:transport", "layer:client", "layer:runlog"], // replay, providers, tools, mcp, ui
  "layer:service": [
    "layer:base",
    "layer:core",
    "layer:transport",
    "layer:client",
    "layer:runlog",
    "layer:worker",
    "layer:kit",
    "layer:sdk",
  ], // planner, llm-caller, tool-runner
  "layer:app": [
    "layer:base",
    "layer:core",
    "layer:transport",
    "layer:client",
    "layer:runlog",
    "layer:worker",
    "layer:kit",
    "layer:service",
    "layer:sdk",
  ], // the cairn CLI (cairn dev embeds the services)
  // examples/: an application and a tool package, using only what a user installs
  "layer:example": ["layer:client", "layer:kit", "layer:service", "layer:app"],
  "layer:sdk": ["layer:base"], // tracing: the OpenTelemetry SDK a service process starts (never a library's dependency)
  "layer:test": ["layer:base"], // @cairn/testing: fixtures for tests only
  "layer:bench": ["*"],
  "layer:tests": ["*"], // the end-to-end, chaos and security suites drive every part
};
/** The boundary rule; `tests`: test files may also import @cairn/testing and start the OpenTelemetry SDK (@cairn/tracing). (Exported for tests/lint.) */
export function boundaries(tests) {
  return [
    "error",
    {
      enforceBuildableLibDependency: false,
      allow: [],
      // Node loads modules one by one: a project imported lazily in one file (the CLI starts a
      // service only when asked) and statically in another is fine (the rule's concern is bundles).
      checkDynamicDependenciesExceptions: ["@cairn/*"],
      depConstraints: Object.entries(LAYERS).map(([sourceTag, allowed]) => ({
        sourceTag,
        onlyDependOnLibsWithTags: allowed.includes("*")
          ? ["*"]
          : [sourceTag, ...allowed, ...(tests ? ["layer:test", "layer:sdk"] : [])],
      })),
    },
  ];
}

/** How import-x finds a module: TypeScript's resolution (`./x.js` is `./x.ts`). (Exported for tests/lint.) */
export function moduleSettings() {
  return {
    "import-x/extensions": [".ts", ".js"],
    "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
    "import-x/resolver-next": [createTypeScriptImportResolver({ alwaysTryTypes: true })],
  };
}
/** The module cycle rule. (Exported for tests/lint.) */
export const NO_CYCLE = ["error", { ignoreExternal: true }];

export default tseslint.config(
  {
    ignores: [
      "**/dist/**",
      "**/node_modules/**",
      "**/generated/**",
      ".tools/**",
      ".cairn/**",
      "**/*.mjs",
      "**/*.js",
      "bench/results/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ["**/*.ts"],
    plugins: { "@nx": nx, "import-x": importX },
    // Module-level cycles inside a project (between projects, the boundary rule refuses them):
    // import-x follows each relative import through TypeScript's resolution (`./x.js` is `./x.ts`).
    settings: moduleSettings(),
    rules: {
      "@nx/enforce-module-boundaries": boundaries(false),
      "import-x/no-cycle": NO_CYCLE,
    },
  },
  {
    files: ["**/*.test.ts"],
    rules: { "@nx/enforce-module-boundaries": boundaries(true) },
  },
  {
    // A published package imports only what its own package.json declares (types included: its
    // .d.ts files import them too); the workspace's hoisted node_modules would hide a missing one.
    files: ["libs/*/src/**/*.ts", "services/*/src/**/*.ts", "examples/*/src/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "import-x/no-extraneous-dependencies": [
        "error",
        { devDependencies: false, optionalDependencies: false, peerDependencies: true, includeTypes: true },
      ],
    },
  },
  {
    // The benchmark drives every part and loads some lazily on purpose: no layer to keep.
    files: ["bench/**/*.ts"],
    rules: { "@nx/enforce-module-boundaries": "off" },
  },
  {
    languageOptions: {
      parserOptions: {
        project: [
          "./tsconfig.tests.json",
          "./libs/*/tsconfig.json",
          "./services/*/tsconfig.json",
          "./bench/tsconfig.json",
          "./examples/*/tsconfig.json",
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/restrict-template-expressions": [
        "error",
        { allowNumber: true, allowBoolean: true, allowNullish: true },
      ],
    },
  },
  {
    // Libraries never print: they log through pino or return values.
    files: ["libs/**/*.ts"],
    rules: { "no-console": "error" },
  },
  {
    files: ["**/*.test.ts", "tests/**/*.ts"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off", "@typescript-eslint/unbound-method": "off" },
  },
);
