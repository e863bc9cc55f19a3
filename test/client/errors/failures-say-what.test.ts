// Failures say what to do: client_token_failed names its inner kind, network errors name the host
// and the system error, and an undocumented 404 names what was asked for.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLoginClient, type LoginError, type LoginClientOptions } from "../../../src/index.ts";
import { delay, errorBody, sendJson, startLoginServer, type LoginServer } from "../../helpers/login-server.ts";
import { loginError as rejection } from "../../helpers/login-error.ts";

const accountId = "T12345678";
const auth = { clientId: "test-client-id", clientSecret: "fake-client-secret-for-tests" };
const email = { type: "customer", email: "a@example.com", password: "fake-password-1" } as const;
const secrets = [auth.clientSecret, email.password];

let server: LoginServer;
beforeEach(async () => {
  server = await startLoginServer();
});
afterEach(async () => {
  await server.close();
});

/** The LoginError, checked to hold none of the test's secrets. */
async function loginError(promise: Promise<unknown>): Promise<LoginError> {
  const error = await rejection(promise);
  const json = JSON.stringify(error);
  for (const secret of secrets) expect(`${error.message} ${json}`).not.toContain(secret);
  return error;
}

const client = (options: Partial<LoginClientOptions> = {}) =>
  createLoginClient({ accountId, auth, baseUrl: server.baseUrl, tokenRetry: { maxAttempts: 1 }, ...options });

describe("client_token_failed names the inner failure's kind (causeKind)", () => {
  const cases: { causeKind: string; options?: Partial<LoginClientOptions>; token: LoginServer["token"] }[] = [
    { causeKind: "unauthorized", token: (_req, res) => sendJson(res, 401, errorBody("UNAUTHORIZED", "bad client credentials")) },
    { causeKind: "forbidden", token: (_req, res) => sendJson(res, 403, errorBody("FORBIDDEN", "no grant")) },
    { causeKind: "rate_limited", token: (_req, res) => sendJson(res, 429, errorBody("TOO_MANY", "slow down"), { "retry-after": "0" }) },
    { causeKind: "server_error", token: (_req, res) => sendJson(res, 503, errorBody("UNAVAILABLE", "later")) },
    { causeKind: "network", token: (_req, res) => void res.socket?.destroy() },
    { causeKind: "timeout", options: { timeoutMs: 100 }, token: async (_req, res) => (await delay(400), sendJson(res, 200, server.issueToken())) },
    { causeKind: "contract_violation", token: (_req, res) => sendJson(res, 200, { access_token: "a-bearer", token_type: "Bearer", expires_in: 0 }) },
  ];
  for (const c of cases) {
    it(c.causeKind, async () => {
      server.token = c.token;
      const error = await loginError(client(c.options).login(email));
      expect(error.kind).toBe("client_token_failed");
      expect(error.causeKind).toBe(c.causeKind);
      expect((error.cause as LoginError).kind).toBe(c.causeKind);
      expect(error.toJSON()).toMatchObject({ causeKind: c.causeKind });
    });
  }

  it("invalid_request for an accessToken function that returns no usable bearer; absent when it throws", async () => {
    const returnsJunk = await loginError(client({ auth: { accessToken: () => "not a bearer" } }).login(email));
    expect(returnsJunk.causeKind).toBe("invalid_request");
    const throws = await loginError(client({ auth: { accessToken: () => Promise.reject(new Error("vault down")) } }).login(email));
    expect(throws.kind).toBe("client_token_failed");
    expect(throws.causeKind).toBeUndefined();
  });
});

describe("network errors name the host and the system error", () => {
  async function closedPort(): Promise<number> {
    const probe = createHttpServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return port;
  }

  it("ECONNREFUSED on the login, with a provided bearer", async () => {
    const port = await closedPort();
    const error = await loginError(client({ baseUrl: `http://127.0.0.1:${port}/v1`, auth: { accessToken: "provided-bearer" } }).login(email));
    expect(error.kind).toBe("network");
    expect(error.message).toBe(`login failed: network error reaching 127.0.0.1:${port} (ECONNREFUSED: connection refused: nothing listens there)`);
    expect((error.cause as { code?: string }).code).toBe("ECONNREFUSED");
  });

  it("ECONNREFUSED on the token request: client_token_failed, causeKind network, naming the host", async () => {
    const port = await closedPort();
    const error = await loginError(client({ baseUrl: `http://127.0.0.1:${port}/v1` }).login(email));
    expect(error.kind).toBe("client_token_failed");
    expect(error.causeKind).toBe("network");
    expect(error.message).toContain(`client token request failed: network error reaching 127.0.0.1:${port} (ECONNREFUSED`);
  });

  it("a certificate the platform does not trust (a self-signed one, from openssl)", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "login-kit-tls-"));
    let https: Server | undefined;
    try {
      const args = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"];
      await promisify(execFile)("openssl", [...args, "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")]);
      const [key, cert] = await Promise.all([readFile(path.join(dir, "key.pem")), readFile(path.join(dir, "cert.pem"))]);
      https = createHttpsServer({ key, cert }, (_req, res) => res.end("{}"));
      await new Promise<void>((resolve) => https!.listen(0, "127.0.0.1", resolve));
      const { port } = https.address() as AddressInfo;
      const error = await loginError(client({ baseUrl: `https://127.0.0.1:${port}/v1`, auth: { accessToken: "provided-bearer" } }).login(email));
      expect(error.kind).toBe("network");
      expect(error.message).toMatch(
        new RegExp(
          `^login failed: network error reaching 127\\.0\\.0\\.1:${port} \\((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE): the server's TLS certificate was not accepted\\)$`,
        ),
      );
    } finally {
      if (https) await new Promise<void>((resolve) => https!.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("ENOTFOUND, as undici reports it, from a fetch option (no DNS query leaves the machine)", async () => {
    const fetch = async () => {
      throw new TypeError("fetch failed", { cause: Object.assign(new Error("getaddrinfo ENOTFOUND api.dintero.invalid"), { code: "ENOTFOUND" }) });
    };
    const error = await loginError(client({ baseUrl: "https://api.dintero.invalid/v1", auth: { accessToken: "provided-bearer" }, fetch }).login(email));
    expect(error.message).toBe("login failed: network error reaching api.dintero.invalid (ENOTFOUND: host name not found)");
  });

  it("a code that is not a system code is not repeated (a caller's fetch may put anything there)", async () => {
    const fetch = async () => {
      throw Object.assign(new Error(`failed with ${email.password}`), { code: email.password.toUpperCase() });
    };
    const error = await loginError(client({ auth: { accessToken: "provided-bearer" }, fetch }).login(email));
    expect(error.message).toBe(`login failed: network error reaching ${new URL(server.baseUrl).host} (Error)`);
    expect(error.message).not.toContain(email.password.toUpperCase());
  });
});

describe("an undocumented 404 names what was asked for", () => {
  beforeEach(() => {
    // Dintero's paths are under /v1: anything else is not found.
    const notFound: LoginServer["login"] = (_req, res) => sendJson(res, 404, errorBody("NOT FOUND", "Not found"));
    const { login, token } = server;
    server.login = (req, res) => (req.path.startsWith("/v1/") ? login(req, res) : notFound(req, res));
    server.token = (req, res) => (req.path.startsWith("/v1/") ? token(req, res) : notFound(req, res));
  });

  it("a baseUrl without /v1: the login's 404 says so", async () => {
    const error = await loginError(client({ baseUrl: server.origin, auth: { accessToken: "provided-bearer" } }).login(email));
    expect(error.kind).toBe("contract_violation");
    expect(error.status).toBe(404);
    expect(error.details?.[0]?.message).toBe(
      `status 404 is not a documented response (asked for ${server.origin}/accounts/${accountId}/customers/login): no such path; baseUrl ${server.origin}/ does not end in /v1, where Dintero's API is (https://api.dintero.com/v1)`,
    );
    expect(error.message).toContain("does not end in /v1");
  });

  it("the token request's 404 too, inside client_token_failed", async () => {
    const error = await loginError(client({ baseUrl: `${server.origin}/api/` }).login(email));
    expect(error.causeKind).toBe("contract_violation");
    expect(error.message).toContain(
      `asked for ${server.origin}/api/accounts/${accountId}/auth/token): no such path; baseUrl ${server.origin}/api/ does not end in /v1`,
    );
  });

  it("with /v1 in place, it points at baseUrl and accountId instead", async () => {
    server.login = (_req, res) => sendJson(res, 404, errorBody("NOT FOUND", "no such account"));
    const error = await loginError(client({ auth: { accessToken: "provided-bearer" } }).login(email));
    expect(error.details?.[0]?.message).toBe(
      `status 404 is not a documented response (asked for ${server.baseUrl}/accounts/${accountId}/customers/login): no such path; check baseUrl and accountId`,
    );
  });
});
