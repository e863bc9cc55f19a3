// dintero-login-kit/testing as a consumer's tests use it: the login client against the fake, through
// fetch injection and over node:http. Its rules, scenarios and record; the conformance suite's verdict
// on it is test/testing/conformance.test.ts.
import { afterEach, describe, expect, it } from "vitest";
import { validateError, validateMfaError } from "../../generated/validators.js";
import { createLoginClient, type LoginError } from "../../src/index.ts";
import { createFakeDintero, startFakeDintero, type FakeDinteroOptions, type RunningFakeDintero } from "../../testing/index.ts";

const spec = (await import("../../generated/openapi.json", { with: { type: "json" } })).default as {
  servers: Array<{ url: string }>;
  components: { requestBodies: { LoginCredentials: { content: { "application/json": { examples: Record<string, { value: Record<string, string> }> } } } } };
};
const examples = spec.components.requestBodies.LoginCredentials.content["application/json"].examples;

const defaultsAuth = { clientId: "fake-client-id", clientSecret: "fake-client-secret" };
const secret = "s3cret-client-value-0042";
const password = "ada-password-0042";
const pin = "9513";
const options: FakeDinteroOptions = {
  accountId: "T87654321",
  clients: [{ clientId: "shop-backend", clientSecret: secret }],
  users: [
    { type: "customer", email: "ada@example.com", phone: "+4791234567", password },
    { type: "customer", phone: "+4790000000", password: pin },
  ],
};
const auth = { clientId: "shop-backend", clientSecret: secret };
const ada = { type: "customer" as const, email: "ada@example.com", password };

const fail = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable("resolved"),
    (e: unknown) => e as LoginError,
  );
const decode = (jwt: string) =>
  jwt
    .split(".")
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>);

let running: RunningFakeDintero | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe("createFakeDintero with the defaults (the spec's examples)", () => {
  it("logs in both example users through the client's fetch, at the default base URL", async () => {
    const fake = createFakeDintero();
    expect(fake.accountId).toBe("T12345678");
    expect(fake.audience).toBe("https://api.dintero.com/v1/accounts/T12345678");
    const client = createLoginClient({ accountId: fake.accountId, auth: defaultsAuth, fetch: fake.fetch });
    const { email, phone } = examples as Record<string, { value: Record<string, string> }>;
    const byEmail = await client.login({ type: "customer", email: email!.value.email!, password: email!.value.password! });
    const byPhone = await client.login({ type: "customer", ident_type: "phone_number", ident: phone!.value.ident!, password: phone!.value.password! });
    expect(byEmail.token_type).toBe("Bearer");
    expect(byPhone.expires_in).toBe(86400);
    expect(fake.exchanges.map((e) => [e.operation, e.status])).toEqual([
      ["token", 200],
      ["login", 200],
      ["login", 200],
    ]);
  });
});

describe("the fake's rules", () => {
  it("issues JWTs (HS256) whose exp - iat is expires_in, with Cache-Control: no-store", async () => {
    const fake = createFakeDintero(options);
    const basic = `Basic ${Buffer.from(`shop-backend:${secret}`).toString("base64")}`;
    const res = await fake.fetch("https://api.dintero.com/v1/accounts/T87654321/auth/token", {
      method: "POST",
      headers: { authorization: basic, "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "client_credentials", audience: fake.audience }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const body = (await res.json()) as { access_token: string; expires_in: number };
    const [header, claims] = decode(body.access_token);
    expect(header).toEqual({ alg: "HS256", typ: "JWT" });
    expect((claims!.exp! as number) - (claims!.iat as number)).toBe(body.expires_in);
    expect(body.expires_in).toBe(14400);

    const client = createLoginClient({ accountId: fake.accountId, auth, fetch: fake.fetch });
    const customer = await client.login(ada);
    const [, customerClaims] = decode(customer.access_token);
    expect((customerClaims!.exp as number) - (customerClaims!.iat as number)).toBe(customer.expires_in);
  });

  it("a user with an email and a phone logs in by email, by ident_type email and by ident_type phone_number", async () => {
    const fake = createFakeDintero(options);
    const client = createLoginClient({ accountId: fake.accountId, auth, fetch: fake.fetch });
    await client.login(ada);
    await client.login({ type: "customer", ident_type: "email", ident: "ada@example.com", password });
    await client.login({ type: "customer", ident_type: "phone_number", ident: "+4791234567", password });
    // bound to its ident_type and its user type
    expect((await fail(client.login({ type: "customer", ident_type: "phone_number", ident: "ada@example.com", password }))).kind).toBe("forbidden");
    expect((await fail(client.login({ ...ada, type: "company" }))).kind).toBe("forbidden");
  });

  it("refuses a wrong password and an unknown identity with one and the same answer (403, the spec's example)", async () => {
    const fake = createFakeDintero(options);
    const client = createLoginClient({ accountId: fake.accountId, auth, fetch: fake.fetch });
    const wrong = await fail(client.login({ ...ada, password: "not-the-password" }));
    const unknown = await fail(client.login({ ...ada, email: "nobody@example.com" }));
    expect([wrong.kind, wrong.status, wrong.code]).toEqual(["forbidden", 403, "FORBIDDEN"]);
    expect([unknown.kind, unknown.status, unknown.code, unknown.message.replace(/request-id \w+/, "")]).toEqual([
      wrong.kind,
      wrong.status,
      wrong.code,
      wrong.message.replace(/request-id \w+/, ""),
    ]);
  });

  it("refuses wrong client credentials (401), another account's audience (403), a forged or foreign bearer (401)", async () => {
    const fake = createFakeDintero(options);
    const badSecret = await fail(
      createLoginClient({ accountId: fake.accountId, auth: { ...auth, clientSecret: "wrong" }, fetch: fake.fetch, tokenRetry: { maxAttempts: 1 } }).login(ada),
    );
    expect([badSecret.kind, (badSecret.cause as LoginError).kind]).toEqual(["client_token_failed", "unauthorized"]);
    const otherAudience = await fail(
      createLoginClient({ accountId: fake.accountId, auth, audience: "https://api.dintero.com/v1/accounts/T11111111", fetch: fake.fetch }).login(ada),
    );
    expect([otherAudience.kind, (otherAudience.cause as LoginError).status]).toEqual(["client_token_failed", 403]);
    // A bearer another fake issued is a well-formed JWT this one never signed.
    const other = createFakeDintero(options);
    const foreign = await createLoginClient({ accountId: other.accountId, auth, fetch: other.fetch }).raw.POST("/accounts/{oid}/auth/token", {
      params: { path: { oid: other.accountId } },
      body: { grant_type: "client_credentials", audience: other.audience },
      headers: { authorization: `Basic ${Buffer.from(`shop-backend:${secret}`).toString("base64")}` },
    });
    const bearer = (foreign.data as { access_token: string }).access_token;
    const refused = await fail(createLoginClient({ accountId: fake.accountId, auth: { accessToken: bearer }, fetch: fake.fetch }).login(ada));
    // by default a 401 says only what the spec documents, which is enough: the login's 401 is documented for an invalid bearer
    expect([refused.kind, refused.status]).toEqual(["bearer_refused", 401]);
    // with the invalid_token_challenge scenario it says so the RFC 6750 way: the client's kind for it
    fake.scenario("invalid_token_challenge");
    const signed = await fail(createLoginClient({ accountId: fake.accountId, auth: { accessToken: bearer }, fetch: fake.fetch }).login(ada));
    expect([signed.kind, signed.status]).toEqual(["bearer_refused", 401]);
    fake.scenario("normal");
    // A customer's own token is no client bearer (insufficient scope).
    const customer = await createLoginClient({ accountId: fake.accountId, auth, fetch: fake.fetch }).login(ada);
    const scope = await fail(createLoginClient({ accountId: fake.accountId, auth: { accessToken: customer.access_token }, fetch: fake.fetch }).login(ada));
    expect([scope.kind, scope.status]).toEqual(["forbidden", 403]);
  });

  it("answers an invalid body 400 with an Error body naming the rule and never the value", async () => {
    const fake = createFakeDintero(options);
    const client = createLoginClient({ accountId: fake.accountId, auth, fetch: fake.fetch, validateResponses: false });
    await client.login(ada); // a bearer for the raw call
    const res = await client.raw.POST("/accounts/{aid}/customers/login", {
      params: { path: { aid: fake.accountId } },
      body: { audience: fake.audience, type: "customer", email: "ada@example.com", password: "ab" } as never,
    });
    expect(res.response.status).toBe(400);
    expect(validateError(res.error)).toBe(true);
    expect(res.error).toEqual({
      error: {
        code: "INVALID_REQUEST_PARAMETERS",
        message: "Invalid request body",
        errors: [{ path: "password", message: "password must NOT have fewer than 4 characters" }],
      },
    });
    const text = JSON.stringify(res.error);
    expect(text).not.toContain('"ab"');
  });

  it("answers other methods 405 with Allow, and paths it does not serve 404", async () => {
    const fake = createFakeDintero();
    const put = await fake.fetch("https://api.dintero.com/v1/accounts/T12345678/customers/login", { method: "PUT" });
    expect([put.status, put.headers.get("allow")]).toEqual([405, "POST"]);
    const other = await fake.fetch("https://api.dintero.com/v1/accounts/T12345678/customers");
    expect(other.status).toBe(404);
    expect(fake.exchanges.map((e) => [e.operation, e.method, e.status])).toEqual([
      ["login", "PUT", 405],
      [null, "GET", 404],
    ]);
  });

  it("serves only under the spec's base path (/v1), on any origin: a baseUrl without /v1, with /v2 or with /v1 twice gets 404", async () => {
    const fake = createFakeDintero();
    const john = { type: "customer", email: "john.doe@example.com", password: "correct-horse-battery-staple" } as const;
    const at = (baseUrl: string) =>
      createLoginClient({ accountId: fake.accountId, auth: defaultsAuth, baseUrl, fetch: fake.fetch, tokenRetry: { maxAttempts: 1 } });
    await at("https://checkout.dintero.com/v1").login(john);
    expect(fake.exchanges.map((e) => e.status)).toEqual([200, 200]);
    // the base path comes from the spec's servers[0].url, not from this test
    expect(new URL(spec.servers[0]!.url).pathname).toBe("/v1");
    for (const wrong of ["https://api.dintero.com", "https://api.dintero.com/v2", "https://api.dintero.com/v1/v1", "https://gateway.example/dintero/v1"]) {
      fake.reset();
      const error = await fail(at(wrong).login(john));
      // a consumer's test against a wrong base path fails, as the login would on deploy
      expect([wrong, error.kind, (error.cause as LoginError).status]).toEqual([wrong, "client_token_failed", 404]);
      expect(fake.exchanges.map((e) => [e.operation, e.status])).toEqual([[null, 404]]);
    }
    // the login path alone, under a wrong base path, is 404 too
    const res = await fake.fetch("https://api.dintero.com/v2/accounts/T12345678/customers/login", { method: "POST" });
    expect(res.status).toBe(404);
  });
});

describe("the record of exchanges", () => {
  it("says operation, status, account, client and identity, and never a password, secret or token", async () => {
    const fake = createFakeDintero(options);
    const client = createLoginClient({ accountId: fake.accountId, auth, fetch: fake.fetch });
    const token = await client.login(ada);
    await fail(client.login({ type: "customer", ident_type: "phone_number", ident: "+4790000000", password: "7777" }));
    expect(fake.exchanges).toEqual([
      { operation: "token", method: "POST", accountId: "T87654321", status: 200, clientId: "shop-backend", grant: "client_credentials" },
      {
        operation: "login",
        method: "POST",
        accountId: "T87654321",
        status: 200,
        clientId: "shop-backend",
        identity: { type: "customer", email: "ada@example.com" },
      },
      {
        operation: "login",
        method: "POST",
        accountId: "T87654321",
        status: 403,
        clientId: "shop-backend",
        identity: { type: "customer", ident_type: "phone_number", ident: "+4790000000" },
      },
    ]);
    const text = JSON.stringify(fake.exchanges);
    for (const s of [secret, password, "7777", token.access_token]) expect(text).not.toContain(s);
    fake.reset();
    expect(fake.exchanges).toEqual([]);
  });

  it("leaves out an identity field that holds the submitted password", async () => {
    const fake = createFakeDintero(options);
    const client = createLoginClient({ accountId: fake.accountId, auth, fetch: fake.fetch });
    // The password typed into the email field: a value the spec's email rules accept (its own example), so the request is sent.
    const typed = Object.values(examples)
      .map((e) => e.value.email)
      .find((e) => e !== undefined)!;
    await fail(client.login({ type: "customer", email: typed, password: typed }));
    expect(fake.exchanges.at(-1)?.identity).toEqual({ type: "customer" });
  });
});

describe("scenarios", () => {
  it("rate_limited: 429 with the spec's Retry-After example, or the given one, for `times` answers", async () => {
    const fake = createFakeDintero(options);
    const client = createLoginClient({ accountId: fake.accountId, auth, fetch: fake.fetch });
    fake.scenario("rate_limited");
    const limited = await fail(client.login(ada));
    expect([limited.kind, limited.status, limited.retryAfterSeconds]).toEqual(["rate_limited", 429, 30]);
    fake.scenario("rate_limited", { retryAfterSeconds: 2, times: 1 });
    expect((await fail(client.login(ada))).retryAfterSeconds).toBe(2);
    await client.login(ada); // used up
    expect(fake.scenarios).toEqual([]);
    expect(fake.exchanges.filter((e) => e.scenario === "rate_limited").map((e) => [e.operation, e.status])).toEqual([
      ["login", 429],
      ["login", 429],
    ]);
  });

  it("token_outage: 500 on the token endpoint, then no answer at all (until the client's deadline)", async () => {
    const fake = createFakeDintero(options);
    fake.scenario("token_outage");
    const client = createLoginClient({ accountId: fake.accountId, auth, fetch: fake.fetch, tokenRetry: { maxAttempts: 1 }, timeoutMs: 200 });
    const down = await fail(client.login(ada));
    expect([down.kind, (down.cause as LoginError).kind, (down.cause as LoginError).status]).toEqual(["client_token_failed", "server_error", 500]);
    fake.scenario("token_outage", { answer: "no_answer" });
    // A fresh client: the first one backs off after its failed token request and sends nothing for 1 s.
    const later = () => createLoginClient({ accountId: fake.accountId, auth, fetch: fake.fetch, tokenRetry: { maxAttempts: 1 }, timeoutMs: 200 });
    const silent = await fail(later().login(ada));
    expect([silent.kind, (silent.cause as LoginError).kind]).toEqual(["client_token_failed", "timeout"]);
    expect(fake.exchanges.map((e) => e.status)).toEqual([500, null]);
    fake.scenario("normal");
    await later().login(ada);
  });

  it("slow: answers after delayMs (the client's timeout fires first when it is shorter)", async () => {
    const fake = createFakeDintero(options);
    const client = createLoginClient({ accountId: fake.accountId, auth, fetch: fake.fetch, timeoutMs: 100 });
    await client.login(ada);
    fake.scenario("slow", { delayMs: 1000, operation: "login" });
    expect((await fail(client.login(ada))).kind).toBe("timeout");
    fake.scenario("slow", { delayMs: 10, operation: "login" });
    await client.login(ada);
    expect(fake.exchanges.at(-1)).toMatchObject({ scenario: "slow", status: 200 });
  });

  it("mfa_required: the right credentials get 403 mfa_required with an mfa_token; wrong ones stay forbidden", async () => {
    const fake = createFakeDintero(options);
    const client = createLoginClient({ accountId: fake.accountId, auth, fetch: fake.fetch });
    fake.scenario("mfa_required");
    expect((await fail(client.login({ ...ada, password: "wrong-password" }))).kind).toBe("forbidden");
    const mfa = await fail(client.login(ada));
    expect([mfa.kind, mfa.status, mfa.code]).toEqual(["mfa_required", 403, "mfa_required"]);
    expect(mfa.mfaToken).toMatch(/^mfa_[0-9a-f]{32}$/);
    // the token endpoint documents it (MfaError)
    fake.scenario("mfa_required", { operation: "token" });
    const basic = `Basic ${Buffer.from(`shop-backend:${secret}`).toString("base64")}`;
    const res = await fake.fetch(`https://api.dintero.com/v1/accounts/${fake.accountId}/auth/token`, {
      method: "POST",
      headers: { authorization: basic, "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "client_credentials", audience: fake.audience }),
    });
    expect(res.status).toBe(403);
    expect(validateMfaError(await res.json())).toBe(true);
  });

  it("login_server_error: the login answers 500; the token endpoint is unaffected", async () => {
    const fake = createFakeDintero(options);
    fake.scenario("login_server_error", { times: 1 });
    const client = createLoginClient({ accountId: fake.accountId, auth, fetch: fake.fetch });
    const error = await fail(client.login(ada));
    expect([error.kind, error.status, error.code]).toEqual(["server_error", 500, "INTERNAL_SERVER_ERROR"]);
    await client.login(ada);
    expect(fake.exchanges.map((e) => [e.operation, e.status])).toEqual([
      ["token", 200],
      ["login", 500],
      ["login", 200],
    ]);
  });

  it("revokeClientBearers: the cached bearer is refused 401 with the spec's body only; the client reads the documented 401 as the bearer's refusal", async () => {
    const fake = createFakeDintero(options);
    const client = createLoginClient({ accountId: fake.accountId, auth, fetch: fake.fetch });
    await client.login(ada);
    fake.revokeClientBearers();
    const refused = await fail(client.login(ada));
    expect([refused.kind, refused.status]).toEqual(["bearer_refused", 401]);
    const res = await fake.fetch(`https://api.dintero.com/v1/accounts/${fake.accountId}/customers/login`, {
      method: "POST",
      headers: { authorization: "Bearer not-a-token" },
    });
    expect([res.status, res.headers.get("www-authenticate")]).toEqual([401, 'Bearer realm="dintero"']);
  });

  it("invalid_token_challenge: the revoked bearer's 401 says invalid_token (RFC 6750); the client drops it and the next login gets a new one", async () => {
    const fake = createFakeDintero(options);
    const client = createLoginClient({ accountId: fake.accountId, auth, fetch: fake.fetch });
    await client.login(ada);
    fake.revokeClientBearers();
    fake.scenario("invalid_token_challenge", { times: 1 });
    expect((await fail(client.login(ada))).kind).toBe("bearer_refused");
    await client.login(ada);
    expect(fake.exchanges.map((e) => [e.operation, e.status])).toEqual([
      ["token", 200],
      ["login", 200],
      ["login", 401],
      ["token", 200],
      ["login", 200],
    ]);
  });

  it("refuses unknown scenarios and options, naming them", () => {
    const fake = createFakeDintero();
    expect(() => fake.scenario("down" as never)).toThrow(
      /unknown scenario "down" \(known: normal, rate_limited, token_outage, slow, mfa_required, login_server_error, invalid_token_challenge\)/,
    );
    expect(() => fake.scenario("rate_limited", { retryAfter: 3 } as never)).toThrow(/unknown option "retryAfter"/);
    expect(() => fake.scenario("slow", {} as never)).toThrow(/delayMs is required/);
    expect(() => fake.scenario("rate_limited", { times: 0 })).toThrow(/times must be a whole number of at least 1/);
    expect(fake.scenarios).toEqual([]);
  });
});

describe("options", () => {
  it("are checked, each problem named without its value", () => {
    expect(() => createFakeDintero({ accountId: "X1" })).toThrow(/accountId must match/);
    expect(() => createFakeDintero({ clients: [] })).toThrow(/clients must be a non-empty array/);
    expect(() => createFakeDintero({ users: [{ type: "customer", password: "1234" }] })).toThrow(/users\[0\] needs an email or a phone/);
    expect(() => createFakeDintero({ users: [{ type: "customer", email: "a@example.com", password: "pw7" }] })).toThrow(
      /users\[0\] cannot log in under the spec's rules \(password must NOT have fewer than 4 characters\)/,
    );
    expect(() => createFakeDintero({ clients: [{ clientId: "a:b", clientSecret: "x-secret-y" }] })).toThrow(/clientId must be a non-empty string without ":"/);
    expect(() => createFakeDintero({ user: [] } as never)).toThrow(/unknown key "user"/);
    try {
      createFakeDintero({ users: [{ type: "robot" as never, email: "a@example.com", password: "hidden-password-77" }] });
      expect.unreachable();
    } catch (e) {
      expect(String(e)).toMatch(/users\[0\] cannot log in/);
      expect(String(e)).not.toContain("hidden-password-77");
    }
  });
});

describe("hostile requests", () => {
  it("are answered with a documented refusal, echo nothing and leave the server up", async () => {
    running = await startFakeDintero(options);
    const client = createLoginClient({ accountId: running.accountId, auth, baseUrl: running.url });
    await client.login(ada);
    const basic = `Basic ${Buffer.from(`shop-backend:${secret}`).toString("base64")}`;
    const token = `${running.url}/accounts/${running.accountId}/auth/token`;
    const loginUrl = `${running.url}/accounts/${running.accountId}/customers/login`;
    const bearer = (await await fetch(token, {
      method: "POST",
      headers: { authorization: basic, "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "client_credentials", audience: running.audience }),
    }).then((r) => r.json())) as { access_token: string };
    const json = { "content-type": "application/json" };
    const asBearer = { ...json, authorization: `Bearer ${bearer.access_token}` };
    const marker = "leak-marker-7c1e";
    const cases: Array<[string, string, RequestInit, number]> = [
      ["a body over 1 MiB", loginUrl, { method: "POST", headers: asBearer, body: JSON.stringify({ ...ada, email: marker.repeat(70_000) }) }, 400],
      ["a JSON array", loginUrl, { method: "POST", headers: asBearer, body: `["${marker}"]` }, 400],
      ["JSON null", loginUrl, { method: "POST", headers: asBearer, body: "null" }, 400],
      ["JSON nested 10,000 deep", loginUrl, { method: "POST", headers: asBearer, body: `${"[".repeat(10_000)}${"]".repeat(10_000)}` }, 400],
      ["an email that is an object", loginUrl, { method: "POST", headers: asBearer, body: JSON.stringify({ ...ada, email: { $ne: marker } }) }, 400],
      [
        "a password with a lone surrogate",
        loginUrl,
        {
          method: "POST",
          headers: asBearer,
          body: `{"type":"customer","email":"ada@example.com","audience":"${running.audience}","password":"${marker}\\ud800"}`,
        },
        403,
      ],
      [
        "__proto__ in the body",
        loginUrl,
        {
          method: "POST",
          headers: asBearer,
          body: `{"__proto__":{"type":"customer"},"email":"ada@example.com","password":"${marker}","audience":"${running.audience}"}`,
        },
        400,
      ],
      [
        "Basic without a colon",
        token,
        { method: "POST", headers: { ...json, authorization: `Basic ${Buffer.from(marker).toString("base64")}` }, body: "{}" },
        401,
      ],
      ["Basic that is not base64", token, { method: "POST", headers: { ...json, authorization: `Basic ${marker}!!` }, body: "{}" }, 401],
      ["a bearer of 3 dots", loginUrl, { method: "POST", headers: { ...json, authorization: "Bearer ..." }, body: JSON.stringify(ada) }, 401],
      [
        "a path id that is not percent-decodable",
        `${running.url}/accounts/%ZZ/customers/login`,
        { method: "POST", headers: asBearer, body: JSON.stringify(ada) },
        400,
      ],
      ["HEAD on the login", loginUrl, { method: "HEAD" }, 405],
    ];
    for (const [what, url, init, status] of cases) {
      const res = await fetch(url, init);
      const text = await res.text();
      expect([what, res.status]).toEqual([what, status]);
      expect(text, what).not.toContain(marker);
      expect(text, what).not.toContain(password);
    }
    expect(JSON.stringify(running.exchanges)).not.toContain(password);
    await client.login(ada); // still up
  });
});

describe("startFakeDintero", () => {
  it("serves the same fake on 127.0.0.1; `url` ends in /v1 and is the client's baseUrl", async () => {
    running = await startFakeDintero(options);
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const client = createLoginClient({ accountId: running.accountId, auth, baseUrl: running.url });
    await client.login(ada);
    running.scenario("rate_limited", { times: 1 });
    const limited = await fail(client.login(ada));
    expect([limited.kind, limited.retryAfterSeconds]).toEqual(["rate_limited", 30]);
    expect(running.exchanges.map((e) => e.status)).toEqual([200, 200, 429]);
  });

  it("close() ends requests left unanswered, and frees the port", async () => {
    running = await startFakeDintero(options);
    running.scenario("token_outage", { answer: "no_answer" });
    const client = createLoginClient({ accountId: running.accountId, auth, baseUrl: running.url, tokenRetry: { maxAttempts: 1 } });
    const pending = fail(client.login(ada));
    while (running.exchanges.length === 0) await new Promise((r) => setTimeout(r, 5));
    await running.close();
    const error = await pending;
    expect([error.kind, (error.cause as LoginError).kind]).toEqual(["client_token_failed", "network"]);
    const after = await fail(createLoginClient({ accountId: running.accountId, auth, baseUrl: running.url, tokenRetry: { maxAttempts: 1 } }).login(ada));
    expect((after.cause as LoginError).kind).toBe("network");
  });
});
