// Example: testing your own login route (examples/login-route.ts) without the real Dintero, with the
// fake from dintero-login-kit/testing: once through fetch injection, once through its URL.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createLoginClient, type LoginClient } from "dintero-login-kit";
import { createFakeDintero, startFakeDintero, type RunningFakeDintero } from "dintero-login-kit/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loginRoute } from "./login-route.ts";

// The fake's account, client and user (everything is optional; the defaults are the spec's examples).
const options = {
  accountId: "T12345678",
  clients: [{ clientId: "my-backend", clientSecret: "my-backend-secret" }],
  users: [{ type: "customer" as const, email: "ada@example.com", password: "correct-horse" }],
};
const auth = { clientId: "my-backend", clientSecret: "my-backend-secret" };

// Your route on a real HTTP server on 127.0.0.1, and a helper that posts to it.
let app: Server | undefined;
let fake: RunningFakeDintero | undefined;
afterEach(async () => {
  vi.useRealTimers();
  app?.closeAllConnections();
  await new Promise((resolve) => (app ? app.close(resolve) : resolve(undefined)));
  await fake?.close();
  app = fake = undefined;
});
async function startApp(client: LoginClient): Promise<(body: unknown) => Promise<Response>> {
  app = createServer(loginRoute(client));
  await new Promise<void>((resolve) => app!.listen(0, "127.0.0.1", resolve));
  const { port } = app.address() as AddressInfo;
  return (body) => fetch(`http://127.0.0.1:${port}/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

describe("POST /login, Dintero faked through fetch injection", () => {
  it("logs the customer in, and never hands out Dintero's token", async () => {
    const dintero = createFakeDintero(options);
    const post = await startApp(createLoginClient({ accountId: dintero.accountId, auth, fetch: dintero.fetch }));

    const res = await post({ email: "ada@example.com", password: "correct-horse" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ loggedIn: true, sessionSeconds: 86400 });
    expect(dintero.exchanges.map((e) => [e.operation, e.status])).toEqual([
      ["token", 200],
      ["login", 200],
    ]);
    expect(dintero.exchanges[1]?.identity).toEqual({ type: "customer", email: "ada@example.com" });
  });

  it("answers a wrong password 401, and passes Dintero's rate limit on as 429 with Retry-After", async () => {
    const dintero = createFakeDintero(options);
    const post = await startApp(createLoginClient({ accountId: dintero.accountId, auth, fetch: dintero.fetch }));

    expect((await post({ email: "ada@example.com", password: "wrong-horse" })).status).toBe(401);
    // Only JSON: a cross-site <form> (text/plain, form data) cannot log a visitor in (login CSRF).
    const port = (app!.address() as AddressInfo).port;
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const res = await fetch(`http://127.0.0.1:${port}/login`, {
        method: "POST",
        headers: { "content-type": type },
        body: '{"email":"ada@example.com","password":"correct-horse"}',
      });
      expect([type, res.status]).toEqual([type, 415]);
    }
    dintero.scenario("rate_limited", { retryAfterSeconds: 20 });
    const limited = await post({ email: "ada@example.com", password: "correct-horse" });
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "20"]);
  });
});

describe("POST /login, Dintero faked on a URL (startFakeDintero)", () => {
  it("asks for MFA when Dintero does, and degrades to 503 when Dintero's token endpoint is down", async () => {
    fake = await startFakeDintero(options);
    // The client's clocks (Date, performance) are faked, so the test can step past its token backoff.
    vi.useFakeTimers({ toFake: ["Date", "performance"] });
    const client = createLoginClient({ accountId: fake.accountId, auth, baseUrl: fake.url, tokenRetry: { maxAttempts: 1 } });
    const post = await startApp(client);

    fake.scenario("mfa_required", { times: 1 });
    expect((await post({ email: "ada@example.com", password: "correct-horse" })).status).toBe(403);
    // Dintero revokes our bearer and its token endpoint goes down: the login with the revoked bearer is
    // refused with the documented 401 (the client drops the bearer), and getting a new one fails.
    fake.revokeClientBearers();
    fake.scenario("token_outage");
    expect((await post({ email: "ada@example.com", password: "correct-horse" })).status).toBe(503);
    expect((await post({ email: "ada@example.com", password: "correct-horse" })).status).toBe(503);
    fake.scenario("normal");
    // After a failed token request the client sends none for 1 s (then 2 s, 4 s, ... up to 30 s, or
    // the token endpoint's Retry-After): logins fail at once meanwhile, then it tries again.
    expect((await post({ email: "ada@example.com", password: "correct-horse" })).status).toBe(503);
    vi.advanceTimersByTime(1000);
    expect((await post({ email: "ada@example.com", password: "correct-horse" })).status).toBe(200);
    expect(fake.exchanges.map((e) => `${e.operation} ${e.status}`)).toEqual(["token 200", "login 403", "login 401", "token 500", "token 200", "login 200"]);
  });
});
