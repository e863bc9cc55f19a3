// Every LoginError kind, produced by a real server response (or a real timeout, abort, or dropped connection).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inspect } from "node:util";
import { maxJsonValues } from "../../../src/http.ts";
import { createLoginClient, isLoginError, LoginError, type LoginClientOptions, type LoginErrorKind } from "../../../src/index.ts";
import { customerToken, delay, errorBody, sendJson, sendRaw, startLoginServer, type LoginServer } from "../../helpers/login-server.ts";
import { loginError } from "../../helpers/login-error.ts";

const accountId = "T12345678";
const email = { type: "customer", email: "a@example.com", password: "fake-password-1" } as const;

let server: LoginServer;
beforeEach(async () => {
  server = await startLoginServer();
});
afterEach(async () => {
  await server.close();
});

function client(options: Partial<LoginClientOptions> = {}) {
  return createLoginClient({ accountId, auth: { accessToken: "provided-bearer" }, baseUrl: server.baseUrl, ...options });
}

describe("error statuses from the login endpoint", () => {
  const cases: { status: number; body: unknown; headers?: Record<string, string>; kind: LoginErrorKind; code?: string }[] = [
    { status: 400, body: errorBody("INVALID_REQUEST_PARAMETERS", "Invalid request body"), kind: "bad_request", code: "INVALID_REQUEST_PARAMETERS" },
    { status: 401, body: errorBody("UNAUTHORIZED", "Access forbidden, invalid JWT token was used"), kind: "bearer_refused", code: "UNAUTHORIZED" }, // documented for an invalid bearer
    { status: 403, body: errorBody("FORBIDDEN", "Forbidden"), kind: "forbidden", code: "FORBIDDEN" },
    {
      status: 429,
      body: errorBody("TOO_MANY_REQUESTS", "Too Many Requests"),
      headers: { "retry-after": "30" },
      kind: "rate_limited",
      code: "TOO_MANY_REQUESTS",
    },
    { status: 500, body: errorBody("INTERNAL_SERVER_ERROR", "Unexpected Error"), kind: "server_error", code: "INTERNAL_SERVER_ERROR" },
    { status: 503, body: errorBody("UNAVAILABLE", "Try later"), kind: "server_error", code: "UNAVAILABLE" },
  ];
  for (const c of cases) {
    it(`${c.status} -> ${c.kind}, with status, code, request id and the server's message`, async () => {
      server.login = (_req, res) => sendJson(res, c.status, c.body, c.headers);
      const error = await loginError(client().login(email));
      expect(error.kind).toBe(c.kind);
      expect(error.status).toBe(c.status);
      expect(error.code).toBe(c.code);
      expect(error.requestId).toBe("req-0123456789abcdef");
      expect(error.message).toContain((c.body as { error: { message: string } }).error.message);
      expect(error.message).toContain("req-0123456789abcdef");
      expect(server.loginRequests()).toHaveLength(1); // never retried
    });
  }

  it("429: retryAfterSeconds from Retry-After as seconds or as an HTTP date", async () => {
    server.login = (_req, res) => sendJson(res, 429, errorBody("TOO_MANY_REQUESTS", "slow down"), { "retry-after": "7" });
    expect((await loginError(client().login(email))).retryAfterSeconds).toBe(7);
    const at = new Date(Date.now() + 120_000).toUTCString();
    server.login = (_req, res) => sendJson(res, 429, errorBody("TOO_MANY_REQUESTS", "slow down"), { "retry-after": at });
    const seconds = (await loginError(client().login(email))).retryAfterSeconds ?? -1;
    expect(seconds).toBeGreaterThan(100);
    expect(seconds).toBeLessThanOrEqual(121);
    server.login = (_req, res) => sendJson(res, 429, errorBody("TOO_MANY_REQUESTS", "slow down"));
    expect((await loginError(client().login(email))).retryAfterSeconds).toBeUndefined();
  });

  it("403 with error.code mfa_required -> mfa_required, carrying the mfa_token", async () => {
    server.login = (_req, res) => sendJson(res, 403, errorBody("mfa_required", "MFA is required", { mfa_token: "fake-mfa-token-1" }));
    const error = await loginError(client().login(email));
    expect(error.kind).toBe("mfa_required");
    expect(error.status).toBe(403);
    expect(error.code).toBe("mfa_required");
    expect(error.mfaToken).toBe("fake-mfa-token-1");
  });

  it("a 5xx HTML page from a proxy -> server_error, not a SyntaxError", async () => {
    server.login = (_req, res) => sendRaw(res, 502, "<html><body>Bad Gateway</body></html>", { "content-type": "text/html" });
    const error = await loginError(client().login(email));
    expect(error.kind).toBe("server_error");
    expect(error.status).toBe(502);
  });
});

describe("contract violations", () => {
  const bodies: { name: string; status?: number; body: string; headers?: Record<string, string>; rule: string; pointer: string }[] = [
    { name: "an HTML page with 200", body: "<html>ok</html>", headers: { "content-type": "text/html" }, rule: "json", pointer: "" },
    { name: "an empty 200", body: "", rule: "json", pointer: "" },
    {
      name: "a truncated 200",
      body: '{"access_token":"customer-access-token-0001","token_ty',
      headers: { "content-type": "application/json" },
      rule: "json",
      pointer: "",
    },
    {
      name: "a 200 without access_token",
      body: JSON.stringify({ token_type: "Bearer", expires_in: 10 }),
      headers: { "content-type": "application/json" },
      rule: "required",
      pointer: "/access_token",
    },
    {
      name: "a 200 with expires_in as a string",
      body: JSON.stringify(customerToken({ expires_in: "86400" })),
      headers: { "content-type": "application/json" },
      rule: "type",
      pointer: "/expires_in",
    },
    {
      name: 'a 200 with token_type mac ("bearer" in any case is Bearer: RFC 6749 §5.1)',
      body: JSON.stringify(customerToken({ token_type: "mac" })),
      headers: { "content-type": "application/json" },
      rule: "enum",
      pointer: "/token_type",
    },
    {
      name: "a 200 JSON body as text/plain",
      body: JSON.stringify(customerToken()),
      headers: { "content-type": "text/plain" },
      rule: "content-type",
      pointer: "",
    },
    { name: "an HTML 400", status: 400, body: "<html>bad</html>", headers: { "content-type": "text/html" }, rule: "json", pointer: "" },
    { name: "an empty 401", status: 401, body: "", rule: "json", pointer: "" },
    {
      name: "a 403 without error.message",
      status: 403,
      body: JSON.stringify({ error: { code: "FORBIDDEN" } }),
      headers: { "content-type": "application/json" },
      rule: "required",
      pointer: "/error/message",
    },
    {
      name: "an undocumented 404",
      status: 404,
      body: JSON.stringify(errorBody("NOT_FOUND", "nope")),
      headers: { "content-type": "application/json" },
      rule: "status",
      pointer: "",
    },
    {
      name: "an undocumented 201",
      status: 201,
      body: JSON.stringify(customerToken()),
      headers: { "content-type": "application/json" },
      rule: "status",
      pointer: "",
    },
  ];
  for (const b of bodies) {
    it(`${b.name} -> contract_violation (${b.rule} at "${b.pointer}")`, async () => {
      server.login = (_req, res) => sendRaw(res, b.status ?? 200, b.body, b.headers);
      const error = await loginError(client().login(email));
      expect(error.kind).toBe("contract_violation");
      expect(error.status).toBe(b.status ?? 200);
      expect(error.details?.[0]).toMatchObject({ rule: b.rule, pointer: b.pointer });
      expect(error.message).not.toContain("customer-access-token-0001");
    });
  }

  it("a redirect is not followed (the password is not re-sent elsewhere): contract_violation", async () => {
    const elsewhere = await startLoginServer();
    try {
      server.login = (_req, res) => sendRaw(res, 307, "", { location: `${elsewhere.baseUrl}/accounts/T12345678/customers/login` });
      const error = await loginError(client().login(email));
      expect(error.kind).toBe("contract_violation");
      expect(error.status).toBe(307);
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });
});

describe("timeouts, aborts and the network", () => {
  it("a login slower than timeoutMs -> timeout", async () => {
    server.login = async (_req, res) => {
      await delay(1000);
      sendJson(res, 200, customerToken());
    };
    const error = await loginError(client({ timeoutMs: 100 }).login(email));
    expect(error.kind).toBe("timeout");
    expect(error.message).toMatch(/timed out after 100 ms/);
  });

  it("a body that stalls after the headers -> timeout too", async () => {
    server.login = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      res.write('{"access_token":');
    };
    expect((await loginError(client({ timeoutMs: 150 }).login(email))).kind).toBe("timeout");
  });

  it("the caller's signal aborting mid-request -> aborted, with the caller's reason as cause", async () => {
    server.login = async (_req, res) => {
      await delay(1000);
      sendJson(res, 200, customerToken());
    };
    const controller = new AbortController();
    const pending = client().login(email, { signal: controller.signal });
    await delay(50);
    const reason = new Error("user navigated away");
    controller.abort(reason);
    const error = await loginError(pending);
    expect(error.kind).toBe("aborted");
    expect(error.cause).toBe(reason);
  });

  it("an already aborted signal -> aborted, and nothing is sent", async () => {
    const error = await loginError(client().login(email, { signal: AbortSignal.abort() }));
    expect(error.kind).toBe("aborted");
    expect(server.requests).toHaveLength(0);
  });

  it("aborting while the bearer is being fetched -> aborted; the login is not sent", async () => {
    server.token = async (_req, res) => {
      await delay(500);
      sendJson(res, 200, { access_token: "cc-token-slow", token_type: "Bearer", expires_in: 60 });
    };
    const c = client({ auth: { clientId: "id", clientSecret: "fake-client-secret-for-tests" } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await loginError(c.login(email, { signal: controller.signal }));
    expect(error.kind).toBe("aborted");
    expect(server.loginRequests()).toHaveLength(0);
  });

  it("a connection dropped before any response -> network", async () => {
    server.login = (req, res) => {
      res.socket?.destroy();
      void req;
    };
    const error = await loginError(client().login(email));
    expect(error.kind).toBe("network");
    expect(error.cause).toBeInstanceOf(Error);
    expect(server.loginRequests()).toHaveLength(1);
  });

  it("a connection dropped halfway through the body -> network", async () => {
    server.login = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "500" });
      res.write('{"access_token":"customer-access-');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    const error = await loginError(client().login(email));
    expect(error.kind).toBe("network");
    expect(error.message).not.toContain("customer-access");
  });

  it("nothing listening -> network", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const c = createLoginClient({ accountId, auth: { accessToken: "provided-bearer" }, baseUrl: `http://127.0.0.1:${port}/v1` });
    const error = await loginError(c.login(email));
    expect(error.kind).toBe("network");
    expect(error.message).toMatch(/ECONNREFUSED/);
  });
});

describe("client_token_failed", () => {
  const clientCredentials = { clientId: "id", clientSecret: "fake-client-secret-for-tests" };
  const noWait = { baseDelayMs: 1, maxDelayMs: 5 };

  it("401 from the token endpoint -> client_token_failed with cause unauthorized; the login is not sent", async () => {
    server.token = (_req, res) => sendJson(res, 401, errorBody("UNAUTHORIZED", "bad client credentials"));
    const error = await loginError(client({ auth: clientCredentials, tokenRetry: noWait }).login(email));
    expect(error.kind).toBe("client_token_failed");
    expect(error.status).toBe(401);
    expect(error.cause).toBeInstanceOf(LoginError);
    expect((error.cause as LoginError).kind).toBe("unauthorized");
    expect(server.tokenRequests()).toHaveLength(1); // 401 is not retried
    expect(server.loginRequests()).toHaveLength(0);
  });

  it("403 mfa_required from the token endpoint (MfaError) -> cause mfa_required with the mfa_token", async () => {
    server.token = (_req, res) => sendJson(res, 403, errorBody("mfa_required", "MFA", { mfa_token: "fake-mfa-token-2" }));
    const error = await loginError(client({ auth: clientCredentials }).login(email));
    expect(error.kind).toBe("client_token_failed");
    const cause = error.cause as LoginError;
    expect(cause.kind).toBe("mfa_required");
    expect(cause.mfaToken).toBe("fake-mfa-token-2");
  });

  it("a token response that breaks the spec -> cause contract_violation, even with validateResponses: false", async () => {
    server.token = (_req, res) => sendJson(res, 200, { access_token: "cc-token-x", token_type: "Bearer" });
    const error = await loginError(client({ auth: clientCredentials, validateResponses: false }).login(email));
    expect(error.kind).toBe("client_token_failed");
    expect((error.cause as LoginError).kind).toBe("contract_violation");
    expect((error.cause as LoginError).details?.[0]).toMatchObject({ pointer: "/expires_in", rule: "required" });
  });

  it.each([0, -60])(
    "a client token with expires_in %d -> cause contract_violation (positive_lifetime, this client's rule); the login is not sent",
    async (expiresIn) => {
      server.token = (_req, res) => sendJson(res, 200, { access_token: "cc-token-x", token_type: "Bearer", expires_in: expiresIn });
      const error = await loginError(client({ auth: clientCredentials, validateResponses: false }).login(email));
      expect(error.kind).toBe("client_token_failed");
      expect((error.cause as LoginError).kind).toBe("contract_violation");
      expect((error.cause as LoginError).details).toEqual([expect.objectContaining({ pointer: "/expires_in", rule: "positive_lifetime" })]);
      expect(server.loginRequests()).toHaveLength(0);
    },
  );

  it("a client token with expires_in 1 is used", async () => {
    server.token = (_req, res) => sendJson(res, 200, server.issueToken(1));
    await expect(client({ auth: clientCredentials }).login(email)).resolves.toMatchObject({ token_type: "Bearer" });
    expect(server.loginRequests()).toHaveLength(1);
  });

  it("a slow token endpoint -> cause timeout (per attempt, not retried)", async () => {
    server.token = async (_req, res) => {
      await delay(1000);
      sendJson(res, 200, { access_token: "cc-token-x", token_type: "Bearer", expires_in: 60 });
    };
    const error = await loginError(client({ auth: clientCredentials, timeoutMs: 100, tokenRetry: noWait }).login(email));
    expect(error.kind).toBe("client_token_failed");
    expect((error.cause as LoginError).kind).toBe("timeout");
    expect(server.tokenRequests()).toHaveLength(1);
  });
});

describe("what a hostile server or caller cannot do to an error (issue 23)", () => {
  it("a 1 MiB 401 body of 480,000 schema breaks is refused unvalidated past maxJsonValues, and the error prints small", async () => {
    const body = JSON.stringify({ error: { message: "no", errors: Array(480_000).fill(1) } });
    server.login = (_req, res) => sendRaw(res, 401, body, { "content-type": "application/json" });
    const error = await loginError(client().login(email));
    expect(error.kind).toBe("contract_violation");
    expect(error.details).toEqual([expect.objectContaining({ rule: "maxJsonValues" })]);
    expect(JSON.stringify(error).length).toBeLessThan(4096);
    expect(inspect(error).length).toBeLessThan(8192);
  });

  it(`a body within maxJsonValues (${maxJsonValues}) whose every item breaks the schema: 5 details kept, the rest counted`, async () => {
    const body = JSON.stringify({ error: { message: "no", errors: Array(maxJsonValues - 10).fill(1) } });
    server.login = (_req, res) => sendRaw(res, 401, body, { "content-type": "application/json" });
    const error = await loginError(client().login(email));
    expect(error.kind).toBe("contract_violation");
    expect(error.details).toHaveLength(5);
    expect(error.detailsOmitted).toBe(maxJsonValues - 10 - 5);
    expect(error.message).toMatch(new RegExp(`\\(and ${maxJsonValues - 10 - 1} more\\)$`));
    expect(JSON.stringify(error).length).toBeLessThan(4096);
  });

  it("a LoginError holds and prints a bounded amount whatever it is given", () => {
    const huge = "p".repeat(1_000_000);
    const error = new LoginError("contract_violation", huge, { details: Array.from({ length: 10_000 }, () => ({ pointer: huge, rule: huge, message: huge })) });
    expect(error.details).toHaveLength(5);
    expect(error.detailsOmitted).toBe(9_995);
    expect(error.message.length).toBeLessThanOrEqual(1000);
    expect(JSON.stringify(error).length).toBeLessThan(8192);
    expect(inspect(error).length).toBeLessThan(16_384);
  });

  it("a caller's AbortSignal.timeout is a deadline: kind timeout, and JSON.stringify says so", async () => {
    server.login = async (_req, res) => {
      await delay(500);
      sendJson(res, 200, customerToken());
    };
    const error = await loginError(client().login(email, { signal: AbortSignal.timeout(50) }));
    expect(error.kind).toBe("timeout");
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ kind: "timeout" });
  });

  for (const retryAfter of ["9007199254740991", "86400", new Date(Date.now() + 30 * 86_400_000).toUTCString()]) {
    it(`Retry-After: ${retryAfter} gives retryAfterSeconds of at most an hour`, async () => {
      server.login = (_req, res) => sendJson(res, 429, errorBody("TOO_MANY_REQUESTS", "slow down"), { "retry-after": retryAfter });
      const error = await loginError(client().login(email));
      expect(error.kind).toBe("rate_limited");
      expect(error.retryAfterSeconds).toBe(3600);
    });
  }

  it("isLoginError recognises a LoginError of another copy of the package (the browser build next to the server build)", async () => {
    const server = (await import("../../../dist/index.js")) as unknown as typeof import("../../../src/index.ts");
    const browser = (await import("../../../dist/browser.js")) as unknown as typeof import("../../../src/index.ts");
    expect(server.LoginError).not.toBe(browser.LoginError);
    expect(server.isLoginError(new browser.LoginError("network", "x"))).toBe(true);
    expect(isLoginError(new server.LoginError("network", "x"))).toBe(true);
    expect(isLoginError(new Error("x"))).toBe(false);
    expect(isLoginError({ [Symbol.for("dintero-login-kit.LoginError")]: 1 })).toBe(false); // not an Error
  });
});

describe("the customer's token is judged by the rules the client's own bearer is (issue 23)", () => {
  const unusable: [string, Record<string, unknown>][] = [
    ["an empty access_token", { access_token: "" }],
    ["an access_token with CR/LF", { access_token: "abc\r\nX-Injected: 1" }],
    ["expires_in 0", { expires_in: 0 }],
    ["expires_in -86400", { expires_in: -86400 }],
    ["expires_in 1e308", { expires_in: 1e308 }],
  ];
  for (const validateResponses of [true, false]) {
    for (const [name, fields] of unusable) {
      it(`${name} is a contract_violation (validateResponses: ${validateResponses})`, async () => {
        server.login = (_req, res) => sendJson(res, 200, customerToken(fields));
        const error = await loginError(client({ validateResponses }).login(email));
        expect(error.kind).toBe("contract_violation");
      });
    }
    for (const body of ["null", '"a string"', JSON.stringify(errorBody("X", "an error body"))]) {
      it(`a 200 whose body is ${body.slice(0, 12)} is a contract_violation (validateResponses: ${validateResponses})`, async () => {
        server.login = (_req, res) => sendRaw(res, 200, body, { "content-type": "application/json" });
        const error = await loginError(client({ validateResponses }).login(email));
        expect(error.kind).toBe("contract_violation");
      });
    }
  }
});
