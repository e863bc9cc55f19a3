// Bounded responses: a body is read only up to maxResponseBytes (gzip bombs, Content-Length, chunked),
// with a custom fetch and the platform's.
import { createGzip } from "node:zlib";
import { describe, expect, it, vi } from "vitest";
import { customerToken, sendJson, type LoginServer } from "../../helpers/login-server.ts";
import { rejection } from "../../helpers/login-error.ts";
import { email, useClientFixture } from "../../helpers/client-fixture.ts";

let server: LoginServer;
const client = useClientFixture((s) => (server = s));

/**
 * A fetch that counts the decoded bytes the client pulls from the body: the client must stop
 * pulling past the limit whatever the server keeps sending.
 */
function countingFetch(counter: { bytes: number }) {
  return async (request: Request): Promise<Response> => {
    const response = await fetch(request);
    const counted = response.body!.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          counter.bytes += chunk.byteLength;
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, { status: response.status, headers: response.headers });
  };
}

async function gzipZeros(bytes: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const chunks: Buffer[] = [];
  gzip.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve) => gzip.on("end", resolve));
  const zeros = Buffer.alloc(1024 * 1024);
  for (let sent = 0; sent < bytes; sent += zeros.length) gzip.write(zeros);
  gzip.end();
  await done;
  return Buffer.concat(chunks);
}

describe("4. bounded responses", () => {
  const mib = 1024 * 1024;

  for (const status of [200, 400]) {
    it(`a ${status} with a 300 MB chunked body: contract_violation naming the limit, the stream cancelled`, async () => {
      let written = 0;
      let closed = false;
      server.login = (_req, res) => {
        res.writeHead(status, { "content-type": "application/json" });
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        const pump = () => {
          while (written < 300 * mib && !closed) {
            written += chunk.length;
            if (!res.write(chunk)) return void res.once("drain", pump);
          }
          res.end();
        };
        res.on("close", () => {
          closed = true;
        });
        pump();
      };
      const counter = { bytes: 0 };
      const error = await rejection(() => client({ fetch: countingFetch(counter) }).login(email));
      expect(error.kind).toBe("contract_violation");
      expect(error.status).toBe(status);
      expect(error.message).toContain("maxResponseBytes (1048576 bytes)");
      expect(error.details?.[0]).toMatchObject({ rule: "maxResponseBytes" });
      expect(counter.bytes).toBeLessThan(2 * mib);
      // the client cancelled the stream: the server sees the connection close (soon, however busy the machine)
      await vi.waitFor(() => expect(closed).toBe(true), { timeout: 10_000, interval: 20 });
      expect(written).toBeLessThan(100 * mib);
    });
  }

  it("a gzip bomb (64 MiB of zeros, ~64 KB on the wire) is read only up to the limit", async () => {
    const bomb = await gzipZeros(64 * mib);
    expect(bomb.length).toBeLessThan(mib);
    server.login = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip", "content-length": bomb.length });
      res.end(bomb);
    };
    const counter = { bytes: 0 };
    const error = await rejection(() => client({ fetch: countingFetch(counter), maxResponseBytes: 256 * 1024 }).login(email));
    expect(error.kind).toBe("contract_violation");
    expect(error.message).toContain("maxResponseBytes (262144 bytes)");
    expect(counter.bytes).toBeLessThan(mib);
  });

  it("with the platform fetch too: a Content-Length above the limit, a chunked body past it, a gzip body past it", async () => {
    const big = JSON.stringify(customerToken({ pad: "p".repeat(3 * mib) }));
    const gzipped = await gzipZeros(8 * mib);
    const answers: LoginServer["login"][] = [
      (_req, res) => sendJson(res, 200, JSON.parse(big)),
      (_req, res) => {
        res.writeHead(400, { "content-type": "application/json" }); // chunked: no Content-Length
        res.end(big);
      },
      (_req, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip", "content-length": gzipped.length });
        res.end(gzipped);
      },
    ];
    for (const answer of answers) {
      server.login = answer;
      const error = await rejection(() => client().login(email));
      expect(error.kind).toBe("contract_violation");
      expect(error.details?.[0]).toMatchObject({ rule: "maxResponseBytes" });
    }
  });

  it("a body of exactly maxResponseBytes is read", async () => {
    const body = JSON.stringify(customerToken({ pad: "" }));
    const exact = JSON.stringify(customerToken({ pad: "p".repeat(1000 - body.length) }));
    server.login = (_req, res) => sendJson(res, 200, JSON.parse(exact));
    await expect(client({ maxResponseBytes: 1000 }).login(email)).resolves.toMatchObject({ token_type: "Bearer" });
    expect((await rejection(() => client({ maxResponseBytes: 999 }).login(email))).kind).toBe("contract_violation");
  });
});
