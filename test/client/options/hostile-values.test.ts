// Values plain JavaScript can pass that fight back (throwing getters, revoked Proxies, Symbol names,
// fake signals, prototype toJSON, a hanging accessToken function, odd options): only LoginError, over real HTTP.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { createLoginClient, LoginError, type LoginClientOptions, type LoginCredentials } from "../../../src/index.ts";
import type { LoginServer } from "../../helpers/login-server.ts";
import { accountId, clientAuth, email, useClientFixture } from "../../helpers/client-fixture.ts";

let server: LoginServer;
const client = useClientFixture((s) => (server = s));

/** What `run` threw or rejected with; it must be a LoginError. */
async function caught(run: () => unknown): Promise<LoginError> {
  let error: unknown = "nothing thrown";
  try {
    await run();
  } catch (e) {
    error = e;
  }
  let shown: string;
  try {
    shown = String(error);
  } catch {
    shown = "(unprintable)";
  }
  expect(error instanceof LoginError, `expected a LoginError, got ${shown}`).toBe(true);
  return error as LoginError;
}

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}
function errorWith(field: "cause" | "name", descriptor: PropertyDescriptor): Error {
  return Object.defineProperty(new Error("fake-secret-in-message"), field, descriptor);
}
/** Thrown values that throw again when read. */
const hostileThrown: [string, () => unknown][] = [
  [
    "an Error with a throwing cause getter",
    () =>
      errorWith("cause", {
        get: () => {
          throw 42;
        },
      }),
  ],
  ["a revoked Proxy", revokedProxy],
  [
    "an Error with a throwing name getter",
    () =>
      errorWith("name", {
        get: () => {
          throw "nm";
        },
      }),
  ],
  ["an Error with a Symbol name", () => errorWith("name", { value: Symbol("s") })],
  [
    "a Proxy whose every trap throws",
    () =>
      new Proxy(new Error("x"), {
        get: () => {
          throw 1;
        },
        getPrototypeOf: () => {
          throw 2;
        },
        has: () => {
          throw 3;
        },
      }),
  ],
];

describe("2. only LoginError for hostile thrown values", () => {
  for (const [name, make] of hostileThrown) {
    it(`createLoginClient: an option getter throwing ${name} -> invalid_request`, async () => {
      const options = {
        get accountId(): string {
          throw make();
        },
        auth: { accessToken: "provided-bearer" },
      };
      const error = await caught(() => createLoginClient(options as LoginClientOptions));
      expect(error.kind).toBe("invalid_request");
    });

    it(`login: a custom fetch throwing ${name} -> network, message not quoted`, async () => {
      const error = await caught(() =>
        client({
          fetch: () => {
            throw make();
          },
        }).login(email),
      );
      expect(error.kind).toBe("network");
      expect(inspect(error, { depth: Infinity })).not.toContain("fake-secret-in-message");
    });

    it(`login: an accessToken function throwing ${name} -> client_token_failed`, async () => {
      const error = await caught(() =>
        client({
          auth: {
            accessToken: () => {
              throw make();
            },
          },
        }).login(email),
      );
      expect(error.kind).toBe("client_token_failed");
    });

    it(`login: credentials whose getter throws ${name} -> invalid_request, nothing sent`, async () => {
      const credentials = {
        type: "customer",
        email: "a@example.com",
        get password(): string {
          throw make();
        },
      };
      const error = await caught(() => client().login(credentials as unknown as LoginCredentials));
      expect(error.kind).toBe("invalid_request");
      expect(server.requests).toHaveLength(0);
    });
  }

  it("the whole options object as a revoked Proxy, and credentials as one", async () => {
    expect((await caught(() => createLoginClient(revokedProxy() as LoginClientOptions))).kind).toBe("invalid_request");
    expect((await caught(() => client().login(revokedProxy() as LoginCredentials))).kind).toBe("invalid_request");
    expect((await caught(() => client().login(email, revokedProxy() as never))).kind).toBe("invalid_request");
  });
});

describe("3. the accessToken function's error is not kept raw", () => {
  it("an Error quoting the token -> client_token_failed whose cause holds only the name", async () => {
    const token = "fake-token-in-the-error-Qw93";
    const failing = () => Promise.reject(Object.assign(new TypeError(`refresh failed for ${token}`), { cause: new Error(token) }));
    const error = await caught(() => client({ auth: { accessToken: failing } }).login(email));
    expect(error.kind).toBe("client_token_failed");
    // The name of the error (or of its cause, which is preferred), never its text.
    expect((error.cause as Error).name).toBe("Error");
    expect((error.cause as Error).message).toBe("Error");
    for (const text of [inspect(error, { depth: Infinity }), inspect(error.cause, { depth: Infinity }), String((error.cause as Error).stack)]) {
      expect(text).not.toContain("fake-token-in");
    }
  });
});

describe("3b. a thrown value's code is kept only when it is a system or Node code", () => {
  it.each([
    ["a secret-looking upper-case code", "S3CR3TVALUE9876", undefined],
    ["a PIN as a code", "4711", undefined],
    ["ECONNREFUSED", "ECONNREFUSED", "ECONNREFUSED"],
    ["UND_ERR_SOCKET", "UND_ERR_SOCKET", "UND_ERR_SOCKET"],
  ])("%s", async (_name, code, kept) => {
    const failing = () => Promise.reject(Object.assign(new Error("x"), { code }));
    const error = await caught(() => client({ auth: { accessToken: failing } }).login(email));
    expect(error.kind).toBe("client_token_failed");
    const text = [error.message, inspect(error, { depth: Infinity }), JSON.stringify(error), (error.cause as Error).message].join("\n");
    if (kept) expect((error.cause as Error).message).toBe(kept);
    else expect(text).not.toContain(code);
  });
});

describe("5. the login's options: undefined, null or { signal } with a real AbortSignal", () => {
  const refused: [string, unknown][] = [
    ["an EventTarget as signal", { signal: new EventTarget() }],
    ["a look-alike with addEventListener", { signal: { aborted: false, addEventListener() {}, removeEventListener() {} } }],
    [
      "a look-alike whose aborted getter throws",
      {
        signal: {
          get aborted(): boolean {
            throw new Error("x");
          },
          addEventListener() {},
          removeEventListener() {},
        },
      },
    ],
    [
      "a Proxy around a real AbortSignal whose get trap throws",
      {
        signal: new Proxy(new AbortController().signal, {
          get: () => {
            throw new Error("x");
          },
        }),
      },
    ],
    ["options = 5", 5],
    ["options = 'str'", "str"],
    ["an unknown option (a typo)", { singal: new AbortController().signal }],
  ];
  for (const [name, options] of refused) {
    it(`refuses ${name}: invalid_request, nothing sent`, async () => {
      const error = await caught(() => client().login(email, options as never));
      expect(error.kind).toBe("invalid_request");
      expect(server.requests).toHaveLength(0);
    });
  }

  it("accepts undefined, null, {} and a real signal", async () => {
    for (const options of [undefined, null, {}, { signal: new AbortController().signal }, { signal: undefined }]) {
      await expect(client().login(email, options as never)).resolves.toMatchObject({ token_type: "Bearer" });
    }
  });
});

describe("6. credentials are serialised once, as JSON.stringify would", () => {
  it("a toJSON on the prototype decides what is sent, and that is what is validated", async () => {
    class Credentials {
      constructor(readonly secret: string) {}
      toJSON() {
        return { type: "customer", email: "a@example.com", password: this.secret };
      }
    }
    await client().login(new Credentials("fake-password-3") as unknown as LoginCredentials);
    expect(server.loginRequests()[0]?.json).toEqual({ ...email, password: "fake-password-3", audience: `https://api.dintero.com/v1/accounts/${accountId}` });
  });

  it("a prototype toJSON that makes the body invalid is refused, nothing sent", async () => {
    class Credentials {
      toJSON() {
        return { type: "customer", email: "a@example.com", password: "ab" };
      }
    }
    const good = Object.assign(new Credentials(), email);
    expect((await caught(() => client().login(good as unknown as LoginCredentials))).kind).toBe("invalid_request");
    expect(server.requests).toHaveLength(0);
  });
});

describe("7. the accessToken function is inside the deadline", () => {
  it("a function that never resolves -> timeout after timeoutMs; the caller's AbortSignal.timeout -> timeout too", async () => {
    const never = () => new Promise<string>(() => undefined);
    const started = performance.now();
    const error = await caught(() => client({ auth: { accessToken: never }, timeoutMs: 200 }).login(email));
    expect(error.kind).toBe("timeout");
    expect(performance.now() - started).toBeLessThan(5000);
    const aborted = await caught(() => client({ auth: { accessToken: never } }).login(email, { signal: AbortSignal.timeout(100) }));
    expect(aborted.kind).toBe("timeout");
    expect(server.requests).toHaveLength(0);
  });
});

describe("8. options accepted without complaint before are refused", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["validateResponses 'false'", { validateResponses: "false" }, "/validateResponses"],
    ["validateResponses 0", { validateResponses: 0 }, "/validateResponses"],
    ["allowRefreshTokenInBrowser 'yes'", { allowRefreshTokenInBrowser: "yes" }, "/allowRefreshTokenInBrowser"],
    ["tokenRetry 'abc'", { tokenRetry: "abc" }, "/tokenRetry"],
    ["tokenRetry [5]", { tokenRetry: [5] }, "/tokenRetry"],
    ["tokenRetry with an unknown key", { tokenRetry: { retries: 2 } }, "/tokenRetry/retries"],
    ["an unknown option (timeout for timeoutMs)", { timeout: 5 }, "/timeout"],
    ["auth with both accessToken and client credentials", { auth: { accessToken: "provided-bearer", ...clientAuth } }, "/auth"],
    ["a clientId with ':' (RFC 7617)", { auth: { clientId: "a:b", clientSecret: "fake-client-secret-for-tests" } }, "/auth/clientId"],
    ["a clientSecret with a lone surrogate", { auth: { clientId: "a", clientSecret: "fake-secret\ud800tail" } }, "/auth/clientSecret"],
    ["a clientId with a lone surrogate", { auth: { clientId: "a\udc00", clientSecret: "fake-client-secret-for-tests" } }, "/auth/clientId"],
    ["an unknown auth key", { auth: { clientId: "a", client_secret: "fake-client-secret-for-tests" } }, "/auth/client_secret"],
  ];
  for (const [name, options, pointer] of cases) {
    it(`refuses ${name} at ${pointer}, without echoing a secret`, async () => {
      const error = await caught(() => createLoginClient({ accountId, auth: clientAuth, baseUrl: server.baseUrl, ...options } as LoginClientOptions));
      expect(error.kind).toBe("invalid_request");
      expect(error.details?.map((d) => d.pointer)).toContain(pointer);
      expect(inspect(error, { depth: Infinity })).not.toContain("fake-client-secret");
      expect(inspect(error, { depth: Infinity })).not.toContain("fake-secret");
    });
  }
});
