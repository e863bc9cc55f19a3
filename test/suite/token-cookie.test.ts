// token_cookie: a Set-Cookie that carries a token or a secret needs Secure, HttpOnly and SameSite (Strict or
// Lax); a cookie that carries none is not judged.
import { describe, expect, it } from "vitest";
import { parseSetCookie, tokenCookie } from "../../contract-tests/checks/token_cookie.ts";
import { resolveConfig } from "../../contract-tests/config.ts";
import { loadSpec } from "../../contract-tests/spec.ts";
import { runSuite } from "../../contract-tests/suite.ts";
import { checkContext, recordedExchange } from "../helpers/check-exchange.ts";
import { contractEnv, startContractServer } from "../helpers/contract-servers.ts";

const spec = loadSpec();
const token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjdXN0b21lcjoxIn0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg";
const bearer = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjbGllbnQifQ.YW5vdGhlci1zaWduYXR1cmUtaGVyZQ";
const password = "user-password-value";
const pin = "4829";
const config = resolveConfig(
  {
    DINTERO_BASE_URL: "http://127.0.0.1:1/v1",
    DINTERO_ACCOUNT_ID: "T12345678",
    DINTERO_CLIENT_ID: "client",
    DINTERO_CLIENT_SECRET: "client-secret-value",
    DINTERO_LOGIN_EMAIL: "a@example.com",
    DINTERO_LOGIN_PASSWORD: password,
  },
  {},
);

/** token_cookie's findings on one answer with these Set-Cookie lines (a 200 issuing `token`, or a 403). */
function judge(cookies: string[], status = 200) {
  const bodyText = status === 200 ? JSON.stringify({ access_token: token, token_type: "Bearer", expires_in: 3600 }) : '{"error":{"message":"no"}}';
  const rawHeaders: Array<[string, string]> = [["Content-Type", "application/json"], ...cookies.map((c): [string, string] => ["Set-Cookie", c])];
  const ex = recordedExchange({
    caseId: "login.email.known_good",
    url: "http://127.0.0.1:1/v1/accounts/T12345678/customers/login",
    status,
    bodyText,
    headers: { "content-type": "application/json" },
    rawHeaders,
  });
  const ctx = checkContext({
    spec,
    config,
    kase: { id: ex.caseId, expect: { kind: "success" } },
    op: spec.operations.login,
    secrets: [password, pin],
    tokens: [bearer],
  });
  expect(tokenCookie.appliesTo(ex, ctx)).toBe(true);
  return tokenCookie.run(ex, ctx) as Array<{ actual?: string; message: string; pointer?: string }>;
}

describe("parseSetCookie", () => {
  it("reads the name and value before the first ';' and attribute names in any case, values with '=' and ',' intact", () => {
    const c = parseSetCookie("s=a=b==; Expires=Wed, 09 Jun 2027 10:18:14 GMT; secure; HTTPONLY; SameSite=Lax; Path=/");
    expect([c.name, c.value]).toEqual(["s", "a=b=="]);
    expect([...c.attributes.keys()]).toEqual(["expires", "secure", "httponly", "samesite", "path"]);
    expect(c.attributes.get("expires")).toBe("Wed, 09 Jun 2027 10:18:14 GMT");
    expect(c.attributes.get("samesite")).toBe("Lax");
  });
});

describe("token_cookie", () => {
  it("flags a cookie carrying the token the answer issues without Secure, HttpOnly and SameSite, naming each", () => {
    const [f, ...rest] = judge([`dintero_session=${token}; Path=/; Max-Age=86400`]);
    expect(rest).toEqual([]);
    expect(f!.pointer).toBe("set-cookie (header)");
    expect(f!.actual).toBe("cookie dintero_session carries a token this response issues; missing Secure, HttpOnly, SameSite");
    expect(f!.message).toMatch(/RFC 6265 §4\.1\.2\.5.*§4\.1\.2\.6.*6265bis/);
    expect(f!.message).not.toContain(token);
  });

  it("flags each missing attribute alone, and SameSite=None as no SameSite protection", () => {
    const missing = (attrs: string) => judge([`t=${token}; ${attrs}`]).map((f) => f.actual!.replace(/^.*missing /, ""));
    expect(missing("HttpOnly; SameSite=Strict")).toEqual(["Secure"]);
    expect(missing("Secure; SameSite=Lax")).toEqual(["HttpOnly"]);
    expect(missing("Secure; HttpOnly")).toEqual(["SameSite"]);
    expect(missing("Secure; HttpOnly; SameSite=None")).toEqual(["SameSite (it says none)"]);
  });

  it("passes a token cookie with all three, in any case and order, Strict or Lax", () => {
    expect(judge([`t=${token}; samesite=strict; HTTPONLY; secure`, `u=${token}; Secure; HttpOnly; SameSite=Lax; Path=/`])).toEqual([]);
  });

  it("judges no cookie that carries no token or secret: a session id, a preference, a deleted cookie", () => {
    expect(judge(["sid=3f9a2c1b7e5d4a60b8c2; Path=/", "theme=dark", "old=; Max-Age=0", `pinlike=ab${pin}cd`])).toEqual([]);
  });

  it("finds a token percent-encoded, a live bearer on a refusal, and a configured secret (a short one only as the whole value)", () => {
    expect(judge([`t=${encodeURIComponent(`{"t":"${token}"}`)}`])).toHaveLength(1);
    expect(judge([`b=${bearer}; Secure`], 403).map((f) => f.actual)).toEqual(["cookie b carries a live bearer of the run; missing HttpOnly, SameSite"]);
    expect(judge([`p=x${password}x`], 403)).toHaveLength(1);
    expect(judge([`p=${pin}`], 403)).toHaveLength(1);
  });
});

describe("the protected-cookie control on the wire", () => {
  it("sets the token cookie with all three attributes and a second cookie, and token_cookie passes it", async () => {
    const server = await startContractServer({ vary: "token_cookie_protected" });
    try {
      const result = await runSuite(resolveConfig(contractEnv(server, { CONTRACT_CASES: "0" }), {}));
      const login = result.exchanges.find((e) => e.caseId === "login.email.known_good")!;
      const cookies = login.response!.rawHeaders.filter(([k]) => k.toLowerCase() === "set-cookie").map(([, v]) => v);
      expect(cookies).toHaveLength(2);
      expect(cookies[0]).toMatch(/^dintero_session=.+; secure; HTTPONLY; SameSite=Lax$/);
      expect(result.results.find((r) => r.check === "token_cookie" && r.caseId === "login.email.known_good")?.outcome).toBe("pass");
    } finally {
      await server.close();
    }
  });
});
