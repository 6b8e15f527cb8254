import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { CairnClient } from "@cairn/client";
import type { DecodedEntry } from "@cairn/protocol";

const RUN_STATUSES = ["running", "awaiting_approval", "completed", "failed", "cancelled"] as const;

const ok = (value: unknown): CallToolResult => ({
  content: [{ type: "text", text: JSON.stringify(value, null, 2) }],
  ...(value && typeof value === "object" && !Array.isArray(value)
    ? { structuredContent: value as Record<string, unknown> }
    : {}),
});

/** A refusal of the run API (not found, forbidden, not awaiting, …) as a tool error the caller reads. */
function refused(err: unknown): CallToolResult {
  const e = err as { kind?: unknown; message?: unknown };
  const kind = typeof e?.kind === "string" ? `${e.kind}: ` : "";
  return {
    isError: true,
    content: [{ type: "text", text: `${kind}${err instanceof Error ? err.message : String(err)}` }],
  };
}

async function answer(fn: () => Promise<unknown>): Promise<CallToolResult> {
  try {
    return ok(await fn());
  } catch (err) {
    return refused(err);
  }
}

/**
 * One line on a log entry of a run, for `follow`'s progress notifications (undefined: nothing worth
 * saying, e.g. a command). `gated`: the tools whose calls wait for a human in this run.
 */
export function progressLine(entry: DecodedEntry, gated: ReadonlySet<string>): string | undefined {
  switch (entry.kind) {
    case "submitted":
      return `submitted: agent ${entry.message.agent.name}, task ${JSON.stringify(entry.message.task.slice(0, 200))}`;
    case "llm-result": {
      const m = entry.message;
      if (!m.ok) return `turn ${m.turn}: the model call failed: ${m.error?.message ?? "unknown error"}`;
      const calls = m.toolCalls ?? [];
      if (!calls.length) return `turn ${m.turn}: the model answered`;
      const waits = calls.filter((c) => gated.has(c.name)).map((c) => `${c.id} (${c.name})`);
      return (
        `turn ${m.turn}: the model calls ${calls.map((c) => c.name).join(", ")}` +
        (waits.length ? `; awaiting approval: ${waits.join(", ")} (approve or deny)` : "")
      );
    }
    case "tool-result": {
      const m = entry.message;
      return `tool ${m.tool} (${m.callId}): ${m.ok ? "done" : `failed: ${m.error?.message ?? ""}`}`;
    }
    case "approval":
      return `call ${entry.message.callId}: ${entry.message.decision === "approve" ? "approved" : "denied"}`;
    case "budget-approval":
      return `budget: ${entry.message.decision === "approve" ? "approved" : "denied"}`;
    case "loop-approval":
      return `stuck loop: ${entry.message.decision === "approve" ? "go on approved" : "denied"}`;
    case "signal":
      return `signal: ${entry.message.signal}`;
    case "guard":
      return entry.message.tripped
        ? `${entry.message.point} guardrail ${entry.message.guardrail ?? "?"} tripped: ${entry.message.message ?? ""}`
        : `${entry.message.point} guardrails passed`;
    case "guard-approval":
      return `tripped guardrail: ${entry.message.decision === "approve" ? "go on approved" : "denied"}`;
    case "message":
      return `message ${entry.message.n}${entry.message.text !== undefined ? `: ${entry.message.text}` : ""}${entry.message.end ? " (end after the next answer)" : ""}`;
    case "error":
      return `error: ${entry.message.error.message}`;
    case "ended":
      return `ended: ${entry.message.status}`;
    default:
      return undefined;
  }
}

/**
 * Cairn's run API as an MCP server: tools `submit`, `status`, `list`, `follow`, `approve`, `deny`
 * and `cancel`, each a request of `client` — so the API enforces the roles of the client's NATS
 * credential, as for any other client. `follow` sends a progress notification (with the request's
 * `progressToken`) for each step of the run as it is recorded, and returns the final status. There
 * is no `send` tool: Cairn's API has no way to send a message to a run in flight yet.
 */
export function createCairnMcpServer(client: CairnClient, info: { version: string } = { version: "0.1.0" }): McpServer {
  const server = new McpServer({ name: "cairn", version: info.version });
  const runId = z.string().min(1).describe("the run's id (from submit or list)");

  server.registerTool(
    "submit",
    {
      title: "Submit a run",
      description:
        "Starts a durable agent run of a task; returns its runId. The same idempotencyKey names the same run (created: false on a repeat).",
      inputSchema: {
        task: z.string().min(1).describe("what the agent is to do"),
        agent: z
          .string()
          .min(1)
          .optional()
          .describe("the agent (from the planner's agents file); the default agent when omitted"),
        idempotencyKey: z.string().min(1).optional().describe("names the run: a resubmission answers the same run"),
        metadata: z.record(z.string(), z.string()).optional().describe("key/value labels to filter runs by"),
      },
    },
    (a) =>
      answer(() =>
        client.submit({
          task: a.task,
          ...(a.agent ? { agent: a.agent } : {}),
          ...(a.idempotencyKey ? { idempotencyKey: a.idempotencyKey } : {}),
          ...(a.metadata ? { metadata: a.metadata } : {}),
        }),
      ),
  );

  server.registerTool(
    "status",
    {
      title: "A run's status",
      description:
        "The run's status: running, awaiting_approval (with the calls waiting), completed (with the answer), failed or cancelled.",
      inputSchema: { runId },
      annotations: { readOnlyHint: true },
    },
    (a) => answer(() => client.status(a.runId)),
  );

  server.registerTool(
    "list",
    {
      title: "List runs",
      description: "Runs, newest first, optionally filtered by status and agent.",
      inputSchema: {
        status: z.enum(RUN_STATUSES).optional(),
        agent: z.string().min(1).optional(),
        limit: z.number().int().min(1).max(100).default(20),
      },
      annotations: { readOnlyHint: true },
    },
    (a) =>
      answer(async () => ({
        runs: await client.list({
          limit: a.limit,
          ...(a.status ? { status: a.status } : {}),
          ...(a.agent ? { agent: a.agent } : {}),
        }),
      })),
  );

  server.registerTool(
    "follow",
    {
      title: "Follow a run",
      description:
        "Waits for the run to end, sending a progress notification for each step as it is recorded (ask with a progressToken); returns the final status. A run awaiting approval keeps it waiting: approve or deny meanwhile. Cancelling this request stops following, not the run.",
      inputSchema: { runId },
      annotations: { readOnlyHint: true },
    },
    async (a, extra) => {
      const token = extra._meta?.progressToken;
      const gated = new Set<string>();
      let n = 0;
      try {
        for await (const { entry } of client.watch(a.runId, { signal: extra.signal })) {
          if (entry.kind === "submitted")
            for (const t of entry.message.agent.tools) if (t.requiresApproval) gated.add(t.name);
          const message = progressLine(entry, gated);
          if (token !== undefined && message !== undefined)
            await extra.sendNotification({
              method: "notifications/progress",
              params: { progressToken: token, progress: ++n, message },
            });
          if (entry.kind === "ended") break;
        }
        return ok(await client.status(a.runId));
      } catch (err) {
        return refused(err);
      }
    },
  );

  const decision = (verb: "approve" | "deny") =>
    server.registerTool(
      verb,
      {
        title: verb === "approve" ? "Approve a call" : "Deny a call",
        description:
          verb === "approve"
            ? "Approves a tool call that waits for a human (status awaiting_approval names it); the run resumes. callId 'budget' approves a budget pause; callId 'loop' lets a run its stuck-loop guard paused go on."
            : "Denies a tool call that waits for a human; the model reads the denial as the call's result. callId 'budget' declines a budget pause; callId 'loop' ends a run its stuck-loop guard paused.",
        inputSchema: {
          runId,
          callId: z.string().min(1).describe("the waiting call's id"),
          reason: z.string().optional().describe("recorded with the decision"),
        },
      },
      (a) => answer(() => client[verb](a.runId, a.callId, a.reason ? { reason: a.reason } : {})),
    );
  decision("approve");
  decision("deny");

  server.registerTool(
    "cancel",
    {
      title: "Cancel a run",
      description: "Cancels a run: its tool calls in flight are aborted and it ends cancelled.",
      inputSchema: { runId, reason: z.string().optional() },
      annotations: { destructiveHint: true },
    },
    (a) => answer(() => client.cancel(a.runId, a.reason)),
  );

  server.registerTool(
    "send",
    {
      title: "Send a message to a run",
      description:
        "Sends a message to a running run: its next model call reads it as the user's (steering), or a conversation waiting for a message goes on. end: true ends a conversation after its next answer. Returns the message's number; status shows when it is answered (answeredMessages).",
      inputSchema: {
        runId,
        text: z.string().min(1).max(65536).optional().describe("what the model reads"),
        end: z.boolean().optional().describe("end the conversation after its next answer"),
      },
    },
    (a) => answer(() => client.send(a.runId, a.text, a.end ? { end: true } : {})),
  );
  return server;
}
