// Only LoginError, and what is validated is what is sent: URL objects, toJSON, odd login options, custom
// fetch and accessToken functions that misbehave.
import { describe, expect, it } from "vitest";
import { createLoginClient, type LoginClientOptions, type LoginCredentials } from "../../../src/index.ts";
import { errorBody, sendJson, type LoginServer } from "../../helpers/login-server.ts";
import { rejection } from "../../helpers/login-error.ts";
import { accountId, clientAuth, email, useClientFixture } from "../../helpers/client-fixture.ts";

let server: LoginServer;
const client = useClientFixture((s) => (server = s));

describe("1. only LoginError, and what is validated is what is sent", () => {
  const badOptions: [string, unknown][] = [
    ["null", null],
    ["undefined", undefined],
    ["a string", "T12345678"],
    [
      "a getter that throws",
      {
        accountId,
        get auth(): never {
          throw new Error("boom fake-client-secret-for-tests");
        },
      },
    ],
    [
      "a Proxy whose every read throws",
      new Proxy(
        {},
        {
          get() {
            throw new TypeError("trap");
          },
        },
      ),
    ],
    [
      "a baseUrl object whose toString throws",
      {
        accountId,
        auth: clientAuth,
        baseUrl: {
          toString() {
            throw new Error("x");
          },
        },
      },
    ],
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
    [
      "a getter that throws",
      () => ({
        ...email,
        get password(): string {
          throw new Error("fake-password-1");
        },
      }),
      "",
    ],
    [
      "a toJSON that throws",
      () => ({
        ...email,
        toJSON() {
          throw new Error("fake-password-1");
        },
      }),
      "",
    ],
    ["a toJSON that swaps in a 3-character password", () => ({ ...email, toJSON: () => ({ ...email, password: "abc" }) }), "/password"],
    ["a toJSON that drops the password", () => ({ ...email, toJSON: () => ({ type: "customer", email: "a@example.com" }) }), "/password"],
    ["a function", () => () => email, ""],
    [
      "a Proxy that throws on ownKeys",
      () =>
        new Proxy(
          { ...email },
          {
            ownKeys() {
              throw new Error("trap");
            },
          },
        ),
      "",
    ],
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
    expect((server.loginRequests()[0]?.json as { password: string } | undefined)?.password).toBe("fake-🔑-password");
  });

  it("login options that are not an AbortSignal are refused", async () => {
    for (const options of [
      { signal: {} },
      { signal: "abort" },
      {
        get signal(): never {
          throw new Error("x");
        },
      },
    ]) {
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
