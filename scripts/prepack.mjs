// `npm pack` / `npm publish` of a Cairn package (its prepack script, run in the package's folder):
// checks the package is built, and copies in what the tarball needs from the repository — the
// LICENSE, and for the CLI the demo's agents and scripted model (its `cairn dev` / `cairn demo`
// defaults). The copies are git-ignored. Build first: `npm run build`.
import { cpSync, existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const pkgDir = process.cwd();
const repo = resolve(pkgDir, "..", "..");
const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));

const fail = (message) => {
  process.stderr.write(`prepack ${pkg.name}: ${message}\n`);
  process.exit(1);
};

for (const target of Object.values(pkg.exports ?? {})) {
  const file = join(pkgDir, typeof target === "string" ? target : target.default);
  if (!existsSync(file)) fail(`${file} is missing: build first (npm run build at the repository's root)`);
}
const built = join(pkgDir, "dist", "index.js");
const source = join(pkgDir, "src", "index.ts");
if (existsSync(source) && statSync(built).mtimeMs < statSync(source).mtimeMs)
  fail(`dist/ is older than src/index.ts: build first (npm run build at the repository's root)`);

cpSync(join(repo, "LICENSE"), join(pkgDir, "LICENSE"));
if (pkg.name === "@cairn/cli") {
  cpSync(join(repo, "examples", "agents.json"), join(pkgDir, "examples", "agents.json"));
  cpSync(join(repo, "examples", "scripts"), join(pkgDir, "examples", "scripts"), { recursive: true });
}
