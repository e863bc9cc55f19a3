// Internal to this project (not exported by dintero-login-kit/testing, and not reachable from its
// declarations): the fake on node:http with its internal controls (testing/overrides.ts) and wire
// overrides, for this project's own tests and benchmarks. startFakeDintero (server.ts) is this, without them.
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createCore, type Answer, type FakeInternals, type Plan } from "./fake.ts";
import { facadeOf, fetchOf } from "./fetch.ts";
import { serverUrl } from "./spec.ts";
import type { FakeDinteroOptions, RunningFakeDintero } from "./types.ts";

/** Largest request body read (bytes); a larger one is answered as an invalid request. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Internal: a test that must answer what no correct server sends (broken framing, a hand-written
 * response) takes the node:http exchange here; `true`: it answered, the fake does not. */
export type WireOverride = (req: IncomingMessage, res: ServerResponse, body: Buffer) => boolean;

export interface InternalServer {
  fake: RunningFakeDintero;
  internals: FakeInternals;
  /** Wire overrides, tried in order before the fake answers. */
  wire: WireOverride[];
  server: import("node:http").Server;
}

/** Sends an answer of the fake on a node:http response (Content-Length from its bytes). */
export function writeAnswer(res: ServerResponse, answer: Answer): void {
  if (res.destroyed) return;
  const bytes = typeof answer.body === "string" ? Buffer.from(answer.body, "utf8") : answer.body;
  if (answer.framing === "close") {
    // RFC 9112 §6.3: no Content-Length, no chunking: the body ends when the connection closes.
    const lines = Object.entries(answer.headers).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${name}: ${v}\r\n`));
    const head = `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ""}\r\n${lines.join("")}connection: close\r\n\r\n`;
    res.socket?.end(Buffer.concat([Buffer.from(head, "latin1"), Buffer.from(bytes)]));
    return;
  }
  if (answer.framing?.trailers) {
    // RFC 9112 §7.1.2: chunked, with the trailer fields announced in Trailer.
    res.writeHead(answer.status, { ...answer.headers, trailer: Object.keys(answer.framing.trailers).join(", ") });
    res.write(bytes);
    res.addTrailers(answer.framing.trailers);
    res.end();
    return;
  }
  res.writeHead(answer.status, { ...answer.headers, "content-length": bytes.length });
  res.end(bytes);
}

/** The fake on node:http with its internal controls (this project's tests only; not exported by the package). */
export async function startFakeServer(options?: FakeDinteroOptions, serverOptions: { keepAliveTimeout?: number } = {}): Promise<InternalServer> {
  const core = createCore(options);
  const wire: WireOverride[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const write = writeAnswer;
  const server = createServer(serverOptions, (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => {
      const tooLarge = size > MAX_BODY_BYTES;
      if (wire.length) {
        const raw = Buffer.concat(chunks);
        for (const override of wire) if (override(req, res, raw)) return;
      }
      let plan: Plan;
      try {
        plan = core.answer({
          method: req.method ?? "GET",
          pathname: new URL(req.url ?? "/", "http://127.0.0.1").pathname,
          // A repeated header is read as a Fetch client would: joined with ", ".
          header: (name) => {
            const value = req.headers[name.toLowerCase()];
            return Array.isArray(value) ? value.join(", ") : value;
          },
          // Too large: the body is cut, so it no longer parses and is answered 400.
          body: tooLarge ? "\u0000" : Buffer.concat(chunks).toString("utf8"),
        });
      } catch (error) {
        // Only a fake that cannot follow the spec gets here (an answer it built breaks a schema): say so
        // in a 500 the test sees, rather than crash the test process from an event handler.
        const message = error instanceof Error ? error.message : String(error);
        return write(res, {
          status: 500,
          headers: { "content-type": "application/json; charset=utf-8" },
          body: JSON.stringify({ error: { code: "FAKE_DINTERO_ERROR", message } }),
        });
      }
      if (plan.answer === null) return; // held open until the client gives up or close() ends it
      const answer = plan.answer;
      if (plan.delayMs <= 0) return write(res, answer);
      const timer = setTimeout(() => {
        timers.delete(timer);
        write(res, answer);
      }, plan.delayMs);
      timers.add(timer);
      res.on("close", () => {
        clearTimeout(timer);
        timers.delete(timer);
      });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const fake = facadeOf(core, {
    fetch: fetchOf(core),
    // the spec's base path (/v1): the only one the fake serves
    url: `http://127.0.0.1:${port}${new URL(serverUrl).pathname.replace(/\/+$/, "")}`,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      })),
  });
  return { fake, internals: core.internals, wire, server };
}
