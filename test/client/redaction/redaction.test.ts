// For every LoginError kind, serialise the error every way a caller might log it and search the
// output for the password, PIN, client secret and every token used, including servers that echo them.
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLoginClient, LoginError, loginErrorKinds, type LoginClientOptions, type LoginCredentials, type LoginErrorKind } from "../../../src/index.ts";
import { delay, errorBody, sendJson, sendRaw, startLoginServer, type LoginServer, type RecordedRequest } from "../../helpers/login-server.ts";

const accountId = "T12345678";
const password = "fake-pw-Zq81-secret"; // no 8-letter word of the message ("password", "customer"): those would be redacted too
const pin = "90210";
const clientId = "redaction-client";
const clientSecret = "fake-client-secret-Wm42";
const basic = Buffer.from(`${clientId}:${clientSecret}`).toString("base64");
const bearer = "fake-client-bearer-Kp77";
const providedBearer = "provided-bearer-Jx55";
const customerAccess = "fake-cust-access-Yt13";
const refreshToken = "fake-refresh-token-Hv29";
const mfaToken = "fake-mfa-token-Rb66";
const oobCode = "oob-Tn35-Xr52-Pm08";
const bindingCode = "Gu17-binding-Kw93";
const secrets = { password, pin, clientSecret, basic, bearer, providedBearer, customerAccess, refreshToken, mfaToken, oobCode, bindingCode };

let server: LoginServer;
beforeAll(async () => {
  server = await startLoginServer();
});
afterAll(async () => {
  await server.close();
});

const withPassword = { type: "customer", email: "a@example.com", password } as const;
const withPin = { type: "customer", ident_type: "phone_number", ident: "+4799999999", password: pin } as const;

function clientCredentials(options: Partial<LoginClientOptions> = {}) {
  server.token = (_req, res) => sendJson(res, 200, { access_token: bearer, token_type: "Bearer", expires_in: 3600 });
  return createLoginClient({ accountId, auth: { clientId, clientSecret }, baseUrl: server.baseUrl, tokenRetry: { baseDelayMs: 1 }, ...options });
}

/**
 * A server that echoes back everything it received (body, Authorization) and everything in its
 * own response (tokens), in its error message, its request id, and raw and JSON-escaped forms.
 */
function echoed(req: RecordedRequest): string {
  return `got ${req.body} with ${req.headers.authorization ?? ""} ${JSON.stringify(req.body)}`;
}
function echo(status: number, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): LoginServer["login"] {
  return (req, res) => {
    const text = `${echoed(req)} tokens ${customerAccess} ${refreshToken} ${mfaToken}`;
    sendJson(
      res,
      status,
      errorBody("ECHO", `server echoes: ${text}`, { access_token: customerAccess, refresh_token: refreshToken, mfa_token: mfaToken, ...extra }),
      {
        "request-id": `rid ${echoed(req)}`,
        ...headers,
      },
    );
  };
}

/** One scenario per kind (some kinds twice), each producing the error from a real exchange. */
/** A signal its caller aborts (a cancel, not a deadline) after `ms`. */
function abortAfter(ms: number): AbortSignal {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), ms);
  return controller.signal;
}

const scenarios: { kind: LoginErrorKind; name: string; run: () => Promise<unknown> }[] = [
  {
    kind: "invalid_request",
    name: "password too long with a bad type",
    run: () => clientCredentials().login({ ...withPassword, type: "admin", password: `${password}${"x".repeat(300)}` } as unknown as LoginCredentials),
  },
  {
    kind: "invalid_request",
    name: "PIN with a bad ident_type",
    run: () => clientCredentials().login({ ...withPin, ident_type: pin } as unknown as LoginCredentials),
  },
  { kind: "bad_request", name: "400 echoing everything", run: () => ((server.login = echo(400)), clientCredentials().login(withPassword)) },
  { kind: "bearer_refused", name: "401 echoing everything (PIN login)", run: () => ((server.login = echo(401)), clientCredentials().login(withPin)) },
  {
    kind: "unauthorized",
    name: "401 invalid_grant challenge echoing everything (PIN login)",
    run: () => ((server.login = echo(401, {}, { "www-authenticate": 'Bearer error="invalid_grant"' })), clientCredentials().login(withPin)),
  },
  { kind: "forbidden", name: "403 echoing everything", run: () => ((server.login = echo(403)), clientCredentials().login(withPassword)) },
  {
    kind: "bearer_refused",
    name: "401 invalid_token challenge echoing everything",
    run: () => ((server.login = echo(401, {}, { "www-authenticate": 'Bearer error="invalid_token"' })), clientCredentials().login(withPassword)),
  },
  {
    kind: "mfa_required",
    name: "403 mfa_required with an mfa_token",
    run: () => (
      (server.login = (_req, res) =>
        sendJson(res, 403, { error: { code: "mfa_required", message: `mfa ${mfaToken} for ${echoed(_req)}` }, mfa_token: mfaToken })),
      clientCredentials().login(withPassword)
    ),
  },
  {
    kind: "rate_limited",
    name: "429 echoing everything",
    run: () => ((server.login = echo(429, {}, { "retry-after": "3" })), clientCredentials().login(withPassword)),
  },
  { kind: "server_error", name: "500 echoing everything", run: () => ((server.login = echo(500)), clientCredentials().login(withPassword)) },
  {
    kind: "server_error",
    name: "502 HTML page quoting everything",
    run: () => (
      (server.login = (_req, res) => sendRaw(res, 502, `<html>${echoed(_req)}</html>`, { "content-type": "text/html" })),
      clientCredentials().login(withPassword)
    ),
  },
  {
    kind: "timeout",
    name: "a slow login",
    run: () => (
      (server.login = async (_req, res) => {
        await delay(500);
        sendJson(res, 200, {});
      }),
      clientCredentials({ timeoutMs: 80 }).login(withPassword)
    ),
  },
  {
    kind: "aborted",
    name: "the caller aborts",
    run: () => (
      (server.login = async (_req, res) => {
        await delay(500);
        sendJson(res, 200, {});
      }),
      clientCredentials().login(withPassword, { signal: abortAfter(50) })
    ),
  },
  {
    kind: "timeout",
    name: "the caller's AbortSignal.timeout passes",
    run: () => (
      (server.login = async (_req, res) => {
        await delay(500);
        sendJson(res, 200, {});
      }),
      clientCredentials().login(withPassword, { signal: AbortSignal.timeout(50) })
    ),
  },
  {
    kind: "network",
    name: "connection dropped mid-body",
    run: () => (
      (server.login = (_req, res) => {
        res.writeHead(200, { "content-length": "900" });
        res.write(`{"access_token":"${customerAccess}","refresh_token":"${refreshToken}`);
        setTimeout(() => res.socket?.destroy(), 20);
      }),
      clientCredentials().login(withPassword)
    ),
  },
  {
    kind: "contract_violation",
    name: "truncated JSON with tokens",
    run: () => (
      (server.login = (_req, res) =>
        sendRaw(res, 200, `{"access_token":"${customerAccess}","refresh_token":"${refreshToken}","pw":"${password}`, { "content-type": "application/json" })),
      clientCredentials().login(withPassword)
    ),
  },
  {
    kind: "contract_violation",
    name: "schema-invalid tokens",
    run: () => (
      (server.login = (_req, res) =>
        sendJson(res, 200, { access_token: customerAccess, refresh_token: refreshToken, token_type: bearer, expires_in: password })),
      clientCredentials().login(withPassword)
    ),
  },
  {
    kind: "contract_violation",
    name: "400 whose error body is not the spec's",
    run: () => ((server.login = (_req, res) => sendJson(res, 400, { error: echoed(_req) })), clientCredentials().login(withPassword)),
  },
  {
    kind: "client_token_failed",
    name: "token endpoint 401 echoing everything",
    run: () => {
      const c = clientCredentials();
      server.token = (req, res) => sendJson(res, 401, errorBody("ECHO", `echo ${echoed(req)}`), { "request-id": echoed(req) });
      return c.login(withPassword);
    },
  },
  {
    kind: "client_token_failed",
    name: "token endpoint returns a token without expires_in",
    run: () => {
      const c = clientCredentials();
      server.token = (_req, res) => sendJson(res, 200, { access_token: bearer, token_type: "Bearer" });
      return c.login(withPassword);
    },
  },
  {
    kind: "bearer_refused",
    name: "provided bearer rejected, echoed",
    run: () => {
      server.login = echo(401);
      return createLoginClient({ accountId, auth: { accessToken: providedBearer }, baseUrl: server.baseUrl }).login(withPassword);
    },
  },
  {
    kind: "refresh_token_invalid",
    name: "403 to the refresh grant, echoing everything",
    run: () => {
      const client = clientCredentials();
      server.token = grantsEcho(403);
      return client.refresh(refreshToken);
    },
  },
  {
    kind: "mfa_token_invalid",
    name: "403 to the MFA challenge, echoing everything",
    run: async () => {
      const first = await mfaStart();
      server.other = echo(403);
      return first.challenge({ channel: "sms" });
    },
  },
  {
    kind: "mfa_code_invalid",
    name: "403 to the MFA grant, echoing everything (oob_code and binding code too)",
    run: async () => {
      const first = await mfaStart();
      server.other = (_req, res) => sendJson(res, 200, { challenge_type: "oob", binding_method: "prompt", oob_code: oobCode });
      const second = await first.challenge({ channel: "email" });
      server.token = grantsEcho(403);
      return second.complete(bindingCode);
    },
  },
];

/** The token endpoint: the client's bearer for client credentials, `echo(status)` for any other grant. */
function grantsEcho(status: number): LoginServer["token"] {
  return (req, res) =>
    (req.json as { grant_type?: string } | undefined)?.grant_type === "client_credentials"
      ? sendJson(res, 200, { access_token: bearer, token_type: "Bearer", expires_in: 3600 })
      : echo(status)(req, res);
}

/** A login answered 403 mfa_required with `mfaToken`, and the first MFA step it leads to. */
async function mfaStart() {
  const client = clientCredentials();
  server.login = (_req, res) => sendJson(res, 403, errorBody("mfa_required", "MFA is required", { mfa_token: mfaToken }));
  const error = await client.login(withPassword).catch((e: unknown) => e as LoginError);
  if (!(error instanceof LoginError)) throw new Error("expected mfa_required");
  return client.mfa(error);
}

/** Every way the issue lists to turn an error into text, for the error and its cause chain. */
function renderings(error: LoginError): Record<string, string> {
  const out: Record<string, string> = {
    message: error.message,
    details: JSON.stringify(error.details ?? null),
    stack: error.stack ?? "",
    toString: error.toString(),
    String: String(error),
    template: `${error}`,
    JSON: JSON.stringify(error),
    JSONwrapped: JSON.stringify({ error }),
    inspect: inspect(error),
    inspectDeep: inspect(error, { depth: Infinity }),
    inspectWrapped: inspect({ error }, { depth: Infinity }),
    keys: JSON.stringify(Object.fromEntries(Object.entries(error))),
  };
  if (error.cause instanceof LoginError) {
    for (const [how, text] of Object.entries(renderings(error.cause))) out[`cause.${how}`] = text;
  }
  return out;
}

describe("no secret in any rendering of any error kind", () => {
  it("covers every kind", () => {
    expect(new Set(scenarios.map((s) => s.kind))).toEqual(new Set(loginErrorKinds));
  });

  for (const scenario of scenarios) {
    it(`${scenario.kind}: ${scenario.name}`, async () => {
      const error = await scenario.run().then(
        () => {
          throw new Error("expected a rejection");
        },
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(LoginError);
      expect((error as LoginError).kind).toBe(scenario.kind);
      for (const [how, text] of Object.entries(renderings(error as LoginError))) {
        for (const [name, secret] of Object.entries(secrets)) {
          expect(text.includes(secret), `${name} leaked via ${how}: ${text}`).toBe(false);
        }
      }
    });
  }

  it("redacts the secrets but keeps the rest of an echoing server's message", async () => {
    server.login = echo(400);
    const error = (await clientCredentials()
      .login(withPassword)
      .catch((e: unknown) => e)) as LoginError;
    expect(error.message).toContain('"password":"[REDACTED]"');
    expect(error.message).toContain("with Bearer [REDACTED]");
    expect(error.requestId).toContain('"email":"a@example.com"');
  });

  it("still hands the mfa_token to code that asks for it", async () => {
    server.login = (_req, res) => sendJson(res, 403, { error: { code: "mfa_required", message: "mfa" }, mfa_token: mfaToken });
    const error = (await clientCredentials()
      .login(withPassword)
      .catch((e: unknown) => e)) as LoginError;
    expect(error.mfaToken).toBe(mfaToken);
  });
});
