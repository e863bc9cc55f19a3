// A forwarding proxy that judges the traffic it passes: requests and responses are streamed through
// unchanged (only Host and hop-by-hop fields, which belong to one connection, RFC 9110 §7.6.1), and a copy
// of each, bounded by MAX_BODY_BYTES, is handed to the judge once the response has ended. The proxy answers
// on its own only with 502, when the upstream cannot be reached. It logs nothing of the traffic itself.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";
import { decodeContent, fetchView, MAX_BODY_BYTES, type Exchange } from "../http.ts";

/** Fields of one connection, not of the message: never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
]);

export interface ProxyOptions {
  upstream: URL;
  host: string;
  port: number;
  /** each complete exchange, in the order responses end */
  onExchange(ex: Exchange, label: string): void;
  /** an exchange the judge cannot see whole (a body past the limit, a client that went away) */
  onUnjudgeable(method: string, url: string, label: string, reason: string): void;
}

export interface RunningProxy {
  url: string;
  close(): Promise<void>;
}

function pairs(raw: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

/** Collects a stream's chunks up to MAX_BODY_BYTES; past that it only counts. */
function tee() {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    add(c: Buffer) {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    },
    get over() {
      return size > MAX_BODY_BYTES;
    },
    bytes: () => Buffer.concat(chunks),
  };
}

export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  let next = 0;
  const upstreamBase = options.upstream;
  const send = upstreamBase.protocol === "https:" ? httpsRequest : httpRequest;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const label = `exchange ${++next}`;
    const target = new URL(req.url ?? "/", upstreamBase.origin);
    const reqPairs = pairs(req.rawHeaders);
    const forwardHeaders: Array<[string, string]> = reqPairs.filter(([k]) => !HOP_BY_HOP.has(k.toLowerCase()));
    forwardHeaders.push(["Host", target.host]);
    const reqBody = tee();
    let clientGone = false;
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of forwardHeaders) {
      const had = headers[k];
      headers[k] = had === undefined ? v : [...(Array.isArray(had) ? had : [had]), v];
    }
    const upstream = send(target, { method: req.method, headers }, (up) => {
      const receivedAt = Date.now();
      const resPairs = pairs(up.rawHeaders);
      const back = resPairs.filter(([k]) => !HOP_BY_HOP.has(k.toLowerCase()) || k.toLowerCase() === "transfer-encoding");
      res.writeHead(up.statusCode ?? 502, up.statusMessage, back.filter(([k]) => k.toLowerCase() !== "transfer-encoding").flat());
      const resBody = tee();
      up.on("data", (c: Buffer) => {
        resBody.add(c);
        res.write(c);
      });
      up.on("end", () => {
        res.end();
        const method = req.method ?? "GET";
        if (reqBody.over || resBody.over)
          return options.onUnjudgeable(
            method,
            target.href,
            label,
            `a body is larger than the ${MAX_BODY_BYTES}-byte limit of a body the suite reads (forwarded whole, not judged)`,
          );
        const status = up.statusCode ?? 0;
        let bytes: Buffer;
        try {
          bytes = decodeContent(resBody.bytes(), up.headers["content-encoding"], status);
        } catch (err) {
          // What a Fetch client cannot decode is judged as such: an empty body under its Content-Encoding.
          return options.onUnjudgeable(method, target.href, label, (err as Error).message);
        }
        const reqBytes = reqBody.bytes();
        options.onExchange(
          {
            id: next,
            caseId: label,
            request: {
              method,
              url: target.href,
              headers: fetchView(reqPairs.filter(([k]) => k.toLowerCase() !== "host")),
              ...(reqBytes.length ? { body: reqBytes.toString("utf8") } : {}),
            },
            response: {
              status,
              headers: fetchView(resPairs),
              rawHeaders: resPairs,
              bodyText: new TextDecoder("utf-8").decode(bytes),
              bodyBytes: new Uint8Array(bytes),
              receivedAt,
            },
            durationMs: Date.now() - started,
            rateLimited: [],
          },
          label,
        );
      });
      up.on("error", () => res.destroy());
      up.on("aborted", () => res.destroy());
    });
    const started = Date.now();
    upstream.on("error", (err) => {
      if (clientGone) return options.onUnjudgeable(req.method ?? "GET", target.href, label, "the client went away before the answer");
      // The one answer the proxy gives itself: the upstream cannot be reached (RFC 9110 §15.6.3).
      if (!res.headersSent) {
        res.writeHead(502, { "content-type": "text/plain; charset=utf-8" });
        res.end(`dintero-login-kit proxy: the upstream ${upstreamBase.origin} cannot be reached (${(err as NodeJS.ErrnoException).code ?? "error"})\n`);
      } else res.destroy();
      options.onExchange(
        {
          id: next,
          caseId: label,
          request: { method: req.method ?? "GET", url: target.href, headers: fetchView(reqPairs) },
          error: { kind: "network", message: `the upstream cannot be reached (${(err as NodeJS.ErrnoException).code ?? "error"})` },
          durationMs: Date.now() - started,
          rateLimited: [],
        },
        label,
      );
    });
    req.on("data", (c: Buffer) => {
      reqBody.add(c);
      upstream.write(c);
    });
    req.on("end", () => upstream.end());
    res.on("close", () => {
      if (!res.writableFinished) {
        clientGone = true;
        upstream.destroy();
      }
    });
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
