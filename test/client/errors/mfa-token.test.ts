// An mfa_token is judged like a token: bounded and a b64token, or the answer is a contract violation.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLoginClient, type LoginError } from "../../../src/index.ts";
import { maxMfaTokenLength } from "../../../src/http.ts";
import { errorBody, sendJson, startLoginServer, type LoginServer } from "../../helpers/login-server.ts";

const accountId = "T12345678";
const good = { type: "customer", email: "a@example.com", password: "fake-password-1" } as const;

let server: LoginServer;
beforeEach(async () => {
  server = await startLoginServer();
});
afterEach(async () => {
  await server.close();
});

const mfaAnswer = (mfaToken: unknown) => (_req: unknown, res: Parameters<LoginServer["login"]>[1]) =>
  sendJson(res, 403, { ...errorBody("mfa_required", "Multi-factor authentication is required"), mfa_token: mfaToken });

async function loginError(validateResponses: boolean): Promise<LoginError> {
  const client = createLoginClient({ accountId, auth: { accessToken: "provided-bearer" }, baseUrl: server.baseUrl, validateResponses });
  return client.login(good).then(
    () => {
      throw new Error("the login succeeded");
    },
    (error: LoginError) => error,
  );
}

describe("mfa_token is bounded and checked like a token", () => {
  const unusable: [string, unknown, string][] = [
    ["900,000 characters", "m".repeat(900_000), "maxLength"],
    ["one past the bound", "m".repeat(maxMfaTokenLength + 1), "maxLength"],
    ["empty", "", "b64token"],
    ["with CR/LF", "mfa_abc\r\nSet-Cookie: x=1", "b64token"],
    ["with a space", "mfa abc", "b64token"],
  ];
  for (const validateResponses of [true, false]) {
    for (const [name, token, rule] of unusable) {
      it(`${name} (validateResponses: ${validateResponses}) -> contract_violation at /mfa_token, no mfaToken kept`, async () => {
        server.login = mfaAnswer(token);
        const error = await loginError(validateResponses);
        expect([error.kind, error.details?.[0]?.pointer, error.details?.[0]?.rule]).toEqual(["contract_violation", "/mfa_token", rule]);
        expect(error.mfaToken).toBeUndefined();
        expect(JSON.stringify(error).length).toBeLessThan(4096);
      });
    }
  }

  it("a number (validateResponses: false) -> contract_violation; a usable token at the bound, and none at all, are mfa_required", async () => {
    server.login = mfaAnswer(12345);
    expect((await loginError(false)).details?.[0]).toMatchObject({ pointer: "/mfa_token", rule: "b64token" });
    const atBound = `mfa_${"A".repeat(maxMfaTokenLength - 4)}`;
    server.login = mfaAnswer(atBound);
    const kept = await loginError(true);
    expect([kept.kind, kept.mfaToken === atBound]).toEqual(["mfa_required", true]);
    server.login = (_req, res) => sendJson(res, 403, errorBody("mfa_required", "Multi-factor authentication is required"));
    const none = await loginError(true);
    expect([none.kind, none.mfaToken]).toEqual(["mfa_required", undefined]);
  });
});
