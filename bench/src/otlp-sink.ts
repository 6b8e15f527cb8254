import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A stand-in OTLP/HTTP collector for the tracing scenario: accepts `POST /v1/traces`, counts the
 * requests and bytes, and answers 200 with an empty (valid) protobuf response. It discards the
 * spans, so exporting costs the services what it would with a real collector on the network.
 */
export async function startOtlpSink(): Promise<{
  url: string;
  stats(): { requests: number; bytes: number };
  stop(): Promise<void>;
}> {
  let requests = 0;
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on("data", (d: Buffer) => (bytes += d.length));
    req.on("end", () => {
      if (req.method === "POST" && req.url?.startsWith("/v1/traces")) requests++;
      res.writeHead(200, { "content-type": "application/x-protobuf" });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ requests, bytes }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
