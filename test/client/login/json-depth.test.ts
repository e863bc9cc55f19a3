// Nesting depth is bounded explicitly (maxJsonDepth), with a true message, whatever the stack size.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLoginClient, type LoginError } from "../../../src/index.ts";
import { maxJsonDepth } from "../../../src/http.ts";
import { nestsDeeperThan } from "../../../lib/json-depth.ts";
import { errorBody, sendRaw, startLoginServer, type LoginServer } from "../../helpers/login-server.ts";

const accountId = "T12345678";
const good = { type: "customer", email: "a@example.com", password: "fake-password-1" } as const;

let server: LoginServer;
beforeEach(async () => {
  server = await startLoginServer();
});
afterEach(async () => {
  await server.close();
});

/** A documented 401 error body with `extra` nested `levels` deep inside it (the body itself is one more level). */
const nested = (levels: number) => JSON.stringify(errorBody("UNAUTHORIZED", "no")).replace(/}$/, `,"extra":${"[".repeat(levels)}${"]".repeat(levels)}}`);

async function loginError(body: string, status = 401): Promise<LoginError> {
  server.login = (_req, res) => sendRaw(res, status, body, { "content-type": "application/json" });
  const client = createLoginClient({ accountId, auth: { accessToken: "provided-bearer" }, baseUrl: server.baseUrl });
  return client.login(good).then(
    () => {
      throw new Error("the login succeeded");
    },
    (error: LoginError) => error,
  );
}

describe(`JSON nested deeper than maxJsonDepth (${maxJsonDepth}) is refused as such, not as "not JSON"`, () => {
  for (const levels of [3_000, 100_000, maxJsonDepth]) {
    it(`a valid error body with an array nested ${levels} levels inside it -> contract_violation, rule maxJsonDepth`, async () => {
      const error = await loginError(nested(levels));
      expect([error.kind, error.status, error.details?.[0]?.rule]).toEqual(["contract_violation", 401, "maxJsonDepth"]);
      expect(error.message).toContain(`nested deeper than ${maxJsonDepth} levels`);
      expect(error.message).not.toMatch(/not JSON/);
    });
  }

  it(`${maxJsonDepth} levels in all is read as usual (the spec's 401: the bearer's refusal), and brackets inside strings do not count`, async () => {
    // Read as usual: a documented 401 with no sign of whose credentials failed is the bearer's refusal
    // (the model's auth_refusal), not a contract_violation for its depth.
    const atBound = await loginError(nested(maxJsonDepth - 1));
    expect(atBound.kind).toBe("bearer_refused");
    const inString = await loginError(JSON.stringify(errorBody("UNAUTHORIZED", `\\"${"[{".repeat(5_000)}`)));
    expect(inString.kind).toBe("bearer_refused");
  });

  it("the scan counts only structure: escapes and strings are skipped", () => {
    expect(nestsDeeperThan('[["\\"[[[["]]', 2)).toBe(false);
    expect(nestsDeeperThan("[[[]]]", 2)).toBe(true);
    expect(nestsDeeperThan('{"a":{"b":[1]}}', 3)).toBe(false);
    expect(nestsDeeperThan('{"a":{"b":[1]}}', 2)).toBe(true);
  });
});
