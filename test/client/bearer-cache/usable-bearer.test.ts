// A bearer that can be used: an access_token that cannot be a header value (RFC 6750 b64token) is refused and
// never cached, = padding is fine, and an expires_in that is not positive is refused (our rule).
import { describe, expect, it } from "vitest";
import type { LoginError } from "../../../src/index.ts";
import { sendJson, type LoginServer } from "../../helpers/login-server.ts";
import { rejection } from "../../helpers/login-error.ts";
import { clientAuth, email, useClientFixture } from "../../helpers/client-fixture.ts";

let server: LoginServer;
const client = useClientFixture((s) => (server = s));

describe("6. a bearer that can be used", () => {
  const unusable: [string, unknown][] = [
    ["empty", ""],
    ["with a space", "cc token"],
    ["with a newline", "cc-token\nX-Injected: 1"],
    ["with = inside", "cc=token"],
    ["non-ASCII", "cc-tøken"],
  ];
  for (const [name, accessToken] of unusable) {
    it(`an access_token ${name} -> client_token_failed, never cached (the next call, within the backoff, fails at once with the same cause)`, async () => {
      server.token = (_req, res) => sendJson(res, 200, { access_token: accessToken, token_type: "Bearer", expires_in: 3600 });
      const c = client({ auth: clientAuth, validateResponses: false, tokenRetry: { maxAttempts: 1 } });
      for (let i = 0; i < 2; i++) {
        const error = await rejection(() => c.login(email));
        expect(error.kind).toBe("client_token_failed");
        expect((error.cause as LoginError).details?.[0]).toMatchObject({ pointer: "/access_token", rule: "b64token" });
      }
      expect(server.tokenRequests()).toHaveLength(1);
      expect(server.loginRequests()).toHaveLength(0);
    });
  }

  it("a token with = padding is used", async () => {
    server.token = (_req, res) => sendJson(res, 200, { access_token: "provided-abc+/==", token_type: "Bearer", expires_in: 3600 });
    await client({ auth: clientAuth }).login(email);
    expect(server.loginRequests()[0]?.headers.authorization).toBe("Bearer provided-abc+/==");
  });

  it("an expires_in that is not positive -> client_token_failed (this client's rule)", async () => {
    for (const expiresIn of [0, -5]) {
      server.token = (_req, res) => sendJson(res, 200, { access_token: "cc-token", token_type: "Bearer", expires_in: expiresIn });
      const error = await rejection(() => client({ auth: clientAuth, tokenRetry: { maxAttempts: 1 } }).login(email));
      expect(error.kind).toBe("client_token_failed");
      expect((error.cause as LoginError).details?.map((d) => d.pointer)).toContain("/expires_in");
    }
    expect(server.loginRequests()).toHaveLength(0);
  });
});
