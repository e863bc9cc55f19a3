// Error bodies crafted against redaction: the token caps count UTF-8 bytes, and secrets whose forms exceed
// the budget redact the whole text (#16 §5; bench/ measures the time).
import { afterEach, describe, expect, it, vi } from "vitest";
import { formsBudget, redactServerText, tokenCaps } from "../../../src/redact.ts";
import { loginError } from "../../helpers/login-error.ts";
import { sendJson, type LoginServer } from "../../helpers/login-server.ts";
import { email, useClientFixture } from "../../helpers/client-fixture.ts";

let server: LoginServer;
const client = useClientFixture((s) => (server = s));
afterEach(() => {
  vi.restoreAllMocks();
});

describe("2. error bodies crafted against redaction (bench/, 8, measures the time)", () => {
  it("the token caps count UTF-8 bytes: 32 tokens of 700 '€' (64,000 characters would pass, 67,200 bytes do not) show no server text", async () => {
    const tokens = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`token${i}`, "€".repeat(700)]));
    expect(32 * 700).toBeLessThan(tokenCaps.totalBytes);
    server.login = (_req, res) => sendJson(res, 400, { error: { code: "bad", message: `echo ${"€".repeat(20)}` }, ...tokens });
    const error = await loginError(client().login(email));
    expect(error).toMatchObject({ kind: "bad_request", message: "login was rejected as a bad request (400)" });
  });

  it("secrets whose forms exceed the budget redact the whole text instead of being searched", () => {
    const huge = "s".repeat(formsBudget / 2); // its Base64 forms alone are twice the budget
    expect(redactServerText("nothing secret here", 300, [huge])).toBe("[REDACTED]");
    expect(redactServerText("nothing secret here", 300, ["s".repeat(1000)])).toBe("nothing secret here");
    expect(redactServerText("nothing secret here", 300, ["a-bearer", "b".repeat(4 * formsBudget)])).toBe("[REDACTED]"); // refused before it is encoded
  });
});
