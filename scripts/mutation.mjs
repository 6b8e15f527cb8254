#!/usr/bin/env node
// Mutation testing of Cairn's core with StrykerJS and its vitest runner, one package at a time:
// prints each package's mutation score and exits non-zero when one is under the threshold.
//   npm run mutation                 all core packages
//   npm run mutation -- runtime bus  only these
// Reports: reports/mutation/<package>.json (Stryker's mutation-testing-report schema).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const CORE = ["protocol", "runtime", "runlog", "worker", "bus"];
const THRESHOLD = Number(process.env.CAIRN_MUTATION_THRESHOLD ?? 80);
const wanted = process.argv.slice(2);
const unknown = wanted.filter((p) => !CORE.includes(p));
if (unknown.length) {
  console.error(`unknown package(s): ${unknown.join(", ")}; the core is ${CORE.join(", ")}`);
  process.exit(2);
}

function score(file) {
  const report = JSON.parse(readFileSync(file, "utf8"));
  const counts = {};
  for (const f of Object.values(report.files))
    for (const m of f.mutants) counts[m.status] = (counts[m.status] ?? 0) + 1;
  const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
  const undetected = (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
  return { counts, score: detected + undetected === 0 ? 100 : (100 * detected) / (detected + undetected) };
}

const rows = [];
for (const pkg of wanted.length ? wanted : CORE) {
  const started = Date.now();
  console.log(`\n== mutation: libs/${pkg}`);
  const r = spawnSync("npx", ["stryker", "run", "stryker.config.mjs"], {
    stdio: "inherit",
    env: { ...process.env, CAIRN_MUTATION_PACKAGE: pkg },
  });
  if (r.status !== 0) {
    console.error(`stryker failed on libs/${pkg} (exit ${r.status})`);
    process.exit(1);
  }
  rows.push({ pkg, ...score(`reports/mutation/${pkg}.json`), minutes: (Date.now() - started) / 60_000 });
}

console.log(`\n| package | score | killed | timeout | survived | no coverage | minutes |`);
console.log(`|---|---|---|---|---|---|---|`);
for (const r of rows) {
  const c = r.counts;
  console.log(
    `| ${r.pkg} | ${r.score.toFixed(1)}% | ${c.Killed ?? 0} | ${c.Timeout ?? 0} | ${c.Survived ?? 0} | ${c.NoCoverage ?? 0} | ${r.minutes.toFixed(1)} |`,
  );
}
const under = rows.filter((r) => r.score < THRESHOLD);
if (under.length) {
  console.error(`under the ${THRESHOLD}% threshold: ${under.map((r) => `${r.pkg} ${r.score.toFixed(1)}%`).join(", ")}`);
  process.exit(1);
}
console.log(`every package at or above ${THRESHOLD}%`);
