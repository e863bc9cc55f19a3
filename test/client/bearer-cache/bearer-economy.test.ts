// The token quota is not the attacker's to spend: a refused customer keeps the cached bearer, a
// bearer the server rejects is replaced, and a refusal that says neither forces a bounded refresh.
import { readBasicAuthorization } from "../../../lib/basic-auth.ts";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLoginClient, type LoginClientOptions, type LoginError } from "../../../src/index.ts";
import { bearerChallengeErrors, readRefusal } from "../../../src/refusal.ts";
import { clientCredentialsBearer, forcedRefreshBudget } from "../../../src/token-provider.ts";
import { delay, errorBody, sendJson, startLoginServer, type LoginServer } from "../../helpers/login-server.ts";

const accountId = "T12345678";
const auth = { clientId: "test-client-id", clientSecret: "fake-client-secret-for-tests" };
const good = { type: "customer", email: "a@example.com", password: "fake-password-1" } as const;
const wrong = { ...good, password: "wrong-password-1" } as const;
const invalidToken = { "www-authenticate": 'Bearer realm="dintero", error="invalid_token", error_description="revoked"' };

let server: LoginServer;
/** How the login answers a bearer it does not know (revoked), and a wrong password. */
let revokedAnswer: (res: Parameters<LoginServer["login"]>[1]) => void;
let wrongAnswer: (res: Parameters<LoginServer["login"]>[1]) => void;

beforeEach(async () => {
  server = await startLoginServer();
  revokedAnswer = (res) => sendJson(res, 401, errorBody("UNAUTHORIZED", "Access forbidden, invalid JWT token was used"));
  // The spec's wrong password: the login's 403 (its 401 is documented for an invalid bearer only).
  wrongAnswer = (res) => sendJson(res, 403, errorBody("FORBIDDEN", "Invalid credentials"));
  server.login = (req, res) => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
    if (!server.issued.includes(bearer)) return revokedAnswer(res);
    if ((req.json as { password?: string }).password !== good.password) return wrongAnswer(res);
    sendJson(res, 200, { access_token: "customer-access-token-0001", token_type: "Bearer", expires_in: 86400 });
  };
});
afterEach(async () => {
  await server.close();
});

function client(options: Partial<LoginClientOptions> = {}) {
  return createLoginClient({ accountId, auth, baseUrl: server.baseUrl, tokenRetry: { maxAttempts: 1 }, ...options });
}

const settle = (promise: Promise<unknown>) =>
  promise.then(
    () => "ok",
    (error: { kind?: string }) => error.kind,
  );
/** Lets promises already settled run their callbacks (no time passes on any clock). */
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe("a refusal that does not say whose credentials failed", () => {
  for (const status of [401, 403]) {
    it(`100 wrong passwords answered ${status}, sequential then concurrent, cost at most one token request beyond the first`, async () => {
      wrongAnswer = (res) => sendJson(res, status, errorBody("INVALID", "Invalid credentials"));
      const c = client();
      await c.login(good);
      // A 401 is documented for an invalid bearer (the model's auth_refusal), so it is read as the bearer's
      // refusal even to a wrong password: the bearer a refusal fetched is not replaced again within 30 s.
      for (let i = 0; i < 50; i++) expect(await settle(c.login(wrong))).toBe(status === 401 ? "bearer_refused" : "forbidden");
      await Promise.all(Array.from({ length: 50 }, () => settle(c.login(wrong))));
      expect(server.tokenRequests().length).toBeLessThanOrEqual(2);
      expect(server.loginRequests()).toHaveLength(101);
      await expect(c.login(good)).resolves.toMatchObject({ token_type: "Bearer" });
    });
  }

  it("a bearer revoked without a sign (a 403, which the spec documents for refused customers) is replaced as soon as the refresh the refusal started returns (no refresh was forced lately)", async () => {
    revokedAnswer = (res) => sendJson(res, 403, errorBody("FORBIDDEN", "Forbidden"));
    const c = client();
    await c.login(good);
    server.revokeAll();
    expect(await settle(c.login(good))).toBe("forbidden");
    // The refusal started the refresh at once; logins meanwhile keep the cached bearer (they never wait on the token endpoint).
    await vi.waitFor(() => expect(server.issued).toEqual(["cc-token-2"]));
    await vi.waitFor(() => expect(c.login(good)).resolves.toMatchObject({ token_type: "Bearer" }));
    expect(server.tokenRequests()).toHaveLength(2);
    expect(server.loginRequests().at(-1)?.headers.authorization).toBe("Bearer cc-token-2");
  });

  it("the refreshed bearer is single-flight: 200 concurrent logins after a wrong password make one token request", async () => {
    const c = client();
    await c.login(good);
    await settle(c.login(wrong));
    server.token = async (_req, res) => {
      await delay(50);
      sendJson(res, 200, server.issueToken());
    };
    await Promise.all(Array.from({ length: 200 }, () => c.login(good)));
    expect(server.tokenRequests()).toHaveLength(2);
  });

  it("keeps the old bearer as the fallback: a wrong password during a token outage does not fail the next login", async () => {
    const c = client();
    await c.login(good);
    server.token = (_req, res) => sendJson(res, 503, errorBody("UNAVAILABLE", "token service down"));
    expect(await settle(c.login(wrong))).toBe("forbidden");
    await expect(c.login(good)).resolves.toMatchObject({ token_type: "Bearer" });
    expect(server.tokenRequests()).toHaveLength(2); // the forced refresh was tried, and failed
    expect(server.loginRequests().at(-1)?.headers.authorization).toBe("Bearer cc-token-1");
  });

  it("the issue's scenario: wrong passwords while the token endpoint rate-limits cost one token request, and real customers still log in", async () => {
    const c = client();
    await c.login(good);
    server.token = (_req, res) => sendJson(res, 429, errorBody("TOO_MANY_REQUESTS", "slow down"), { "retry-after": "60" });
    for (let i = 0; i < 50; i++) await settle(c.login(wrong));
    expect(server.tokenRequests()).toHaveLength(2); // the forced refresh, refused; then it waits out Retry-After
    await expect(c.login(good)).resolves.toMatchObject({ token_type: "Bearer" });
    expect(server.tokenRequests()).toHaveLength(2);
  });

  it("a refusal naming the customer (OAuth invalid_grant) costs no token request at all", async () => {
    wrongAnswer = (res) => sendJson(res, 401, errorBody("invalid_grant", "Wrong email or password"));
    const c = client();
    await c.login(good);
    for (let i = 0; i < 5; i++) await settle(c.login(wrong));
    await c.login(good);
    expect(server.tokenRequests()).toHaveLength(1);
  });
});

describe("a bearer the server says it rejects (RFC 6750 invalid_token)", () => {
  it("is replaced at once, even right after wrong passwords forced a refresh", async () => {
    const c = client();
    await c.login(good);
    for (let i = 0; i < 10; i++) await settle(c.login(wrong)); // forces the one unsigned refresh: cc-token-2
    expect(server.tokenRequests()).toHaveLength(2);
    server.revokeAll();
    revokedAnswer = (res) => sendJson(res, 401, errorBody("UNAUTHORIZED", "Access forbidden"), invalidToken);
    expect(await settle(c.login(good))).toBe("bearer_refused");
    await expect(c.login(good)).resolves.toMatchObject({ token_type: "Bearer" });
    expect(server.tokenRequests()).toHaveLength(3);
    expect(server.loginRequests().at(-1)?.headers.authorization).toBe("Bearer cc-token-3");
  });

  it("in the body's error.code too, in any case", async () => {
    const c = client();
    await c.login(good);
    for (let i = 0; i < 3; i++) await settle(c.login(wrong));
    server.revokeAll();
    revokedAnswer = (res) => sendJson(res, 401, errorBody("INVALID_TOKEN", "The access token is invalid"));
    expect(await settle(c.login(good))).toBe("bearer_refused");
    await expect(c.login(good)).resolves.toMatchObject({ token_type: "Bearer" });
  });

  it("is never the fallback when the token endpoint is down", async () => {
    const c = client();
    await c.login(good);
    server.revokeAll();
    revokedAnswer = (res) => sendJson(res, 401, errorBody("UNAUTHORIZED", "Access forbidden"), invalidToken);
    expect(await settle(c.login(good))).toBe("bearer_refused");
    server.token = (_req, res) => sendJson(res, 503, errorBody("UNAVAILABLE", "down"));
    expect(await settle(c.login(good))).toBe("client_token_failed");
    expect(server.loginRequests()).toHaveLength(2);
  });

  it("a server that rejects every bearer, even to wrong passwords, costs one replacement, not one per login", async () => {
    wrongAnswer = (res) => sendJson(res, 401, errorBody("UNAUTHORIZED", "no"), invalidToken);
    const c = client();
    await c.login(good);
    for (let i = 0; i < 30; i++) await settle(c.login(wrong));
    expect(server.tokenRequests()).toHaveLength(2);
  });
});

describe("client.raw reads the challenge too", () => {
  const rawLogin = (c: ReturnType<typeof client>, password: string) =>
    c.raw.POST("/accounts/{aid}/customers/login", {
      params: { path: { aid: accountId } },
      body: { audience: `https://api.dintero.com/v1/accounts/${accountId}`, type: "customer", email: "a@example.com", password },
    });

  it("wrong passwords through raw force at most one refresh; an invalid_token challenge replaces the bearer", async () => {
    const c = client();
    for (let i = 0; i < 10; i++) expect((await rawLogin(c, wrong.password)).response.status).toBe(403);
    expect(server.tokenRequests()).toHaveLength(2);
    server.revokeAll();
    revokedAnswer = (res) => sendJson(res, 401, errorBody("UNAUTHORIZED", "Access forbidden"), invalidToken);
    expect((await rawLogin(c, good.password)).response.status).toBe(401);
    expect((await rawLogin(c, good.password)).response.status).toBe(200);
    expect(server.tokenRequests()).toHaveLength(3);
  });
});

describe("the refresh budget over time (an injected clock)", () => {
  function harness() {
    let clock = 1_000;
    let minted = 0;
    const source = clientCredentialsBearer(
      async () => ({ access_token: `t${++minted}`, token_type: "Bearer" as const, expires_in: 3600 }),
      { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
      () => clock,
    );
    return { source, advance: (ms: number) => (clock += ms), minted: () => minted };
  }

  it("no sign: one forced refresh per window; the next refusal after the window forces another", async () => {
    const { source, advance, minted } = harness();
    expect(await source.get()).toBe("t1");
    source.invalidate("t1", "suspect");
    await settled();
    expect(await source.get()).toBe("t2");
    advance(forcedRefreshBudget.unsignedMs - 1);
    source.invalidate("t2", "suspect");
    await settled();
    expect(await source.get()).toBe("t2");
    advance(1);
    source.invalidate("t2", "suspect");
    await settled();
    expect(await source.get()).toBe("t3");
    expect(minted()).toBe(3);
  });

  it("a sign after a sign: the bearer a sign fetched is replaced on a second sign only after the window", async () => {
    const { source, advance } = harness();
    await source.get();
    source.invalidate("t1", "rejected");
    expect(await source.get()).toBe("t2");
    source.invalidate("t2", "rejected");
    expect(await source.get()).toBe("t2");
    advance(forcedRefreshBudget.unsignedMs);
    source.invalidate("t2", "rejected");
    expect(await source.get()).toBe("t3");
  });

  it("a refusal of a bearer already replaced changes nothing", async () => {
    const { source, minted } = harness();
    await source.get();
    source.invalidate("t1", "rejected");
    await source.get();
    source.invalidate("t1", "rejected");
    source.invalidate("t1", "suspect");
    expect(await source.get()).toBe("t2");
    expect(minted()).toBe(2);
  });
});

describe("reading the signs", () => {
  it("finds the error of every Bearer challenge, quoted or not, among other challenges and parameters", () => {
    expect(bearerChallengeErrors('Bearer realm="example", error="invalid_token", error_description="The access token expired"')).toEqual(["invalid_token"]);
    expect(bearerChallengeErrors('Basic realm="x", Bearer error=insufficient_scope, scope="a b"')).toEqual(["insufficient_scope"]);
    expect(bearerChallengeErrors('Basic error="invalid_token", Bearer realm="x"')).toEqual([]);
    expect(bearerChallengeErrors('Newauth realm="apps", type=1, title="Login to \\"apps\\"", Bearer error="INVALID_TOKEN"')).toEqual(["invalid_token"]);
    expect(bearerChallengeErrors('Bearer abc==, Bearer error="invalid_token"')).toEqual(["invalid_token"]);
    expect(bearerChallengeErrors('Bearer realm="unterminated')).toEqual([]);
    expect(bearerChallengeErrors(null)).toEqual([]);
  });

  it("a challenge's sign wins over the body's code; an unknown code says nothing", () => {
    const headers = (value?: string) => new Headers(value ? { "www-authenticate": value } : {});
    expect(readRefusal(headers('Bearer error="invalid_token"'), "invalid_grant")).toEqual({ refused: "bearer", evidence: "rejected" });
    expect(readRefusal(headers(), "Invalid_Grant")).toEqual({ refused: "customer", evidence: undefined });
    expect(readRefusal(headers('Bearer error="invalid_request"'), "insufficient_scope")).toEqual({ refused: "bearer", evidence: "suspect" });
    expect(readRefusal(headers(), "UNAUTHORIZED")).toEqual({ refused: "unknown", evidence: "suspect" });
    expect(readRefusal(headers(), "__proto__")).toEqual({ refused: "unknown", evidence: "suspect" });
    expect(readRefusal(headers("Bearer"), undefined)).toEqual({ refused: "unknown", evidence: "suspect" });
  });
});

describe("a slow, aborted or refused token request costs one request, never an outage (issue 23)", () => {
  /** A signal its caller aborts after `ms` (a visitor hanging up). */
  const hangUpAfter = (ms: number) => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), ms);
    return controller.signal;
  };

  it("logins that hang up while the bearer is fetched do not cancel the token request: 30 of them cost one", async () => {
    server.token = async (_req, res) => {
      await delay(100);
      sendJson(res, 200, server.issueToken());
    };
    const c = client();
    for (let i = 0; i < 30; i++) expect(await settle(c.login(good, { signal: hangUpAfter(10) }))).toMatch(/^(aborted|ok)$/);
    await vi.waitFor(() => expect(server.issued).toHaveLength(1));
    await vi.waitFor(() => expect(c.login(good)).resolves.toMatchObject({ token_type: "Bearer" }));
    expect(server.tokenRequests()).toHaveLength(1);
  });

  it("after a wrong password, 50 logins one after another that hang up at 15 ms cost at most one token request", async () => {
    const c = client();
    await c.login(good);
    server.token = async (_req, res) => {
      await delay(200);
      sendJson(res, 200, server.issueToken());
    };
    expect(await settle(c.login(wrong))).toBe("forbidden");
    for (let i = 0; i < 50; i++) expect(await settle(c.login(good, { signal: hangUpAfter(15) }))).toMatch(/^(aborted|ok)$/);
    expect(server.tokenRequests().length).toBeLessThanOrEqual(2);
    await expect(c.login(good)).resolves.toMatchObject({ token_type: "Bearer" });
  });

  it("a token endpoint slower than the logins' deadlines delays no login while a valid bearer is cached", async () => {
    const c = client();
    await c.login(good);
    server.token = async (_req, res) => {
      await delay(600);
      sendJson(res, 200, server.issueToken());
    };
    expect(await settle(c.login(wrong))).toBe("forbidden"); // forces a refresh
    const results = [];
    for (let i = 0; i < 12; i++) results.push(await settle(c.login(good, { signal: AbortSignal.timeout(150) })));
    expect(results).toEqual(Array(12).fill("ok"));
    expect(server.tokenRequests()).toHaveLength(2);
  });

  it("a forced refresh answered 429 Retry-After: 30 (retried by default, waiting up to 10 s) stalls no login: all meet a 2 s deadline", async () => {
    const c = createLoginClient({ accountId, auth, baseUrl: server.baseUrl });
    await c.login(good);
    server.token = (_req, res) => sendJson(res, 429, errorBody("TOO_MANY_REQUESTS", "slow down"), { "retry-after": "30" });
    expect(await settle(c.login(wrong))).toBe("forbidden");
    const results = [];
    for (let i = 0; i < 10; i++) results.push(await settle(c.login(good, { signal: AbortSignal.timeout(2000) })));
    expect(results).toEqual(Array(10).fill("ok"));
  });

  it("each concurrent caller gets its own error object", async () => {
    server.token = async (_req, res) => {
      await delay(30);
      sendJson(res, 401, errorBody("UNAUTHORIZED", "bad client credentials"));
    };
    const c = client();
    const errors = await Promise.all(
      Array.from({ length: 3 }, () =>
        c.login(good).then(
          () => undefined,
          (e: unknown) => e as LoginError,
        ),
      ),
    );
    expect(errors.map((e) => e?.kind)).toEqual(["client_token_failed", "client_token_failed", "client_token_failed"]);
    expect(new Set(errors).size).toBe(3);
    expect(new Set(errors.map((e) => e?.cause)).size).toBe(3);
    (errors[0] as unknown as { kind: string }).kind = "changed";
    expect(errors[1]?.kind).toBe("client_token_failed");
    expect(server.tokenRequests()).toHaveLength(1);
  });

  for (const status of [431, 413]) {
    it(`a ${status} to the login (the bearer is too large) replaces the bearer once, not once per login`, async () => {
      // A client id of its own: token requests are counted by it, so a request an earlier test's client
      // still has under way (the default retries wait up to 10 s) cannot be taken for this one's.
      const own = { clientId: `test-client-${status}`, clientSecret: "fake-client-secret-for-tests" };
      const mine = () => server.tokenRequests().filter((r) => readBasicAuthorization(r.headers.authorization)?.userId === own.clientId);
      const c = client({ auth: own });
      await c.login(good);
      server.login = (_req, res) => sendJson(res, status, errorBody("TOO_LARGE", "header fields too large"));
      expect(await settle(c.login(good))).not.toBe("ok");
      await vi.waitFor(() => expect(mine()).toHaveLength(2));
      for (let i = 0; i < 5; i++) await settle(c.login(good));
      expect(mine()).toHaveLength(2);
      // Every login after the replacement carries the replacement, not the first bearer.
      const bearers = server.loginRequests().map((r) => r.headers.authorization);
      expect(new Set(bearers.slice(-5)).size).toBe(1);
      expect(bearers.at(-1)).not.toBe(bearers[0]);
    });
  }
});
