// No secret of the session in any rendering of its errors (message, stack, JSON, util.inspect, details):
// refresh tokens, mfa_tokens, oob_codes and binding codes are redacted like passwords, searched for in
// 8-character pieces (test/helpers/secret-search.ts), from the fake and from a server that echoes them all.
import { describe, expect, it } from "vitest";
import { createLoginClient, LoginError } from "../../../src/index.ts";
import { everything, pieces } from "../../helpers/secret-search.ts";
import { errorBody, sendJson, startLoginServer } from "../../helpers/login-server.ts";
import { ada, grace, rejection, startSession } from "./fixture.ts";

/** Every secret's pieces found in every rendering of `error`, by name. */
function leaks(error: unknown, secrets: Record<string, string>): string[] {
  expect(error).toBeInstanceOf(LoginError);
  const text = everything(error as LoginError);
  return Object.entries(secrets).flatMap(([name, secret]) => pieces(text, secret).map((piece) => `${name}: ${piece}`));
}

describe("session errors are secret-free", () => {
  it("from the fake: a refused refresh token, a refused code, an expired mfa_token, bad input", async () => {
    const session = await startSession();
    const { refresh_token: refreshToken } = await session.client.login(ada);
    await session.client.revoke(refreshToken!);
    expect(leaks(await rejection(session.client.refresh(refreshToken!)), { refreshToken: refreshToken! })).toEqual([]);
    const mfaRequired = (await rejection(session.client.login({ type: grace.type, email: grace.email, password: grace.password }))) as LoginError;
    const mfaToken = mfaRequired.mfaToken!;
    const first = session.client.mfa(mfaRequired);
    const second = await first.challenge({ channel: "email" });
    const code = session.fake.mfaCode(grace.email)!;
    const wrongCode = `${code.split("").reverse().join("")}91`;
    expect(leaks(await rejection(second.complete(wrongCode)), { mfaToken, wrongCode })).toEqual([]);
    const badInput = "rt_with a space\nand a newline-secret-Xy12";
    expect(leaks(await rejection(session.client.refresh({ toString: () => badInput } as unknown as string)), { badInput })).toEqual([]);
    session.clock.offsetMs = 60 * 60 * 1000;
    expect(leaks(await rejection(first.challenge({ channel: "sms" })), { mfaToken })).toEqual([]);
  });

  it("from a server that echoes the request body and Authorization in its error message and request id", async () => {
    const refreshToken = "rt-echoed-Wq83-Hs27-Lx64";
    const mfaToken = "mfa-echoed-Bn52-Kd19";
    const oobCode = "oob-echoed-Fj47-Tr05";
    const bindingCode = "Gv38-Pz71-code";
    const server = await startLoginServer();
    try {
      const echo = (status: number) => (req: { body: string; headers: { authorization?: string } }, res: Parameters<typeof sendJson>[0]) =>
        sendJson(res, status, errorBody("ECHO", `echo ${req.body} ${req.headers.authorization ?? ""}`), { "request-id": `rid ${req.body}` });
      const client = createLoginClient({
        accountId: "T12345678",
        auth: { clientId: "echo-client", clientSecret: "fake-echo-secret-Mm60" },
        baseUrl: server.baseUrl,
      });
      const defaultToken = server.token;
      // Client credentials as usual; every other grant is echoed back with 403.
      server.token = (req, res) => ((req.json as { grant_type?: string }).grant_type === "client_credentials" ? defaultToken(req, res) : echo(403)(req, res));
      expect(leaks(await rejection(client.refresh(refreshToken)), { refreshToken })).toEqual([]);
      expect(leaks(await rejection(client.revoke(refreshToken)), { refreshToken })).toEqual([]); // revoke's answer is server.other: 404, undocumented
      server.login = (_req, res) => sendJson(res, 403, errorBody("mfa_required", "MFA is required", { mfa_token: mfaToken }));
      const first = client.mfa((await rejection(client.login({ type: "customer", email: "a@example.com", password: "fake-pw-Ee44" }))) as LoginError);
      server.other = echo(403);
      expect(leaks(await rejection(first.challenge({ channel: "sms" })), { mfaToken })).toEqual([]);
      server.other = (_req, res) => sendJson(res, 200, { challenge_type: "oob", binding_method: "prompt", oob_code: oobCode });
      const second = await first.challenge({ channel: "email" });
      const refused = await rejection(second.complete(bindingCode));
      expect(refused).toMatchObject({ kind: "mfa_code_invalid" });
      expect(leaks(refused, { mfaToken, oobCode, bindingCode })).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
