// A refused bearer is told from a refused customer by what the spec documents each status for, read from
// the generated model: the login's 401 is documented for an invalid bearer only (RFC 9110 §15.5.2, the
// model's `auth_refusal`), a wrong password is its 403. Against the project's fake, whose revoked-bearer
// 401 carries only what the spec documents (no RFC 6750 challenge).
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLoginClient, type LoginError } from "../../../src/index.ts";
import { createFakeDintero } from "../../../testing/index.ts";
import { documentedResponses } from "../../../generated/client-responses.js";

const fail = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable("resolved"),
    (e: unknown) => e as LoginError,
  );
const auth = { clientId: "fake-client-id", clientSecret: "fake-client-secret" };
const customer = { type: "customer" as const, email: "john.doe@example.com", password: "correct-horse-battery-staple" };

// What this test relies on, from the spec (update the test if the spec documents the login otherwise).
const refusalStatus = Object.entries(documentedResponses.login).find(([, r]) => r.meaning === "auth_refusal")?.[0];
const forbiddenStatus = Object.entries(documentedResponses.login).find(([, r]) => r.meaning === "forbidden")?.[0];

afterEach(() => {
  vi.useRealTimers();
});

describe("a documented 401 to the login is the bearer's refusal", () => {
  it("the spec documents an auth_refusal (401) and a forbidden (403) status for the login", () => {
    expect([refusalStatus, forbiddenStatus]).toEqual(["401", "403"]);
  });

  it("a bearer revoked during a token outage is dropped, never reused: the next login reports the token failure, not a wrong password", async () => {
    const fake = createFakeDintero();
    // The client's clocks are faked, so the test can step past the backoff after the failed token request.
    vi.useFakeTimers({ toFake: ["Date", "performance"] });
    const client = createLoginClient({ accountId: fake.accountId, auth, fetch: fake.fetch, tokenRetry: { maxAttempts: 1 } });
    await client.login(customer);
    fake.revokeClientBearers();
    fake.scenario("token_outage");
    const refused = await fail(client.login(customer));
    expect([refused.kind, refused.status]).toEqual(["bearer_refused", 401]);
    const next = await fail(client.login(customer));
    expect([next.kind, next.causeKind]).toEqual(["client_token_failed", "server_error"]);
    // The revoked bearer was sent once; no login went out with it again.
    expect(fake.exchanges.map((e) => `${e.operation} ${e.status}`)).toEqual(["token 200", "login 200", "login 401", "token 500"]);
    fake.scenario("normal");
    // Within the backoff (1 s after the failed token request) a login fails at once, sending nothing.
    expect((await fail(client.login(customer))).kind).toBe("client_token_failed");
    expect(fake.exchanges).toHaveLength(4);
    vi.advanceTimersByTime(1000);
    await client.login(customer);
    expect(fake.exchanges.slice(4).map((e) => `${e.operation} ${e.status}`)).toEqual(["token 200", "login 200"]);
  });

  it("a wrong password (the documented 403, no sign) keeps the bearer: it is still sent, under suspicion within the refresh budget", async () => {
    const fake = createFakeDintero();
    const client = createLoginClient({ accountId: fake.accountId, auth, fetch: fake.fetch });
    await client.login(customer);
    const wrong = await fail(client.login({ ...customer, password: "not-the-password" }));
    expect([wrong.kind, wrong.status]).toEqual(["forbidden", 403]);
    expect(wrong.refused).toBe("unknown");
    await client.login({ ...customer, password: "not-the-password-2" }).catch(() => undefined);
    await client.login(customer);
    // One refresh for both refusals (the budget), and no login failed for want of a bearer.
    expect(fake.exchanges.map((e) => `${e.operation} ${e.status}`)).toEqual(["token 200", "login 200", "login 403", "token 200", "login 403", "login 200"]);
  });
});
