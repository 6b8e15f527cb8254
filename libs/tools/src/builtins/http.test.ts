import { describe, it, expect, beforeAll, afterAll } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import type { ToolContext } from "../define.js";
import { toolTestContext } from "./test-context.js";
import {
  addressRefusal,
  effectiveAddress,
  encodeResult,
  httpFetchTool,
  parseAllowPrivate,
  privateAllowance,
  specialAddress,
  type HttpFetchOptions,
  type ResolvedAddress,
} from "./http.js";

const makeContext = (): ToolContext => toolTestContext("/nonexistent");

interface Seen {
  server: "a" | "b";
  url: string;
  headers: http.IncomingHttpHeaders;
}

let a: http.Server;
let b: http.Server;
let portA = 0;
let portB = 0;
const seen: Seen[] = [];

function listen(
  name: "a" | "b",
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<http.Server> {
  const s = http.createServer((req, res) => {
    seen.push({ server: name, url: req.url ?? "", headers: req.headers });
    req.resume();
    req.on("end", () => handler(req, res));
  });
  return new Promise((resolve) => s.listen(0, "127.0.0.1", () => resolve(s)));
}

beforeAll(async () => {
  a = await listen("a", (req, res) => {
    const u = req.url ?? "";
    if (u === "/to-b") res.writeHead(302, { location: `http://127.0.0.1:${portB}/landed` }).end();
    else if (u === "/same-origin") res.writeHead(302, { location: "/landed" }).end();
    else if (u === "/to-internal") res.writeHead(302, { location: `http://internal.test:${portA}/landed` }).end();
    else if (u === "/quotes") res.writeHead(200, { "content-type": "text/plain" }).end('"'.repeat(4000));
    else if (u === "/controls") res.writeHead(200, { "content-type": "text/plain" }).end("\x01".repeat(4000));
    else if (u === "/unicode")
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end("é😀\\\n".repeat(1000));
    else if (u === "/gzip")
      res.writeHead(200, { "content-type": "text/plain", "content-encoding": "gzip" }).end(gzipSync("unzipped body"));
    else res.writeHead(200, { "content-type": "text/plain" }).end(`hello from a ${u}`);
  });
  b = await listen("b", (req, res) =>
    res.writeHead(200, { "content-type": "text/plain" }).end(`hello from b ${req.url ?? ""}`),
  );
  portA = (a.address() as AddressInfo).port;
  portB = (b.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const s of [a, b]) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

/** A resolver answering from a table, counting its calls per name. */
function fakeDns(table: Record<string, string[] | (() => string[])>): {
  resolve: (h: string) => Promise<ResolvedAddress[]>;
  calls: Map<string, number>;
} {
  const calls = new Map<string, number>();
  return {
    calls,
    resolve: async (host) => {
      calls.set(host, (calls.get(host) ?? 0) + 1);
      const entry = table[host];
      if (entry === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
      const list = typeof entry === "function" ? entry() : entry;
      return list.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
    },
  };
}

async function fetchWith(
  allowHosts: string[],
  opts: HttpFetchOptions,
  args: Record<string, unknown>,
  max = 1024 * 1024,
): Promise<any> {
  const out = await httpFetchTool(allowHosts, max, opts).run(args as any, makeContext());
  return JSON.parse(out as string);
}

describe("http_fetch: addresses", () => {
  it("classifies special-purpose addresses, IPv4-mapped and NAT64 forms included", () => {
    for (const [addr, what] of [
      ["127.0.0.1", "loopback"],
      ["127.255.0.9", "loopback"],
      ["::1", "loopback"],
      ["::ffff:127.0.0.1", "loopback"],
      ["::ffff:7f00:1", "loopback"],
      ["64:ff9b::a00:1", "private"],
      ["10.1.2.3", "private"],
      ["172.16.0.1", "private"],
      ["172.31.255.255", "private"],
      ["192.168.1.1", "private"],
      ["169.254.169.254", "link-local (cloud metadata)"],
      ["fe80::1", "link-local"],
      ["fe80::1%eth0", "link-local"],
      ["fd00::1", "unique local (private)"],
      ["0.0.0.0", 'unspecified ("this network")'],
      ["::", "unspecified"],
      ["224.0.0.1", "multicast"],
      ["ff02::1", "multicast"],
      ["255.255.255.255", "reserved / broadcast"],
      ["100.64.0.1", "shared (carrier-grade NAT)"],
    ] as const) {
      expect(specialAddress(addr)?.what, addr).toBe(what);
    }
    for (const pub of ["8.8.8.8", "1.1.1.1", "172.32.0.1", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"])
      expect(specialAddress(pub), pub).toBeUndefined();
    expect(effectiveAddress("::ffff:7f00:1")).toEqual({ address: "127.0.0.1", type: "ipv4" });
  });

  it("allows special addresses only as configured: all (but never unspecified or multicast) or by CIDR", () => {
    const none = privateAllowance(false);
    expect(addressRefusal("127.0.0.1", none)).toBe("loopback");
    expect(addressRefusal("8.8.8.8", none)).toBeUndefined();
    const all = privateAllowance(true);
    expect(addressRefusal("127.0.0.1", all)).toBeUndefined();
    expect(addressRefusal("10.0.0.1", all)).toBeUndefined();
    expect(addressRefusal("0.0.0.0", all)).toBeDefined();
    expect(addressRefusal("224.0.0.1", all)).toBeDefined();
    const some = privateAllowance(["127.0.0.1/32", "10.0.0.0/8", "fd00::/8"]);
    expect(addressRefusal("127.0.0.1", some)).toBeUndefined();
    expect(addressRefusal("::ffff:127.0.0.1", some)).toBeUndefined();
    expect(addressRefusal("127.0.0.2", some)).toBe("loopback");
    expect(addressRefusal("10.9.9.9", some)).toBeUndefined();
    expect(addressRefusal("fd12::1", some)).toBeUndefined();
    expect(addressRefusal("192.168.0.1", some)).toBe("private");
    expect(() => privateAllowance(["10.0.0.0/33"])).toThrow(/CIDR/);
    expect(() => privateAllowance(["localhost"])).toThrow(/CIDR/);
    expect(parseAllowPrivate(undefined)).toBe(false);
    expect(parseAllowPrivate("0")).toBe(false);
    expect(parseAllowPrivate("true")).toBe(true);
    expect(parseAllowPrivate("1")).toBe(true);
    expect(parseAllowPrivate(" 127.0.0.1/32 , ::1 ")).toEqual(["127.0.0.1/32", "::1"]);
  });
});

describe("http_fetch: refused addresses and DNS rebinding", () => {
  it("refuses an allowed host at a loopback address unless it is explicitly allowed", async () => {
    const before = seen.length;
    for (const url of [
      `http://127.0.0.1:${portA}/`,
      `http://[::1]:${portA}/`,
      `http://[::ffff:127.0.0.1]:${portA}/`,
      `http://localhost:${portA}/`,
    ]) {
      await expect(
        fetchWith(["127.0.0.1", "::1", "::ffff:7f00:1", "localhost"], {}, { url }),
        url,
      ).rejects.toMatchObject({ name: "TerminalError", kind: "address_not_allowed" });
    }
    expect(seen.length).toBe(before); // nothing was sent
    const ok = await fetchWith(
      ["127.0.0.1"],
      { allowPrivate: ["127.0.0.1/32"] },
      { url: `http://127.0.0.1:${portA}/x` },
    );
    expect(ok).toMatchObject({ status: 200, body: "hello from a /x" });
  });

  it("refuses a listed name that resolves to private space, even with a public answer beside it", async () => {
    const dns = fakeDns({
      "evil.test": ["127.0.0.1"],
      "mixed.test": ["93.184.216.34", "10.0.0.7"],
      "meta.test": ["169.254.169.254"],
    });
    for (const host of ["evil.test", "mixed.test", "meta.test"]) {
      await expect(
        fetchWith([host], { resolve: dns.resolve }, { url: `http://${host}:${portA}/` }),
        host,
      ).rejects.toMatchObject({ kind: "address_not_allowed" });
    }
    // Only 127.0.0.1 is allowed: the 10.0.0.7 answer still refuses mixed.test.
    await expect(
      fetchWith(
        ["mixed.test"],
        { resolve: dns.resolve, allowPrivate: ["127.0.0.1/32"] },
        { url: `http://mixed.test:${portA}/` },
      ),
    ).rejects.toThrow(/10\.0\.0\.7, a private address/);
  });

  it("connects to the checked address: a second DNS answer is never asked for nor used", async () => {
    // First answer: loopback (allowed here); any later answer would be a documentation address
    // nobody listens on. The name does not exist in real DNS either.
    let n = 0;
    const dns = fakeDns({ "rebind.test": () => (n++ === 0 ? ["127.0.0.1"] : ["192.0.2.1"]) });
    const res = await fetchWith(
      ["rebind.test"],
      { resolve: dns.resolve, allowPrivate: ["127.0.0.1/32"] },
      { url: `http://rebind.test:${portA}/pinned` },
    );
    expect(res).toMatchObject({ status: 200, body: "hello from a /pinned" });
    expect(dns.calls.get("rebind.test")).toBe(1);
    expect(seen.at(-1)?.headers.host).toBe(`rebind.test:${portA}`);
  });

  it("checks every redirect hop again: a redirect to a name in private space is refused", async () => {
    const dns = fakeDns({ "internal.test": ["10.0.0.5"] });
    await expect(
      fetchWith(
        ["127.0.0.1", "internal.test"],
        { resolve: dns.resolve, allowPrivate: ["127.0.0.1/32"] },
        { url: `http://127.0.0.1:${portA}/to-internal` },
      ),
    ).rejects.toMatchObject({ kind: "address_not_allowed" });
    expect(dns.calls.get("internal.test")).toBe(1);
  });
});

describe("http_fetch: headers across redirects", () => {
  const allow = { allowPrivate: ["127.0.0.1/32"] };
  const headers = {
    "x-api-key": "caller-secret",
    authorization: "Bearer caller-token",
    cookie: "s=1",
    "x-custom": "c",
  };

  it("drops every caller header on a redirect to another origin, keeps them on the same origin", async () => {
    const cross = await fetchWith(["127.0.0.1"], allow, { url: `http://127.0.0.1:${portA}/to-b`, headers });
    expect(cross).toMatchObject({ status: 200, body: "hello from b /landed" });
    const atB = seen.at(-1)!;
    expect(atB.server).toBe("b");
    for (const h of Object.keys(headers)) expect(atB.headers[h], h).toBeUndefined();
    expect(atB.headers["idempotency-key"]).toBe("run-1:1:0");
    const first = seen.at(-2)!;
    expect(first).toMatchObject({ server: "a", url: "/to-b" });
    expect(first.headers["x-api-key"]).toBe("caller-secret");

    const same = await fetchWith(["127.0.0.1"], allow, { url: `http://127.0.0.1:${portA}/same-origin`, headers });
    expect(same.body).toBe("hello from a /landed");
    expect(seen.at(-1)!.headers["x-api-key"]).toBe("caller-secret");
  });

  it("refuses headers that would reframe or redirect the request", async () => {
    for (const h of ["Host", "content-length", "Transfer-Encoding", "connection"]) {
      await expect(
        fetchWith(["127.0.0.1"], allow, { url: `http://127.0.0.1:${portA}/`, headers: { [h]: "x" } }),
        h,
      ).rejects.toMatchObject({ kind: "invalid_arguments" });
    }
  });
});

describe("http_fetch: the encoded result is capped", () => {
  const allow = { allowPrivate: ["127.0.0.1/32"] };

  for (const path of ["/quotes", "/controls", "/unicode"]) {
    it(`${path}: the JSON result as recorded stays within the limit`, async () => {
      const max = 1000;
      const out = (await httpFetchTool(["127.0.0.1"], max, allow).run(
        { url: `http://127.0.0.1:${portA}${path}` },
        makeContext(),
      )) as string;
      expect(Buffer.byteLength(out, "utf8")).toBeLessThanOrEqual(max);
      expect(Buffer.byteLength(out, "utf8")).toBeGreaterThan(max - 16);
      const res = JSON.parse(out);
      expect(res.truncated).toBe(true);
      expect(res.body.length).toBeGreaterThan(0);
    });
  }

  it("a result that fits is returned whole, decompressed when the server gzips anyway", async () => {
    const res = await fetchWith(["127.0.0.1"], allow, { url: `http://127.0.0.1:${portA}/gzip` });
    expect(res).toEqual({ status: 200, headers: { "content-type": "text/plain" }, body: "unzipped body" });
  });

  it("encodeResult never exceeds the limit, whatever the body holds", () => {
    const samples = ['"\\', "\x00\x1f\x7f", "é", "😀", "\ud800", "\udc00x", "a\u2028b", "plain"];
    for (let i = 0; i < 200; i++) {
      const body = Array.from({ length: 50 + i * 7 }, (_, j) => samples[(i * 31 + j * 17) % samples.length]).join("");
      for (const max of [60, 100, 333, 1000]) {
        const out = encodeResult(200, "text/plain", body, false, max);
        const parsed = JSON.parse(out);
        if (
          Buffer.byteLength(
            JSON.stringify({ status: 200, headers: { "content-type": "text/plain" }, body: "", truncated: true }),
          ) <= max
        ) {
          expect(Buffer.byteLength(out, "utf8")).toBeLessThanOrEqual(max);
        }
        expect(body.startsWith(parsed.body)).toBe(true);
        if (parsed.body.length < body.length) expect(parsed.truncated).toBe(true);
      }
    }
  });
});
