// The client's promises under hostile input and odd servers: only LoginError, what is validated is
// what is sent, deadlines that hold whatever fetch does, bounded bodies, strict Retry-After,
// usable bearers, statuses outside 100-599, refused options, and one abort listener per signal.
import { createServer as createNetServer, type Server as NetServer } from "node:net";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createGzip } from "node:zlib";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLoginClient, LoginError, type LoginClientOptions, type LoginCredentials } from "../src/index.ts";
import { customerToken, delay, errorBody, sendJson, type LoginServer, useLoginServer } from "./helpers/login-server.ts";

const accountId = "T12345678";
const password = "fake-password-1";
const email = { type: "customer", email: "a@example.com", password } as const;
const clientAuth = { clientId: "test-client-id", clientSecret: "fake-client-secret-for-tests" };

let server: LoginServer;
useLoginServer((s) => (server = s));

function client(options: Partial<LoginClientOptions> = {}) {
  return createLoginClient({ accountId, auth: { accessToken: "provided-bearer" }, baseUrl: server.baseUrl, ...options });
}

/** The settled rejection, which must be a LoginError. */
async function rejection(run: () => unknown): Promise<LoginError> {
  let error: unknown;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  expect(error, `expected a LoginError, got ${String(error)}`).toBeInstanceOf(LoginError);
  return error as LoginError;
}

describe("1. only LoginError, and what is validated is what is sent", () => {
  const badOptions: [string, unknown][] = [
    ["null", null],
    ["undefined", undefined],
    ["a string", "T12345678"],
    ["a getter that throws", { accountId, get auth(): never { throw new Error("boom fake-client-secret-for-tests"); } }],
    ["a Proxy whose every read throws", new Proxy({}, { get() { throw new TypeError("trap"); } })],
    ["a baseUrl object whose toString throws", { accountId, auth: clientAuth, baseUrl: { toString() { throw new Error("x"); } } }],
    ["a symbol baseUrl", { accountId, auth: clientAuth, baseUrl: Symbol("u") }],
    ["a BigInt timeout", { accountId, auth: clientAuth, timeoutMs: 10n }],
    ["a fetch that is not a function", { accountId, auth: clientAuth, fetch: "fetch" }],
  ];
  for (const [name, options] of badOptions) {
    it(`createLoginClient(${name}) throws invalid_request`, async () => {
      const error = await rejection(() => createLoginClient(options as LoginClientOptions));
      expect(error.kind).toBe("invalid_request");
      expect(error.message).not.toContain("fake-client-secret");
    });
  }

  it("accepts a URL object as baseUrl, and logs in through it", async () => {
    const c = client({ baseUrl: new URL(server.baseUrl) });
    await expect(c.login(email)).resolves.toMatchObject({ token_type: "Bearer" });
    expect(server.loginRequests()).toHaveLength(1);
  });

  const cycle: Record<string, unknown> = { ...email };
  cycle.self = cycle;
  const badCredentials: [string, () => unknown, string][] = [
    ["a lone high surrogate in the password", () => ({ ...email, password: "fake-pass\uD800word" }), "/password"],
    ["a lone low surrogate in the email", () => ({ ...email, email: "a\uDC00@example.com" }), "/email"],
    ["an extra BigInt property", () => ({ ...email, extra: 10n }), ""],
    ["a cycle", () => cycle, ""],
    ["a getter that throws", () => ({ ...email, get password(): string { throw new Error("fake-password-1"); } }), ""],
    ["a toJSON that throws", () => ({ ...email, toJSON() { throw new Error("fake-password-1"); } }), ""],
    ["a toJSON that swaps in a 3-character password", () => ({ ...email, toJSON: () => ({ ...email, password: "abc" }) }), "/password"],
    ["a toJSON that drops the password", () => ({ ...email, toJSON: () => ({ type: "customer", email: "a@example.com" }) }), "/password"],
    ["a function", () => () => email, ""],
    ["a Proxy that throws on ownKeys", () => new Proxy({ ...email }, { ownKeys() { throw new Error("trap"); } }), ""],
  ];
  for (const [name, make, pointer] of badCredentials) {
    it(`login(${name}) rejects with invalid_request at "${pointer}", nothing sent`, async () => {
      // An echoing 401 would make the old redaction run encodeURIComponent on the password.
      server.login = (req, res) => sendJson(res, 401, errorBody("UNAUTHORIZED", `bad ${req.body}`));
      const error = await rejection(() => client().login(make() as LoginCredentials));
      expect(error.kind).toBe("invalid_request");
      expect(error.details?.map((d) => d.pointer)).toContain(pointer);
      expect(error.message).not.toContain("fake-password-1");
      expect(server.requests).toHaveLength(0);
    });
  }

  it("a toJSON that turns an invalid object into a valid body: what is sent is what was validated", async () => {
    const input = { type: "customer", email: "a@example.com", password: "x", toJSON: () => ({ ...email, password: "fake-password-2", audience: "aud" }) };
    await client().login(input as unknown as LoginCredentials);
    expect(server.loginRequests()[0]?.json).toEqual({ ...email, password: "fake-password-2", audience: "aud" });
  });

  it("a password with a surrogate pair (an emoji) is sent as it is", async () => {
    await client().login({ ...email, password: "fake-🔑-password" });
    expect((server.loginRequests()[0]?.json as { password: string }).password).toBe("fake-🔑-password");
  });

  it("login options that are not an AbortSignal are refused", async () => {
    for (const options of [{ signal: {} }, { signal: "abort" }, { get signal(): never { throw new Error("x"); } }]) {
      const error = await rejection(() => client().login(email, options as never));
      expect(error.kind).toBe("invalid_request");
    }
    expect(server.requests).toHaveLength(0);
  });

  it("a custom fetch that throws, resolves to nothing, or to a non-Response -> network", async () => {
    const fetches = [
      () => {
        throw new Error("sync boom");
      },
      async () => undefined,
      async () => ({ status: "200" }),
      async () => Promise.reject(Symbol("weird")),
    ];
    for (const f of fetches) {
      const error = await rejection(() => client({ fetch: f as never }).login(email));
      expect(error.kind).toBe("network");
    }
  });

  it("an accessToken function returning a string that cannot be a header -> client_token_failed, nothing sent", async () => {
    for (const token of ["", "two words", "line\nbreak", "x=y", 42]) {
      const error = await rejection(() => client({ auth: { accessToken: () => token as string } }).login(email));
      expect(error.kind).toBe("client_token_failed");
    }
    expect(server.loginRequests()).toHaveLength(0);
  });
});

/** A fetch that forwards only the URL, method, headers and body: it drops the AbortSignal. */
async function signalDroppingFetch(request: Request): Promise<Response> {
  return fetch(request.url, { method: request.method, headers: request.headers, body: await request.text(), redirect: "manual" });
}

describe("3. deadlines that do not depend on the fetch you pass", () => {
  it("timeoutMs settles the login while a signal-ignoring fetch still waits for the server", async () => {
    let answered = false;
    server.login = async (_req, res) => {
      await delay(1500);
      answered = true;
      sendJson(res, 200, customerToken());
    };
    const error = await rejection(() => client({ timeoutMs: 100, fetch: signalDroppingFetch }).login(email));
    expect(error.kind).toBe("timeout");
    expect(answered).toBe(false);
  });

  it("the caller's signal settles the login while a signal-ignoring fetch still waits", async () => {
    let answered = false;
    server.login = async (_req, res) => {
      await delay(1500);
      answered = true;
      sendJson(res, 200, customerToken());
    };
    const reason = new Error("user left");
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 50);
    const error = await rejection(() => client({ fetch: signalDroppingFetch }).login(email, { signal: controller.signal }));
    expect(error.kind).toBe("aborted");
    expect(error.cause).toBe(reason);
    expect(answered).toBe(false);
  });

  it("a fetch that never settles, and one whose body never ends -> timeout", async () => {
    const never = () => new Promise<Response>(() => undefined);
    expect((await rejection(() => client({ timeoutMs: 50, fetch: never }).login(email))).kind).toBe("timeout");
    const endless = async () => new Response(new ReadableStream({ pull: () => new Promise<void>(() => undefined) }), { status: 200 });
    expect((await rejection(() => client({ timeoutMs: 50, fetch: endless }).login(email))).kind).toBe("timeout");
  });

  it("the token request has the same deadline with a signal-ignoring fetch", async () => {
    server.token = async (_req, res) => {
      await delay(1500);
      sendJson(res, 200, server.issueToken());
    };
    const c = client({ auth: clientAuth, timeoutMs: 100, fetch: signalDroppingFetch, tokenRetry: { maxAttempts: 1 } });
    const error = await rejection(() => c.login(email));
    expect(error.kind).toBe("client_token_failed");
    expect((error.cause as LoginError).kind).toBe("timeout");
  });
});

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
      await delay(100);
      expect(closed).toBe(true);
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


describe("5. strict Retry-After", () => {
  const cases: [string, number | undefined][] = [
    ["7", 7],
    ["0", 0],
    ["1.5", undefined],
    ["5, 7", undefined],
    ["-1", undefined],
    ["+7", undefined],
    ["1e3", undefined],
    ["0x10", undefined],
    ["7 seconds", undefined],
    ["Sun, 06 Nov 1994 08:49:37 GMT", 0],
    ["Sunday, 06-Nov-94 08:49:37 GMT", 0],
    ["Sun Nov  6 08:49:37 1994", 0],
    ["Sun, 31 Feb 1994 08:49:37 GMT", undefined],
    ["Sun, 06 Nov 1994 25:49:37 GMT", undefined],
    ["2001-01-01", undefined],
    ["Sun, 06 Nov 1994 08:49:37 PST", undefined],
    // RFC 9110 §5.5: only SP and HTAB are optional whitespace around a field value; NBSP is not.
    ["\u00a07", undefined],
    ["7\u00a0", undefined],
    ["\u00a0Sun, 06 Nov 1994 08:49:37 GMT", undefined],
  ];
  for (const [header, seconds] of cases) {
    it(`Retry-After "${header}" -> ${String(seconds)}`, async () => {
      server.login = (_req, res) => {
        // A Buffer body: Node then writes the header bytes as Latin-1 (with a string body it
        // encodes them as UTF-8), so U+00A0 arrives as the one byte A0 that fetch reads back as NBSP.
        const body = Buffer.from(JSON.stringify(errorBody("TOO_MANY_REQUESTS", "slow down")));
        res.writeHead(429, { "content-type": "application/json", "content-length": body.length, "retry-after": header });
        res.end(body);
      };
      const error = await rejection(() => client().login(email));
      expect(error.kind).toBe("rate_limited");
      expect(error.retryAfterSeconds).toBe(seconds);
    });
  }

  it("an HTTP-date in the future counts the seconds until then", async () => {
    const at = new Date(Date.now() + 120_000).toUTCString();
    server.login = (_req, res) => sendJson(res, 429, errorBody("TOO_MANY_REQUESTS", "slow down"), { "retry-after": at });
    const seconds = (await rejection(() => client().login(email))).retryAfterSeconds ?? -1;
    expect(seconds).toBeGreaterThan(100);
    expect(seconds).toBeLessThanOrEqual(121);
  });

  it('a token 429 with Retry-After "1.5" waits the normal backoff, not 0', async () => {
    let first = true;
    server.token = (_req, res) => {
      if (first) {
        first = false;
        sendJson(res, 429, errorBody("TOO_MANY_REQUESTS", "slow down"), { "retry-after": "1.5" });
      } else sendJson(res, 200, server.issueToken());
    };
    await client({ auth: clientAuth, tokenRetry: { baseDelayMs: 300 } }).login(email);
    const [a, b] = server.tokenRequests();
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(280);
  });
});

describe("6. a bearer that can be used", () => {
  const unusable: [string, unknown][] = [
    ["empty", ""],
    ["with a space", "cc token"],
    ["with a newline", "cc-token\nX-Injected: 1"],
    ["with = inside", "cc=token"],
    ["non-ASCII", "cc-tøken"],
  ];
  for (const [name, accessToken] of unusable) {
    it(`an access_token ${name} -> client_token_failed, never cached (the next call, within the backoff, fails at once with the same cause)`, async () => {
      server.token = (_req, res) => sendJson(res, 200, { access_token: accessToken, token_type: "Bearer", expires_in: 3600 });
      const c = client({ auth: clientAuth, validateResponses: false, tokenRetry: { maxAttempts: 1 } });
      for (let i = 0; i < 2; i++) {
        const error = await rejection(() => c.login(email));
        expect(error.kind).toBe("client_token_failed");
        expect((error.cause as LoginError).details?.[0]).toMatchObject({ pointer: "/access_token", rule: "b64token" });
      }
      expect(server.tokenRequests()).toHaveLength(1);
      expect(server.loginRequests()).toHaveLength(0);
    });
  }

  it("a token with = padding is used", async () => {
    server.token = (_req, res) => sendJson(res, 200, { access_token: "provided-abc+/==", token_type: "Bearer", expires_in: 3600 });
    await client({ auth: clientAuth }).login(email);
    expect(server.loginRequests()[0]?.headers.authorization).toBe("Bearer provided-abc+/==");
  });

  it("an expires_in that is not positive -> client_token_failed (this client's rule)", async () => {
    for (const expiresIn of [0, -5]) {
      server.token = (_req, res) => sendJson(res, 200, { access_token: "cc-token", token_type: "Bearer", expires_in: expiresIn });
      const error = await rejection(() => client({ auth: clientAuth, tokenRetry: { maxAttempts: 1 } }).login(email));
      expect(error.kind).toBe("client_token_failed");
      expect((error.cause as LoginError).details?.map((d) => d.pointer)).toContain("/expires_in");
    }
    expect(server.loginRequests()).toHaveLength(0);
  });
});

describe("7. statuses outside 100-599", () => {
  let raw: NetServer;
  let status = "600";
  beforeAll(async () => {
    raw = createNetServer((socket) => {
      socket.once("data", () => {
        const body = JSON.stringify(errorBody("ODD", "odd status"));
        socket.end(`HTTP/1.1 ${status} Odd\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => new Promise<void>((resolve) => raw.close(() => resolve())));

  for (const s of ["600", "999"]) {
    it(`status ${s} -> contract_violation, not server_error`, async () => {
      status = s;
      const c = client({ baseUrl: `http://127.0.0.1:${(raw.address() as AddressInfo).port}/v1` });
      const error = await rejection(() => c.login(email));
      expect(error.kind).toBe("contract_violation");
      expect(error.status).toBe(Number(s));
      expect(error.details?.[0]).toMatchObject({ rule: "status" });
    });
  }
});

describe("8. options that cannot work are refused up front", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["credentials inside baseUrl", { baseUrl: "https://user:fake-url-password@api.dintero.com/v1" }, "/baseUrl"],
    ["a user name inside baseUrl", { baseUrl: "http://user@127.0.0.1:3000/v1" }, "/baseUrl"],
    ["a query in baseUrl", { baseUrl: "https://api.dintero.com/v1?x=1" }, "/baseUrl"],
    ["a fragment in baseUrl", { baseUrl: "https://api.dintero.com/v1#x" }, "/baseUrl"],
    ["a timeout beyond what a timer holds", { timeoutMs: 2 ** 31 }, "/timeoutMs"],
    ["an infinite timeout", { timeoutMs: Infinity }, "/timeoutMs"],
    ["a string timeout", { timeoutMs: "100" }, "/timeoutMs"],
    ["a baseDelayMs beyond a timer", { tokenRetry: { baseDelayMs: 2 ** 31, maxDelayMs: 2 ** 31 } }, "/tokenRetry/baseDelayMs"],
    ["a maxDelayMs beyond a timer", { tokenRetry: { maxDelayMs: 2 ** 31 } }, "/tokenRetry/maxDelayMs"],
    ["a negative baseDelayMs", { tokenRetry: { baseDelayMs: -1 } }, "/tokenRetry/baseDelayMs"],
    ["maxDelayMs below baseDelayMs", { tokenRetry: { baseDelayMs: 500, maxDelayMs: 100 } }, "/tokenRetry/maxDelayMs"],
    ["a zero maxResponseBytes", { maxResponseBytes: 0 }, "/maxResponseBytes"],
    ["a fractional maxResponseBytes", { maxResponseBytes: 10.5 }, "/maxResponseBytes"],
    ["an infinite maxResponseBytes", { maxResponseBytes: Infinity }, "/maxResponseBytes"],
    ["an accessToken string with a space", { auth: { accessToken: "two words" } }, "/auth/accessToken"],
  ];
  for (const [name, options, pointer] of cases) {
    it(`refuses ${name}`, async () => {
      const error = await rejection(() => createLoginClient({ accountId, auth: clientAuth, baseUrl: server.baseUrl, ...options } as LoginClientOptions));
      expect(error.kind).toBe("invalid_request");
      expect(error.details?.map((d) => d.pointer)).toContain(pointer);
      expect(error.message).not.toContain("fake-url-password");
      expect(JSON.stringify(error)).not.toContain("fake-url-password");
    });
  }
});

describe("10. small things", () => {
  it("LoginError keeps its name after minified bundling (err.constructor.name === 'LoginError')", async () => {
    const { build } = await import("esbuild");
    const result = await build({ entryPoints: [fileURLToPath(new URL("../src/index.ts", import.meta.url))], bundle: true, minify: true, format: "esm", platform: "neutral", write: false });
    const dir = await mkdtemp(path.join(tmpdir(), "login-minified-"));
    try {
      const file = path.join(dir, "index.mjs");
      await writeFile(file, result.outputFiles[0]!.contents);
      const bundled = (await import(pathToFileURL(file).href)) as typeof import("../src/index.ts");
      expect(result.outputFiles[0]!.text).not.toMatch(/class LoginError\b/); // really minified
      let error: unknown;
      try {
        bundled.createLoginClient(null as never);
      } catch (e) {
        error = e;
      }
      expect(error).not.toBeInstanceOf(LoginError); // a different copy of the class...
      expect(error).toBeInstanceOf(bundled.LoginError);
      expect((error as Error).constructor.name).toBe("LoginError"); // ...that still says its name
      expect((error as Error).name).toBe("LoginError");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("more than ten concurrent logins sharing one AbortSignal print no MaxListenersExceededWarning", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on("warning", onWarning);
    try {
      server.token = async (_req, res) => {
        await delay(30);
        sendJson(res, 200, server.issueToken());
      };
      server.login = async (_req, res) => {
        await delay(30);
        sendJson(res, 200, customerToken());
      };
      const shared = new AbortController();
      const c = client({ auth: clientAuth });
      await Promise.all(Array.from({ length: 25 }, () => c.login(email, { signal: shared.signal })));
      await delay(20); // warnings are emitted on a later tick
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.filter((w) => w.includes("MaxListeners"))).toEqual([]);
  });

  it("aborting a shared signal rejects every login waiting on it", async () => {
    server.login = async (_req, res) => {
      await delay(500);
      sendJson(res, 200, customerToken());
    };
    const shared = new AbortController();
    const pending = Array.from({ length: 15 }, () => client().login(email, { signal: shared.signal }).catch((e: unknown) => e));
    await delay(50);
    shared.abort();
    const errors = await Promise.all(pending);
    expect(errors.every((e) => e instanceof LoginError && e.kind === "aborted")).toBe(true);
  });
});
