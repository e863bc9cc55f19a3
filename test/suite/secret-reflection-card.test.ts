// secret_reflection's findings name the member that echoes a secret and which secret it is, never its
// value, most serious first.
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../contract-tests/config.ts";
import { runSuite } from "../../contract-tests/suite.ts";
import { contractEnv, startContractServer, type Breakage } from "../helpers/contract-servers.ts";

async function findings(breakage: Breakage, caseId: string) {
  const server = await startContractServer({ break: breakage });
  try {
    const result = await runSuite(resolveConfig(contractEnv(server, { CONTRACT_CASES: "2" }), {}));
    const found = result.results.filter((r) => r.check === "secret_reflection" && r.outcome === "fail" && r.caseId === caseId).flatMap((r) => r.findings);
    const text = JSON.stringify(found);
    for (const secret of [server.options.password, server.options.identPassword, server.options.clientSecret, ...server.issuedTokens])
      expect(text).not.toContain(secret);
    return found;
  } finally {
    await server.close();
  }
}

describe("secret_reflection names the member and the kind of secret", () => {
  it.concurrent.for<[Breakage, string, string, string]>([
    ["echoes_password", "login.credentials.wrong_password", "/error/message", "the submitted password"],
    ["echoes_bearer", "login.credentials.wrong_password", "/error/message", "a live bearer (the client's or a customer's)"],
    // the client secret's Base64 forms are found inside base64(id:secret); its Basic forms are not reported there again
    ["echoes_basic_header", "token.known_good", "x-debug-authorization (header)", "the client secret Base64-encoded"],
    ["jwt_carries_password", "login.email.known_good", "/access_token", "the test user's password"],
    ["echoes_credentials_base64", "login.email.known_good", "x-auth-context (header)", "the test user's password Base64-encoded"],
  ])("%s: %s → %s, %s", async ([breakage, caseId, pointer, kind], { expect }) => {
    const [first] = await findings(breakage, caseId);
    expect(first?.pointer).toBe(pointer);
    expect(first?.actual).toBe(`[REDACTED] (${kind})`);
    expect(first?.message).toContain(kind);
  });
});
