// token_type is case-insensitive (RFC 6749 §5.1): a "bearer" token answer is used and cached (issue 16).
import { describe, expect, it } from "vitest";
import { createLoginClient } from "../../../src/index.ts";
import { customerToken, sendJson, type LoginServer, useLoginServer } from "../../helpers/login-server.ts";
import { accountId, clientAuth, email } from "../../helpers/client-fixture.ts";

let server: LoginServer;
useLoginServer((s) => (server = s));

describe("token_type is case-insensitive (RFC 6749 §5.1)", () => {
  it('a token answer with token_type "bearer" is used and cached: 3 logins, 1 token request', async () => {
    server.token = (_req, res) => sendJson(res, 200, { ...server.issueToken(), token_type: "bearer" });
    server.login = (_req, res) => sendJson(res, 200, customerToken({ token_type: "BEARER" }));
    const client = createLoginClient({ accountId, auth: clientAuth, baseUrl: server.baseUrl });
    for (let i = 0; i < 3; i++) expect((await client.login(email)).token_type).toBe("Bearer");
    expect(server.requests.filter((r) => r.path.endsWith("/auth/token"))).toHaveLength(1);
  });
});
