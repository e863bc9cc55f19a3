// A failing token endpoint costs one token request per backoff step, with or without a cached
// bearer; and a bearer asked for before a refusal of the bearer is never used after it.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLoginClient, type LoginError } from "../../../src/index.ts";
import { clientCredentialsBearer } from "../../../src/token-provider.ts";
import { errorBody, sendJson, startLoginServer, type LoginServer } from "../../helpers/login-server.ts";

const accountId = "T12345678";
const auth = { clientId: "test-client-id", clientSecret: "fake-client-secret-for-tests" };
const good = { type: "customer", email: "a@example.com", password: "fake-password-1" } as const;

let server: LoginServer;
beforeEach(async () => {
  server = await startLoginServer();
});
afterEach(async () => {
  await server.close();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `n` logins `gapMs` apart, each with its own deadline (3 s: ample for a token endpoint that answers at once, even on a busy machine); their errors, in order. */
async function loginStorm(n: number, gapMs: number): Promise<LoginError[]> {
  const c = createLoginClient({ accountId, auth, baseUrl: server.baseUrl, timeoutMs: 1000 });
  const runs: Promise<LoginError>[] = [];
  for (let i = 0; i < n; i++) {
    runs.push(
      c.login(good, { signal: AbortSignal.timeout(3000) }).then(
        () => {
          throw new Error("a login succeeded");
        },
        (error: LoginError) => error,
      ),
    );
    await pause(gapMs);
  }
  return Promise.all(runs);
}

describe("without a usable bearer, a failing token endpoint is asked once per backoff step (1 s, doubling)", () => {
  for (const [status, causeKind] of [
    [500, "server_error"],
    [401, "unauthorized"],
  ] as const) {
    it(`token endpoint answering ${status}: 60 logins over about a second cause at most 2 token requests, the rest fail at once`, async () => {
      server.token = (_req, res) =>
        sendJson(res, status, errorBody("FAILED", "Token request failed"), status === 401 ? { "www-authenticate": 'Basic realm="dintero"' } : {});
      const errors = await loginStorm(60, 15);
      expect(server.tokenRequests().length).toBeGreaterThanOrEqual(1);
      expect(server.tokenRequests().length).toBeLessThanOrEqual(2);
      expect(server.loginRequests()).toHaveLength(0);
      for (const error of errors) expect([error.kind, error.causeKind]).toEqual(["client_token_failed", causeKind]);
      // Those refused during the backoff say when to try again, and keep the cause.
      const refused = errors.filter((e) => e.retryAfterSeconds !== undefined);
      expect(refused.length).toBeGreaterThan(50);
      for (const error of refused) {
        expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
        expect(error.retryAfterSeconds).toBeLessThanOrEqual(2);
        expect((error.cause as LoginError).kind).toBe(causeKind);
      }
      expect(new Set(refused).size).toBe(refused.length); // each caller its own error
    });
  }

  it("a Retry-After the token endpoint gave is carried to the next logins: none sends a token request before it", async () => {
    server.token = (_req, res) => sendJson(res, 429, errorBody("RATE_LIMITED", "Too many requests"), { "retry-after": "20" });
    const c = createLoginClient({ accountId, auth, baseUrl: server.baseUrl, tokenRetry: { maxAttempts: 1 } });
    const first = await c.login(good).catch((error: LoginError) => error);
    expect([(first as LoginError).kind, (first as LoginError).causeKind]).toEqual(["client_token_failed", "rate_limited"]);
    for (let i = 0; i < 20; i++) {
      const error = (await c.login(good).catch((e: LoginError) => e)) as LoginError;
      expect([error.kind, error.causeKind]).toEqual(["client_token_failed", "rate_limited"]);
      expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(19);
      expect(error.retryAfterSeconds).toBeLessThanOrEqual(20);
    }
    expect(server.tokenRequests()).toHaveLength(1);
  });
});

describe("a bearer requested before a refusal of the bearer is not used after it", () => {
  it("tok1 refused (invalid_token) while a background refresh (tok2) is in flight: the next caller gets a bearer requested after the refusal", async () => {
    let clock = 0;
    let n = 0;
    let releaseSecond: () => void = () => undefined;
    server.token = async (_req, res) => {
      const mine = ++n;
      if (mine === 2) await new Promise<void>((resolve) => (releaseSecond = resolve));
      sendJson(res, 200, { access_token: `tok${mine}`, token_type: "Bearer", expires_in: 3600 });
    };
    const tokenUrl = `${server.baseUrl}/accounts/${accountId}/auth/token`;
    const source = clientCredentialsBearer(
      async () => (await fetch(tokenUrl, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).json(),
      { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
      () => clock,
    );
    expect(await source.get()).toBe("tok1");
    clock += 1_800_001; // past half of 3600 s: the next caller starts a background refresh
    expect(await source.get()).toBe("tok1");
    while (server.tokenRequests().length < 2) await pause(5); // tok2's request has arrived and is held
    source.invalidate("tok1", "rejected"); // the server says invalid_token: tok2, asked for before, may be revoked too
    const next = source.get();
    releaseSecond();
    expect(await next).toBe("tok3");
    expect(await source.get()).toBe("tok3");
    expect(server.tokenRequests()).toHaveLength(3);
  });
});
