// An echo of the password in HTML character references (named and numeric) is redacted (issue 16).
import { describe, expect, it } from "vitest";
import { createLoginClient } from "../../../src/index.ts";
import { sendJson, type LoginServer, useLoginServer } from "../../helpers/login-server.ts";
import { loginError } from "../../helpers/login-error.ts";
import { accountId, email } from "../../helpers/client-fixture.ts";

let server: LoginServer;
useLoginServer((s) => (server = s));

describe("an echo in HTML character references is redacted", () => {
  it("a 403 whose message quotes the password HTML-escaped (named and numeric references) shows none of it", async () => {
    const { everything, pieces } = await import("../../helpers/secret-search.ts");
    const password = `Tr0ub<4d>or&3"xyz'Q-${Date.now()}`;
    const escaped = password.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;");
    server.login = (_req, res) => sendJson(res, 403, { error: { code: "FORBIDDEN", message: `Invalid password <b>${escaped}</b> for a@example.com` } });
    const error = await loginError(
      createLoginClient({ accountId, auth: { accessToken: "provided-bearer" }, baseUrl: server.baseUrl }).login({ ...email, password }),
    );
    expect(error.kind).toBe("forbidden");
    const shown = everything(error);
    expect(pieces(shown, password)).toEqual([]);
    // the leak is in the escaped form: no 8-character piece of it may show either
    expect(pieces(shown, escaped)).toEqual([]);
  });
});
