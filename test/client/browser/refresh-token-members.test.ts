// The browser build hands page code no refresh_token through a "__proto__" member or one nested deeper (issue 16).
import { describe, expect, it } from "vitest";
import * as browserEntry from "../../../src/browser.ts";
import { customerToken, sendRaw, type LoginServer, useLoginServer } from "../../helpers/login-server.ts";
import { accountId, email } from "../../helpers/client-fixture.ts";

let server: LoginServer;
useLoginServer((s) => (server = s));

describe("the browser build hands page code no refresh_token, wherever the body puts one", () => {
  it("not through a __proto__ member, nor nested deeper", async () => {
    const secret = "rt-secret-value-0123456789";
    const base = JSON.stringify(customerToken()).slice(0, -1);
    server.login = (_req, res) =>
      sendRaw(res, 200, `${base},"__proto__":{"refresh_token":"${secret}"},"constructor":{"prototype":{"refresh_token":"${secret}"}}}`, {
        "content-type": "application/json",
      });
    const token = await browserEntry.createLoginClient({ accountId, auth: { accessToken: "provided-bearer" }, baseUrl: server.baseUrl }).login(email);
    expect(JSON.stringify(token)).not.toContain(secret);
    expect((Object.assign({}, token) as { refresh_token?: unknown }).refresh_token).toBeUndefined();
    expect(({ ...token } as { refresh_token?: unknown }).refresh_token).toBeUndefined();
  });
});
