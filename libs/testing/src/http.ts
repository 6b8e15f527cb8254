import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

/** A request a test HTTP server received: its body as text and, when it is JSON, parsed. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON, or the raw text when it is not JSON. */
  body: unknown;
  text: string;
  /** When the body was complete (epoch ms). */
  at: number;
}

export type HttpHandler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface TestHttpServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 and a random port (for providers' wire protocols: OpenAI Chat
 * Completions, Anthropic Messages). Every request is recorded, then handed to `handler` with its body.
 */
export async function startHttpServer(handler: HttpHandler): Promise<TestHttpServer> {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the raw text
      }
      received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body, text, at: Date.now() });
      handler(req, res, text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Runs `fn` with a server from `startHttpServer`, closed afterwards. */
export async function withHttpServer<T>(
  handler: HttpHandler,
  fn: (origin: string, received: ReceivedRequest[]) => Promise<T>,
): Promise<T> {
  const s = await startHttpServer(handler);
  try {
    return await fn(s.origin, s.received);
  } finally {
    await s.close();
  }
}

/**
 * A handler that answers with `parts` as an event stream, one write each with a 5 ms pause between
 * (so they arrive as separate chunks), waiting for `gate` before part `gateAt`; then it ends the
 * response, cuts the connection, or hangs.
 */
export function eventStreamHandler(
  parts: string[],
  o: { end?: "end" | "destroy" | "hang"; gate?: Promise<unknown>; gateAt?: number; contentType?: string } = {},
): HttpHandler {
  return (_req, res) => {
    res.writeHead(200, { "content-type": o.contentType ?? "text/event-stream", "cache-control": "no-cache" });
    void (async () => {
      for (const [i, part] of parts.entries()) {
        if (o.gate && i === o.gateAt) await o.gate;
        res.write(part);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const end = o.end ?? "end";
      if (end === "end") res.end();
      else if (end === "destroy") res.socket?.destroy();
    })();
  };
}

/** What `p` rejects with; throws when it resolves. */
export async function rejectionOf<T>(p: Promise<unknown>): Promise<T> {
  try {
    await p;
  } catch (err) {
    return err as T;
  }
  throw new Error("expected the call to fail");
}
