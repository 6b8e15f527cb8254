// An application that starts a durable agent run and watches it: `node dist/main.js "<task>"`.
// NATS_URL (and NATS_TOKEN, or NATS_CREDS) name the deployment; `cairn dev` prints its URL.
import { CairnClient, CairnApiError } from "@cairn/client";

const env = process.env;
const client = await CairnClient.connect({
  connect: {
    servers: env["NATS_URL"] ?? "nats://127.0.0.1:4222",
    ...(env["NATS_TOKEN"] ? { token: env["NATS_TOKEN"] } : {}),
    ...(env["NATS_CREDS"] ? { credsFile: env["NATS_CREDS"] } : {}),
  },
});
try {
  const task = process.argv[2] ?? "How many words are in: durable agents lose no steps?";
  // The idempotency key makes a retried submission (say, after this process crashed) name the same run.
  const { runId } = await client.submit({ task, agent: "counter", idempotencyKey: env["RUN_KEY"] });
  console.log(`run ${runId}`);
  for await (const { seq, entry } of client.watch(runId)) {
    if (entry.kind === "tool-command") console.log(`#${seq} call ${entry.message.tool}`, entry.message.arguments);
    if (entry.kind === "tool-result") console.log(`#${seq} result`, entry.message.output ?? entry.message.error);
    if (entry.kind === "ended") console.log(`#${seq} ${entry.message.status}: ${entry.message.answer ?? ""}`);
  }
  const status = await client.status(runId);
  console.log(JSON.stringify({ runId, status: status.status, answer: status.answer, toolCalls: status.toolCalls }));
  process.exitCode = status.status === "completed" ? 0 : 2;
} catch (err) {
  // API errors say what went wrong and whether a retry can help.
  if (err instanceof CairnApiError) console.error(`${err.kind}${err.retryable ? " (retryable)" : ""}: ${err.message}`);
  else console.error(err);
  process.exitCode = 1;
} finally {
  await client.close();
}
