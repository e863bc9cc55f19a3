// The generated validators enforce every rule of the spec, and name the rule a value breaks.
import { describe, expect, it } from "vitest";
import {
  validateAccessToken,
  validateAccountId,
  validateClientCredentialsTokenRequest,
  validateError,
  validateLoginCredentials,
  validateOwnerId,
  type Validator,
} from "../../generated/validators.js";

const validLogin = {
  audience: "https://api.dintero.com/v1/accounts/T12345678",
  type: "customer",
  email: "john.doe@example.com",
  password: "correct-horse",
};

/** The (pointer, keyword) pairs a validator reports, e.g. "/password minLength". */
function rulesBroken(validate: Validator, value: unknown): string[] {
  expect(validate(value)).toBe(false);
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.keyword}${e.keyword === "required" ? `:${String(e.params.missingProperty)}` : ""}`);
}

describe("login credentials validator", () => {
  it("accepts the email form and the identity form, and passwords of exactly 4 and 255 characters", () => {
    expect(validateLoginCredentials(validLogin)).toBe(true);
    const { email: _email, ...noEmail } = validLogin;
    expect(validateLoginCredentials({ ...noEmail, ident_type: "phone_number", ident: "+4799999999", password: "1234" })).toBe(true);
    expect(validateLoginCredentials({ ...validLogin, password: "x".repeat(255) })).toBe(true);
    // Lengths count code points, as JSON Schema requires: four emoji are four characters.
    expect(validateLoginCredentials({ ...validLogin, password: "😀😀😀😀" })).toBe(true);
    expect(validateLoginCredentials({ ...validLogin, type: "company" })).toBe(true);
  });

  const { email: _e, ...withoutEmail } = validLogin;
  const { audience: _a, ...withoutAudience } = validLogin;
  const { type: _t, ...withoutType } = validLogin;
  const cases: Array<[string, unknown, string]> = [
    ["password of 3 characters", { ...validLogin, password: "abc" }, "/password minLength"],
    ["password of 256 characters", { ...validLogin, password: "x".repeat(256) }, "/password maxLength"],
    ["neither email nor ident", withoutEmail, "/ anyOf"],
    ["ident without ident_type", { ...withoutEmail, ident: "+4799999999" }, "/ required:ident_type"],
    ['ident_type "username"', { ...withoutEmail, ident_type: "username", ident: "bob" }, "/ident_type enum"],
    ['type "admin"', { ...validLogin, type: "admin" }, "/type enum"],
    ["missing audience", withoutAudience, "/ required:audience"],
    ["missing type", withoutType, "/ required:type"],
    ["non-string email", { ...validLogin, email: 42 }, "/email type"],
    ["missing password", { ...validLogin, password: undefined }, "/ required:password"],
    ["non-string password", { ...validLogin, password: 1234 }, "/password type"],
    ["non-object body", "email=a&password=b", "/ type"],
  ];
  it.each(cases)("rejects %s, naming the rule", (_name, value, rule) => {
    expect(rulesBroken(validateLoginCredentials, JSON.parse(JSON.stringify(value)) as unknown)).toContain(rule);
  });

  it("reports the missing either/or field of each form", () => {
    const rules = rulesBroken(validateLoginCredentials, withoutEmail);
    expect(rules).toEqual(expect.arrayContaining(["/ required:email", "/ required:ident_type", "/ required:ident"]));
  });
});

describe("oid validator (the token endpoint's path id: Dintero's pattern, 4 or 9 characters)", () => {
  it.each(["T12345678", "P00000000", "T123", "P999"])("accepts %s", (oid) => {
    expect(validateOwnerId(oid)).toBe(true);
  });
  it.each(["T12", "T12345", "T1234567", "T123456789", "X123", "t123", "T12a", "T1234567a", "", "T123\n"])("rejects %j", (oid) => {
    expect(rulesBroken(validateOwnerId, oid)).toContain("/ pattern");
  });
});

describe("aid validator", () => {
  it("accepts test and production account ids", () => {
    expect(validateAccountId("T12345678")).toBe(true);
    expect(validateAccountId("P00000000")).toBe(true);
  });
  it.each([
    ["X12345678", "/ pattern"],
    ["T1234567", "/ minLength"],
    ["T123456789", "/ maxLength"],
    ["t12345678", "/ pattern"],
  ])("rejects %s (%s)", (aid, rule) => {
    expect(rulesBroken(validateAccountId, aid)).toContain(rule);
  });
});

describe("token request, AccessToken and Error validators", () => {
  it("token request needs grant_type client_credentials and an audience", () => {
    expect(validateClientCredentialsTokenRequest({ grant_type: "client_credentials", audience: "a" })).toBe(true);
    expect(rulesBroken(validateClientCredentialsTokenRequest, { grant_type: "client_credentials" })).toContain("/ required:audience");
    expect(rulesBroken(validateClientCredentialsTokenRequest, { grant_type: "password", audience: "a" })).toContain("/grant_type enum");
  });

  it("AccessToken: open object, integer expires_in with no minimum (Dintero sets none), token_type Bearer", () => {
    const token = { access_token: "a.b.c", token_type: "Bearer", expires_in: 3600 };
    expect(validateAccessToken({ ...token, scope: "extra properties are allowed" })).toBe(true);
    // A non-positive lifetime is judged by the suite's token semantics and the client's own rule, not by the schema.
    expect(validateAccessToken({ ...token, expires_in: 0 })).toBe(true);
    expect(validateAccessToken({ ...token, expires_in: -1 })).toBe(true);
    expect(rulesBroken(validateAccessToken, { ...token, expires_in: "3600" })).toContain("/expires_in type");
    expect(rulesBroken(validateAccessToken, { ...token, expires_in: 1.5 })).toContain("/expires_in type");
    expect(rulesBroken(validateAccessToken, { ...token, token_type: "bearer" })).toContain("/token_type enum");
    expect(rulesBroken(validateAccessToken, { ...token, refresh_token: 7 })).toContain("/refresh_token type");
  });

  it("Error: needs error.message", () => {
    expect(validateError({ error: { message: "Forbidden", code: "FORBIDDEN", extra: true } })).toBe(true);
    expect(rulesBroken(validateError, { error: { code: "X" } })).toContain("/error required:message");
    expect(rulesBroken(validateError, { message: "flat" })).toContain("/ required:error");
  });
});
