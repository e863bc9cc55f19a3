// The client-credentials bearer: single flight, half-life refresh, refreshed after a 401, retries.
import createClient from "openapi-fetch";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clientCredentialsBearer, fetchClientToken } from "../../../src/token-provider.ts";
import { createLoginClient, LoginError, type LoginClientOptions } from "../../../src/index.ts";
import { delay, errorBody, sendJson, startLoginServer, type LoginServer } from "../../helpers/login-server.ts";

const accountId = "T12345678";
const auth = { clientId: "test-client-id", clientSecret: "fake-client-secret-for-tests" };
const email = { type: "customer", email: "a@example.com", password: "fake-password-1" } as const;

let server: LoginServer;
beforeEach(async () => {
  server = await startLoginServer();
});
afterEach(async () => {
  await server.close();
});

function client(options: Partial<LoginClientOptions> = {}) {
  return createLoginClient({ accountId, auth, baseUrl: server.baseUrl, ...options });
}

function issueToken(expiresIn: number) {
  return (_req: unknown, res: Parameters<LoginServer["token"]>[1]) => sendJson(res, 200, server.issueToken(expiresIn));
}

describe("single flight", () => {
  it("1,000 simultaneous logins make exactly one token request, and all succeed", async () => {
    server.token = async (req, res) => {
      await delay(50); // keep the token request in flight while the others queue up
      issueToken(3600)(req, res);
    };
    // A generous deadline: this counts requests; how fast 1,000 logins go is bench 4's question.
    const c = client({ timeoutMs: 60_000 });
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => c.login({ ...email, email: `u${i}@example.com` })));
    expect(results).toHaveLength(1000);
    expect(server.tokenRequests()).toHaveLength(1);
    expect(server.loginRequests()).toHaveLength(1000);
    expect(new Set(server.loginRequests().map((r) => r.headers.authorization))).toEqual(new Set(["Bearer cc-token-1"]));
  });

  it("a failed token request is shared by the waiting callers and backs off: the next call fails at once until the backoff has passed, then tries again", async () => {
    const { source, advance } = cache(3600);
    server.token = async (_req, res) => {
      await delay(30);
      sendJson(res, 401, errorBody("UNAUTHORIZED", "bad credentials"));
    };
    const errors = await Promise.all(Array.from({ length: 20 }, () => source.get().catch((e: unknown) => e)));
    expect(errors.every((e) => e instanceof LoginError && e.kind === "client_token_failed" && e.causeKind === "unauthorized")).toBe(true);
    expect(server.tokenRequests()).toHaveLength(1);
    server.token = issueToken(3600);
    advance(999); // refused client credentials do not fix themselves: backed off 1 s like any failure
    await expect(source.get()).rejects.toMatchObject({ kind: "client_token_failed", causeKind: "unauthorized", retryAfterSeconds: 1 });
    expect(server.tokenRequests()).toHaveLength(1);
    advance(1);
    expect(await source.get()).toBe("cc-token-1");
    expect(server.tokenRequests()).toHaveLength(2);
  });

  it("one caller aborting does not cancel the shared token request for the others", async () => {
    server.token = async (req, res) => {
      await delay(150);
      issueToken(3600)(req, res);
    };
    const c = client();
    const controller = new AbortController();
    const aborted = c.login(email, { signal: controller.signal }).catch((e: unknown) => e);
    const patient = c.login(email);
    await delay(20);
    controller.abort();
    expect(((await aborted) as LoginError).kind).toBe("aborted");
    await expect(patient).resolves.toMatchObject({ token_type: "Bearer" });
    expect(server.tokenRequests()).toHaveLength(1);
    expect(server.loginRequests()).toHaveLength(1);
  });
});

/** The client's bearer cache over real token requests, on a clock the test moves. */
function cache(expiresIn: number) {
  let clock = 0;
  let answered = 0;
  server.token = issueToken(expiresIn);
  const settings = {
    accountId,
    baseUrl: server.baseUrl,
    audience: `https://api.dintero.com/v1/accounts/${accountId}`,
    limits: { timeoutMs: 5000, maxResponseBytes: 1 << 20 },
    validateResponses: true,
  };
  const tokenClient = createClient({ baseUrl: server.baseUrl });
  const source = clientCredentialsBearer(
    () => fetchClientToken({ ...settings, tokenClient, fetch: (r) => fetch(r), credentials: auth }).finally(() => answered++),
    { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
    () => clock,
  );
  /** Resolves once `n` token requests have been answered and the cache has taken in the answer. */
  const answeredAll = async (n: number) => {
    await vi.waitFor(() => expect(answered).toBe(n));
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { source, advance: (ms: number) => (clock += ms), answeredAll };
}

describe("half-life refresh (an injected clock; the token endpoint is the real one)", () => {
  it("reuses the bearer before half of expires_in has passed; after, serves it while one refresh runs, then the new one", async () => {
    const { source, advance } = cache(1); // half-life 500 ms, usable until 900 ms
    expect(await source.get()).toBe("cc-token-1");
    advance(499);
    expect(await source.get()).toBe("cc-token-1");
    expect(server.tokenRequests()).toHaveLength(1);
    advance(1);
    const during = await Promise.all(Array.from({ length: 50 }, () => source.get()));
    expect(new Set(during)).toEqual(new Set(["cc-token-1"])); // nobody waits on the token endpoint
    await vi.waitFor(async () => expect(await source.get()).toBe("cc-token-2"));
    expect(server.tokenRequests()).toHaveLength(2); // single flight
  });

  it("a long-lived bearer is not refreshed within its first half", async () => {
    const { source, advance } = cache(3600);
    await source.get();
    advance(1_799_999);
    await source.get();
    expect(server.tokenRequests()).toHaveLength(1);
  });

  it("past its usable end (expiry less the margin) nobody gets the old bearer: callers wait for the new one", async () => {
    const { source, advance } = cache(10); // usable until 9 s
    await source.get();
    advance(9_000);
    expect(await source.get()).toBe("cc-token-2");
  });
});

describe("a token outage (refresh fails while the cached bearer is still valid)", () => {
  // expires_in 2 s: refreshed after 1 s (half-life), usable until 1.8 s (margin: min(60 s, 2 s / 10)).
  it("logins keep the cached bearer, the refresh is single-flight and backs off, until the bearer runs out", async () => {
    const { source, advance, answeredAll } = cache(2);
    await source.get();
    server.token = async (_req, res) => {
      await delay(30);
      sendJson(res, 503, errorBody("UNAVAILABLE", "token service down"));
    };
    advance(1000);
    const during = await Promise.all(Array.from({ length: 20 }, () => source.get()));
    expect(new Set(during)).toEqual(new Set(["cc-token-1"])); // served at once, while the refresh runs
    await answeredAll(2);
    expect(server.tokenRequests()).toHaveLength(2); // one refresh for 20 concurrent callers
    for (let i = 0; i < 10; i++) expect(await source.get()).toBe("cc-token-1");
    expect(server.tokenRequests()).toHaveLength(2); // the failed refresh backs off 1 s: not once per login

    advance(800); // past expiry less the margin, within the backoff: the outage now fails logins, at once
    await expect(source.get()).rejects.toMatchObject({ kind: "client_token_failed", causeKind: "server_error", retryAfterSeconds: 1 });
    expect(server.tokenRequests()).toHaveLength(2);

    server.token = issueToken(3600); // the token service is back
    advance(1000); // past the backoff
    expect(await source.get()).toBe("cc-token-2");
    expect(server.tokenRequests()).toHaveLength(3);
  });

  it("a bearer the server rejected (RFC 6750 invalid_token) is not used as a fallback", async () => {
    server.token = issueToken(2);
    const c = client({ tokenRetry: { maxAttempts: 1 } });
    await c.login(email);
    server.revokeAll();
    server.login = (_req, res) => sendJson(res, 401, errorBody("UNAUTHORIZED", "revoked"), { "www-authenticate": 'Bearer error="invalid_token"' });
    server.token = (_req, res) => sendJson(res, 503, errorBody("UNAVAILABLE", "down"));
    await expect(c.login(email)).rejects.toMatchObject({ kind: "bearer_refused" });
    await expect(c.login(email)).rejects.toMatchObject({ kind: "client_token_failed" });
    expect(server.loginRequests()).toHaveLength(2);
  });
});

describe("401 on login (more in bearer-economy.test.ts)", () => {
  it("a first documented 401 (the spec's invalid bearer) drops the bearer: the login is sent once, the next call fetches a new bearer", async () => {
    const c = client();
    await c.login(email);
    server.revokeAll(); // revoke cc-token-1
    const error = await c.login(email).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoginError);
    expect((error as LoginError).kind).toBe("bearer_refused");
    expect(server.loginRequests()).toHaveLength(2); // the rejected login was sent once, not resent

    await vi.waitFor(() => expect(server.issued).toEqual(["cc-token-2"]));
    await vi.waitFor(() => expect(c.login(email)).resolves.toMatchObject({ token_type: "Bearer" }));
    expect(server.tokenRequests()).toHaveLength(2);
    expect(server.loginRequests().at(-1)?.headers.authorization).toBe("Bearer cc-token-2");
  });

  it("other failures (400, 429, 500) keep the bearer", async () => {
    const c = client();
    await c.login(email);
    for (const status of [400, 429, 500]) {
      server.login = (_req, res) => sendJson(res, status, errorBody("X", "no"));
      await expect(c.login(email)).rejects.toBeInstanceOf(LoginError);
    }
    expect(server.tokenRequests()).toHaveLength(1);
  });
});

describe("token request retries", () => {
  it("429 then 503 then 200: three attempts, then the login", async () => {
    const answers = [
      (res: Parameters<LoginServer["token"]>[1]) => sendJson(res, 429, errorBody("TOO_MANY_REQUESTS", "slow down"), { "retry-after": "0" }),
      (res: Parameters<LoginServer["token"]>[1]) => sendJson(res, 503, errorBody("UNAVAILABLE", "later")),
    ];
    server.token = (req, res) => {
      const answer = answers.shift();
      if (answer) answer(res);
      else issueToken(3600)(req, res);
    };
    await client({ tokenRetry: { baseDelayMs: 1 } }).login(email);
    expect(server.tokenRequests()).toHaveLength(3);
    expect(server.loginRequests()).toHaveLength(1);
  });

  it("honours Retry-After between attempts", async () => {
    let first = true;
    server.token = (req, res) => {
      if (first) {
        first = false;
        sendJson(res, 429, errorBody("TOO_MANY_REQUESTS", "slow down"), { "retry-after": "1" });
      } else issueToken(3600)(req, res);
    };
    await client({ tokenRetry: { baseDelayMs: 1 } }).login(email);
    const [a, b] = server.tokenRequests();
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(950);
  });

  it("caps a long Retry-After at tokenRetry.maxDelayMs", async () => {
    let first = true;
    server.token = (req, res) => {
      if (first) {
        first = false;
        sendJson(res, 429, errorBody("TOO_MANY_REQUESTS", "slow down"), { "retry-after": "3600" });
      } else issueToken(3600)(req, res);
    };
    await client({ tokenRetry: { baseDelayMs: 1, maxDelayMs: 20 } }).login(email);
    expect(server.tokenRequests()).toHaveLength(2);
  });

  it("gives up after 3 attempts: client_token_failed with the last cause", async () => {
    server.token = (_req, res) => sendJson(res, 503, errorBody("UNAVAILABLE", "later"));
    const error = (await client({ tokenRetry: { baseDelayMs: 1 } })
      .login(email)
      .catch((e: unknown) => e)) as LoginError;
    expect(error.kind).toBe("client_token_failed");
    expect((error.cause as LoginError).kind).toBe("server_error");
    expect(error.status).toBe(503);
    expect(server.tokenRequests()).toHaveLength(3);
    expect(server.loginRequests()).toHaveLength(0);
  });

  it("retries a dropped connection", async () => {
    let drops = 2;
    server.token = (req, res) => {
      if (drops-- > 0) res.socket?.destroy();
      else issueToken(3600)(req, res);
    };
    await client({ tokenRetry: { baseDelayMs: 1 } }).login(email);
    expect(server.tokenRequests()).toHaveLength(3);
  });

  it("does not retry 400, 401, 403 or 500", async () => {
    for (const status of [400, 401, 403, 500]) {
      const before = server.tokenRequests().length;
      server.token = (_req, res) => sendJson(res, status, errorBody("X", "no"));
      await expect(client({ tokenRetry: { baseDelayMs: 1 } }).login(email)).rejects.toMatchObject({ kind: "client_token_failed", status });
      expect(server.tokenRequests().length - before).toBe(1);
    }
  });

  it("tokenRetry.maxAttempts: 1 turns retries off", async () => {
    server.token = (_req, res) => sendJson(res, 503, errorBody("UNAVAILABLE", "later"));
    await expect(client({ tokenRetry: { maxAttempts: 1 } }).login(email)).rejects.toMatchObject({ kind: "client_token_failed" });
    expect(server.tokenRequests()).toHaveLength(1);
  });
});

describe("the login itself is never retried", () => {
  for (const status of [429, 500, 503]) {
    it(`a ${status} on login is sent once`, async () => {
      server.login = (_req, res) => sendJson(res, status, errorBody("X", "no"), { "retry-after": "0" });
      await expect(client().login(email)).rejects.toBeInstanceOf(LoginError);
      expect(server.loginRequests()).toHaveLength(1);
    });
  }

  it("a dropped connection on login is not retried", async () => {
    server.login = (_req, res) => void res.socket?.destroy();
    await expect(client().login(email)).rejects.toMatchObject({ kind: "network" });
    expect(server.loginRequests()).toHaveLength(1);
  });
});
