#!/usr/bin/env node
// Renders the generated sections of docs/protocol.md (between `<!-- BEGIN generated:NAME -->` and
// `<!-- END generated:NAME -->`) from schemas/ and @cairn/protocol (Subjects, API_ENDPOINTS,
// API_ERRORS), so the wire protocol's reference cannot drift from the code; the prose around them
// is written by hand. `--check` fails when the file differs (CI runs it). Reads the built
// @cairn/protocol: build first.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  API_ENDPOINTS,
  API_ERRORS,
  ENDPOINT_METADATA_KEYS,
  PROTOCOL_VERSION,
  Subjects,
  schemaName,
} from "@cairn/protocol";

const root = join(import.meta.dirname, "..");
const target = join(root, "docs", "protocol.md");
const check = process.argv.includes("--check");

const schemas = new Map(
  readdirSync(join(root, "schemas"))
    .filter((f) => f.endsWith(".schema.json"))
    .map((f) => JSON.parse(readFileSync(join(root, "schemas", f), "utf8")))
    .map((s) => [s.title, s]),
);
const titleById = new Map([...schemas.values()].map((s) => [s.$id, s.title]));
const schemaOf = (title) => {
  const s = schemas.get(title);
  if (!s) throw new Error(`no schema titled ${title} in schemas/`);
  return s;
};

const cell = (s) =>
  String(s)
    .replace(/\|/g, "\\|")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\s*\n\s*/g, " ");
const link = (title) => `[\`${schemaName(title)}\`](#${schemaName(title).replace(/\./g, "")})`;
function table(head, rows) {
  return [
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

// Subjects with distinctive sample tokens, shown as placeholders.
const s = new Subjects("pfx");
const R = "RUNID";
const [T, I, N] = [7001, 7002, 7003];
const SHA = "f".repeat(64);
const placeholders = [
  [/^pfx\./, "<prefix>."],
  [/^PFX_/, "<PREFIX>_"],
  [new RegExp(R, "g"), "<runId>"],
  [/7001/g, "<turn>"],
  [/7002/g, "<index>"],
  [/7003/g, "<n>"],
  [new RegExp(SHA, "g"), "<sha256>"],
  [/TOOLNAME/g, "<tool>"],
  [/PROVIDERNAME/g, "<provider>"],
  [/SIGNALNAME/g, "<signal>"],
  [/ERRORID/g, "<id>"],
  [/ENDPOINT/g, "<endpoint>"],
];
const shown = (subject) => `\`${placeholders.reduce((x, [re, to]) => x.replace(re, to), subject)}\``;

const sections = {};

sections.subjects = table(
  ["subject", "what"],
  [
    [s.run(R), "one run's whole log (commands and events), in order: the filter a reader uses"],
    [s.runEvents(R), "the run's events (what the planner folds)"],
    [s.api("ENDPOINT"), "the run API: JSON request/reply (NATS micro service `cairn`, queue group `q`)"],
    [s.tenantApi("ENDPOINT"), "the same endpoints as tenant accounts import them (see docs/security.md)"],
    [s.runTap(R), "every stored message of the run, republished as plain NATS (a wake-up, not the record)"],
    [s.tokens(R, T), "live model output of one turn while the call runs (plain NATS, not stored)"],
    [s.payloadChunk(R, SHA, N), "chunk `n` of a large payload (see large payloads)"],
    [s.purged(R), "a run was purged (plain NATS, empty body)"],
  ].map(([subj, what]) => [shown(subj), what]),
);

sections.streams = table(
  ["name (prefix `cairn`)", "kind", "holds"],
  [
    [new Subjects("cairn").stream, "stream", "every run's log: subjects `<prefix>.run.>`, one message per subject"],
    [new Subjects("cairn").payloadStream, "stream", "large payloads' chunks (`<prefix>.payload.>`), written once"],
    [new Subjects("cairn").archiveStream, "stream", "ended runs' archived logs (`cairn archive`)"],
    [new Subjects("cairn").runsBucket, "KV bucket", "the runs index behind `status` and `list` (rebuildable)"],
    [new Subjects("cairn").toolsBucket, "KV bucket", "tool registrations (name, description, input schema)"],
    [
      new Subjects("cairn").admissionBucket,
      "KV bucket",
      "token-aware admission: one budget's window per provider, model and API key (llm-callers, compare-and-set)",
    ],
  ].map(([n, k, h]) => [`\`${n}\``, k, h]),
);

sections.endpoints = table(
  ["endpoint", "subject", "request", "reply", "what it does"],
  Object.entries(API_ENDPOINTS).map(([name, e]) => [
    `\`${name}\``,
    shown(s.api(name)),
    link(e.request),
    link(e.reply),
    cell(e.does),
  ]),
);

sections.metadata = table(
  ["key", "value"],
  [
    [ENDPOINT_METADATA_KEYS.request, "the request's schema, e.g. `" + schemaName(API_ENDPOINTS.submit.request) + "`"],
    [ENDPOINT_METADATA_KEYS.reply, "the reply's schema, e.g. `" + schemaName(API_ENDPOINTS.submit.reply) + "`"],
    [ENDPOINT_METADATA_KEYS.error, "the error reply's schema, `" + schemaName("ApiError") + "`"],
  ].map(([k, v]) => [`\`${k}\``, v]),
);

sections.errors = table(
  ["`error.kind`", "`Nats-Service-Error-Code`", "meaning"],
  Object.entries(API_ERRORS).map(([kind, e]) => [`\`${kind}\``, String(e.code), cell(e.meaning)]),
);

// Each log record: its subject, the parser's kind for it (checked), its type and who writes it.
const records = [
  ["submitted", s.submitted(R), "RunSubmitted", "planner (`submit`, `spawn`)"],
  ["llm-command", s.llmCommand(R, T, "PROVIDERNAME"), "LlmCommand", "planner"],
  ["llm-result", s.llmResult(R, T), "LlmResult", "llm-caller"],
  ["tool-command", s.toolCommand(R, T, I, "TOOLNAME"), "ToolCommand", "planner"],
  ["tool-result", s.toolResult(R, T, I, "TOOLNAME"), "ToolResult", "tool-runner"],
  ["summary-command", s.summaryCommand(R, T, "PROVIDERNAME"), "SummaryCommand", "planner"],
  ["summary-result", s.summaryResult(R, T), "SummaryResult", "llm-caller"],
  ["check-command", s.checkCommand(R, N, "PROVIDERNAME"), "CheckCommand", "planner (a model-judged guardrail)"],
  ["check-result", s.checkResult(R, N), "CheckResult", "llm-caller"],
  ["signal", s.signal(R, "SIGNALNAME"), "RunSignal", "planner (`cancel`: signal `cancel`)"],
  ["approval", s.approval(R, T, I), "RunApproval", "planner (`approve`)"],
  ["budget-approval", s.budgetApproval(R, T), "RunApproval", "planner (`approve`, call id `budget`)"],
  ["loop-approval", s.loopApproval(R, T), "RunApproval", "planner (`approve`, call id `loop`)"],
  ["message", s.message(R, N), "RunMessage", "planner (`send`)"],
  ["guard", s.guard(R, T, "output"), "RunGuard", "planner (the agent's guardrails; `input` before turn 1)"],
  ["guard-approval", s.guardApproval(R, T), "RunApproval", "planner (`approve`, call id `guard`: an answer's pause)"],
  [
    "guard-approval",
    s.guardApproval(R, 1, "input"),
    "RunApproval",
    "planner (`approve`, call id `guard`: the task's pause, before turn 1)",
  ],
  ["error", s.error(R, "ERRORID"), "RunError", "the service that found the problem"],
  ["ended", s.ended(R), "RunEnded", "planner"],
];
for (const [kind, subject] of records) {
  const parsed = s.parse(subject)?.what.kind;
  if (parsed !== kind) throw new Error(`${subject} parses as ${parsed}, not ${kind}: update scripts/protocol-doc.mjs`);
}
sections.records = table(
  ["subject", "`type`", "schema", "written by"],
  records.map(([, subject, title, by]) => [
    shown(subject),
    `\`${schemaOf(title).properties.type?.const ?? "?"}\``,
    link(title),
    by,
  ]),
);

/** A property's type, in a few characters. */
function typeOf(p) {
  if (!p) return "";
  if (p.const !== undefined) return `\`${JSON.stringify(p.const)}\``;
  if (p.enum) return p.enum.map((v) => `\`${JSON.stringify(v)}\``).join(" \\| ");
  if (p.$ref) return titleById.has(p.$ref) ? link(titleById.get(p.$ref)) : "object";
  if (p.type === "array") return `${typeOf(p.items) || "any"}[]`;
  if (p.type === "object" && p.additionalProperties && typeof p.additionalProperties === "object" && !p.properties)
    return `map of ${typeOf(p.additionalProperties)}`;
  if (p.type === "object" && p.properties) return `object {${Object.keys(p.properties).join(", ")}}`;
  if (Array.isArray(p.type)) return p.type.join(" \\| ");
  return p.type ?? (p.oneOf || p.anyOf ? "one of several shapes" : "any");
}

const apiTypes = [...new Set(Object.values(API_ENDPOINTS).flatMap((e) => [e.request, e.reply])), "ApiError"];
const recordTypes = [...new Set(records.map((r) => r[2]))];
const fields = (titles) =>
  titles
    .map((title) => {
      const sc = schemaOf(title);
      const required = new Set(sc.required ?? []);
      return [
        `#### ${schemaName(title)}`,
        "",
        `${cell(sc.description ?? title)} (\`schemas/${schemaName(title)}.schema.json\`, type \`${title}\`)`,
        "",
        table(
          ["field", "type", "required", "meaning"],
          Object.entries(sc.properties ?? {}).map(([name, p]) => [
            `\`${name}\``,
            typeOf(p),
            required.has(name) ? "yes" : "",
            cell(p.description ?? ""),
          ]),
        ),
      ].join("\n");
    })
    .join("\n\n");
sections["api-schemas"] = fields(apiTypes);
sections["record-schemas"] = fields(recordTypes);
sections.version = `The current protocol version is **${PROTOCOL_VERSION}**.`;

let doc = readFileSync(target, "utf8");
const out = doc.replace(
  /(<!-- BEGIN generated:([a-z-]+) -->)[\s\S]*?(<!-- END generated:\2 -->)/g,
  (_m, open, name, close) => {
    if (!(name in sections))
      throw new Error(`docs/protocol.md has a generated section ${name} this script does not know`);
    const body = sections[name];
    delete sections[name];
    return `${open}\n${body}\n${close}`;
  },
);
const missing = Object.keys(sections);
if (missing.length) throw new Error(`docs/protocol.md lacks the generated sections: ${missing.join(", ")}`);
if (check) {
  if (out !== doc) {
    console.error("docs/protocol.md is out of date with schemas/ and @cairn/protocol: run `npm run docs:protocol`");
    process.exit(1);
  }
  console.log("docs/protocol.md is current");
} else {
  writeFileSync(target, out);
  doc = out;
  console.log("wrote docs/protocol.md");
}
