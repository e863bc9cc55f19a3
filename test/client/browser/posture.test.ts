// Browser posture (#16 §6): in a browser, a bearer whose JWT grants what a page must never hold
// (logins without MFA, refresh tokens) is refused before the password is sent; on a server it is not.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as browserEntry from "../../../src/browser.ts";
import { createLoginClient, LoginError } from "../../../src/index.ts";
import { customerToken, sendJson, startLoginServer, type LoginServer } from "../../helpers/login-server.ts";

const accountId = "T12345678";
const email = { type: "customer", email: "a@example.com", password: "fake-password-1" } as const;

/** An unsigned JWT-shaped bearer with these claims (the client never verifies a signature: the server does). */
const jwt = (claims: Record<string, unknown>) =>
  [{ alg: "RS256", typ: "JWT" }, claims].map((part) => Buffer.from(JSON.stringify(part)).toString("base64url")).join(".") + ".c2lnbmF0dXJl";
const login = "write:accounts:/auth/users";
const noMfa = "write:accounts:/auth/users/no-mfa";
const refresh = "create:accounts:auth:refresh_token";

let server: LoginServer;
beforeAll(async () => {
  server = await startLoginServer();
  server.login = (_req, res) => sendJson(res, 200, customerToken());
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.requests.length = 0;
});

const inBrowser = (accessToken: string, allowRefreshTokenInBrowser = false) =>
  browserEntry.createLoginClient({ accountId, auth: { accessToken: () => accessToken }, baseUrl: server.baseUrl, allowRefreshTokenInBrowser }).login(email);

describe("in a browser", () => {
  const refused: [string, Record<string, unknown>, string][] = [
    ["scope naming no-mfa", { scope: `${login} ${noMfa}` }, noMfa],
    ["scp as an array naming no-mfa", { scp: [login, noMfa] }, noMfa],
    ["scope granting refresh tokens", { scope: `${login} ${refresh}` }, refresh],
  ];
  for (const [name, claims, scope] of refused) {
    it(`refuses a bearer whose ${name}, before the password is sent`, async () => {
      const error = (await inBrowser(jwt({ sub: "login-client@clients", ...claims })).catch((e: unknown) => e)) as LoginError;
      expect(error).toBeInstanceOf(LoginError);
      expect(error).toMatchObject({ kind: "client_token_failed", causeKind: "invalid_request" });
      expect(error.message).toContain(`a bearer granting ${scope} must not reach a browser`);
      expect((error.cause as LoginError).details).toEqual([expect.objectContaining({ pointer: "/auth/accessToken", rule: "browser_scope" })]);
      expect(server.loginRequests()).toHaveLength(0);
    });
  }

  it("lets a login client's bearer through, and one granting refresh tokens when allowRefreshTokenInBrowser is set", async () => {
    await expect(inBrowser(jwt({ scope: login }))).resolves.toMatchObject({ token_type: "Bearer" });
    await expect(inBrowser(jwt({ scope: `${login} ${refresh}` }), true)).resolves.toMatchObject({ token_type: "Bearer" });
    await expect(inBrowser(jwt({ scope: `${login} ${noMfa}` }), true)).rejects.toMatchObject({ kind: "client_token_failed" });
    expect(server.loginRequests()).toHaveLength(2);
  });

  it("judges only what it can read: a bearer that is not a JWT, or has no scope claim, passes", async () => {
    for (const bearer of ["opaque-bearer-0123", jwt({ sub: "x" }), "a.b.c", `x.${Buffer.from("not json").toString("base64url")}.y`]) {
      await expect(inBrowser(bearer)).resolves.toMatchObject({ token_type: "Bearer" });
    }
  });
});

describe("on a server", () => {
  it("the default entry sends a no-mfa bearer (a backend may hold one on purpose)", async () => {
    const client = createLoginClient({ accountId, auth: { accessToken: jwt({ scope: `${login} ${noMfa} ${refresh}` }) }, baseUrl: server.baseUrl });
    await expect(client.login(email)).resolves.toMatchObject({ token_type: "Bearer" });
  });
});
