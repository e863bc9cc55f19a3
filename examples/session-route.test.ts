// Example: testing your session routes (examples/session-route.ts) against the fake Dintero of
// dintero-login-kit/testing on a port: log in, refresh when the token is about to expire (on the fake's
// clock, without waiting), log out (revoke), and an MFA login with the code the customer "received".
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createLoginClient } from "dintero-login-kit";
import { startFakeDintero, type RunningFakeDintero } from "dintero-login-kit/testing";
import { afterEach, describe, expect, it } from "vitest";
import { sessionRoutes } from "./session-route.ts";

// The backend client may get refresh tokens (and revoke them) and start MFA challenges: its scopes say so.
const backend = { clientId: "my-backend", clientSecret: "my-backend-secret" };
const scopes = ["write:accounts:/auth/users", "write:accounts:/auth/mfa", "create:accounts:auth:refresh_token"];
const ada = { type: "customer" as const, email: "ada@example.com", password: "correct-horse" };
const grace = { type: "customer" as const, email: "grace@example.com", password: "battery-staple", mfa: true };

let app: Server | undefined;
let fake: RunningFakeDintero | undefined;
afterEach(async () => {
  app?.closeAllConnections();
  await new Promise((resolve) => (app ? app.close(resolve) : resolve(undefined)));
  await fake?.close();
  app = fake = undefined;
});

/**
 * The fake and your routes on 127.0.0.1, each with a clock a test moves ahead (`clock.dintero`, `clock.routes`:
 * milliseconds added to the real one), and a browser-like caller that keeps cookies.
 */
async function start() {
  const clock = { dintero: 0, routes: 0 };
  fake = await startFakeDintero({ clients: [{ ...backend, scopes }], users: [ada, grace], now: () => Date.now() + clock.dintero });
  const client = createLoginClient({ accountId: fake.accountId, auth: backend, baseUrl: fake.url });
  app = createServer(sessionRoutes(client, () => Date.now() + clock.routes));
  await new Promise<void>((resolve) => app!.listen(0, "127.0.0.1", resolve));
  const { port } = app.address() as AddressInfo;
  const cookies = new Map<string, string>();
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { "content-type": "application/json", cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const line of res.headers.getSetCookie()) {
      const [name, value] = line.split(";")[0]!.split("=") as [string, string];
      if (value) cookies.set(name, value);
      else cookies.delete(name);
    }
    return { status: res.status, body: res.status === 204 ? undefined : ((await res.json()) as Record<string, unknown>) };
  };
  return { clock, call, fake };
}

describe("session routes against the fake Dintero", () => {
  it("log in, refresh near expiry, log out: the refresh token is revoked and the session ends", async () => {
    const { clock, call, fake } = await start();
    expect((await call("POST", "/login", { email: ada.email, password: ada.password })).status).toBe(200);
    expect((await call("GET", "/me")).status).toBe(200);
    const grants = () => fake.exchanges.filter((e) => e.operation === "token" && e.grant === "refresh_token").map((e) => e.status);
    expect(grants()).toEqual([]); // fresh token: no refresh
    clock.routes = 24 * 60 * 60 * 1000 - 30_000; // your server's clock: 30 s before the customer token expires
    const [a, b] = await Promise.all([call("GET", "/me"), call("GET", "/me")]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(grants()).toEqual([200]); // two requests, one refresh (single-flight)
    expect((await call("POST", "/logout")).status).toBe(204);
    expect(fake.exchanges.at(-1)).toMatchObject({ operation: "revoke", status: 200 });
    expect((await call("GET", "/me")).status).toBe(401);
  });

  it("MFA: challenge by email, a wrong code, then the code the customer received", async () => {
    const { call, fake } = await start();
    const login = await call("POST", "/login", { email: grace.email, password: grace.password });
    expect(login).toMatchObject({ status: 403, body: { error: "mfa_required" } });
    expect((await call("POST", "/login/mfa/code", { code: "123456" })).status).toBe(409); // no code sent yet
    expect((await call("POST", "/login/mfa", { channel: "email" })).status).toBe(204);
    const code = fake.mfaCode(grace.email)!;
    const wrong = code === "000000" ? "000001" : "000000";
    expect(await call("POST", "/login/mfa/code", { code: wrong })).toMatchObject({ status: 401, body: { error: "wrong_code" } });
    expect((await call("POST", "/login/mfa/code", { code })).status).toBe(200);
    expect((await call("GET", "/me")).status).toBe(200);
  });

  it("a wrong password is 401; an MFA login left longer than Dintero's mfa_token lives starts over", async () => {
    const { clock, call } = await start();
    expect(await call("POST", "/login", { email: ada.email, password: "wrong-horse" })).toMatchObject({ status: 401 });
    expect((await call("POST", "/login", { email: grace.email, password: grace.password })).status).toBe(403);
    // Six minutes later at Dintero: its mfa_token has expired (mfa_token_invalid), though the route still holds the login.
    clock.dintero = 6 * 60 * 1000;
    expect(await call("POST", "/login/mfa", { channel: "email" })).toMatchObject({ status: 401, body: { error: "log_in_again" } });
  });
});
