// The fake Dintero (dintero-login-kit/testing) on 127.0.0.1 with a backend client that may get refresh
// tokens, a customer without MFA and one with it, and a clock the test moves; the session tests share it.
import { afterEach } from "vitest";
import { createLoginClient, type LoginClient, type LoginClientOptions } from "../../../src/index.ts";
import { startFakeDintero, type FakeDinteroOptions, type RunningFakeDintero } from "../../../testing/index.ts";

export const backend = { clientId: "session-backend", clientSecret: "fake-session-secret-Qe71" };
export const otherBackend = { clientId: "other-backend", clientSecret: "fake-other-secret-Lz93" };
/** The login's scope, the MFA challenge's, and the one without which a login answers no refresh token. */
const scopes = ["write:accounts:/auth/users", "write:accounts:/auth/mfa", "create:accounts:auth:refresh_token"];
export const ada = { type: "customer" as const, email: "ada@example.com", password: "fake-ada-pw-Vc58" };
export const grace = { type: "customer" as const, email: "grace@example.com", phone: "+4799999998", password: "fake-grace-pw-Hn26", mfa: true };

export interface SessionFixture {
  fake: RunningFakeDintero;
  client: LoginClient;
  /** The fake's clock: milliseconds to add to the real one. */
  clock: { offsetMs: number };
  clientFor(auth: { clientId: string; clientSecret: string }, options?: Partial<LoginClientOptions>): LoginClient;
  /** The token requests of one grant the fake received so far. */
  grants(grant: string): number;
}

let running: RunningFakeDintero[] = [];
afterEach(async () => {
  await Promise.all(running.map((fake) => fake.close()));
  running = [];
});

export async function startSession(options: Partial<FakeDinteroOptions> = {}): Promise<SessionFixture> {
  const clock = { offsetMs: 0 };
  const fake = await startFakeDintero({
    clients: [
      { ...backend, scopes },
      { ...otherBackend, scopes },
    ],
    users: [ada, grace],
    now: () => Date.now() + clock.offsetMs,
    ...options,
  });
  running.push(fake);
  const clientFor: SessionFixture["clientFor"] = (auth, more = {}) =>
    createLoginClient({ accountId: fake.accountId, auth, baseUrl: fake.url, tokenRetry: { maxAttempts: 1 }, ...more });
  return {
    fake,
    clock,
    client: clientFor(backend),
    clientFor,
    grants: (grant) => fake.exchanges.filter((e) => e.operation === "token" && e.grant === grant).length,
  };
}

/** The rejection of `promise` (a test fails if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}
