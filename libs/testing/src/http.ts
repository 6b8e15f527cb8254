import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
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
export async function withHttpServer<T>(handler: HttpHandler, fn: (origin: string, received: ReceivedRequest[]) => Promise<T>): Promise<T> {
  const s = await startHttpServer(handler);
  try {
    return await fn(s.origin, s.received);
  } finally {
    await s.close();
  }
}
