// The suite's cases are derived from the spec, not hand-written: every rule of the login and token
// schemas gets a one-rule-broken case, and the generated validators (an independent oracle) agree
// that each negative body is invalid and each generated valid body is valid.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as validators from "../../generated/validators.js";
import { collectProperties, fixedCases } from "../../contract-tests/cases.ts";
import { identityFieldNames, resolveConfig } from "../../contract-tests/config.ts";
import { generatedCases } from "../../contract-tests/generated-cases.ts";
import { grantVariant } from "../../contract-tests/session-fields.ts";
import { minimalLiveEnv } from "../helpers/contract-servers.ts";
import {
  CLOCK_STEP_S,
  lifecycleCases,
  NO_CLOCK,
  NO_CODE_READER,
  NO_MFA_USER,
  NO_OTHER_CLIENT,
  WRONG_CODES_SENT,
} from "../../contract-tests/lifecycle-cases.ts";
import { createTransport, isLoopback } from "../../contract-tests/http.ts";
import { createRedactor, shortenToken, TOKEN_PREFIX_LENGTH } from "../../contract-tests/redact.ts";
import { loadSpec, type Json } from "../../contract-tests/spec.ts";

const spec = loadSpec();
const config = resolveConfig({}, { CONTRACT_CASES: "25" }, spec);
const cases = [...fixedCases(spec, config), ...generatedCases(spec, config)];
const ids = new Set(cases.map((c) => c.id));

describe("cases derived from the spec", () => {
  it("break every required field, enum, length bound and type of the login body, in both forms", () => {
    const schema = spec.operations.login.requestSchema as Json & { required: string[] };
    for (const form of ["email", "ident"]) {
      for (const name of schema.required) expect(ids, `${form} missing ${name}`).toContain(`login.${form}.negative.missing.${name}`);
      // Each form's known-good body carries its own properties (the email form no ident, the ident form no
      // email): a property's rules are broken in the bodies that carry it.
      const carried = Object.keys((cases.find((c) => c.id === `login.${form}.known_good`)?.body ?? {}) as Json);
      expect(carried.length, `login.${form}.known_good has a body`).toBeGreaterThan(0);
      for (const [name, prop] of collectProperties(schema)) {
        if (!carried.includes(name)) continue;
        if (Array.isArray(prop.enum)) expect(ids).toContain(`login.${form}.negative.enum.${name}`);
        if (typeof prop.minLength === "number") expect(ids).toContain(`login.${form}.negative.minLength.${name}`);
        if (typeof prop.maxLength === "number") expect(ids).toContain(`login.${form}.negative.maxLength.${name}`);
      }
      expect(ids).toContain(`login.${form}.negative.anyOf.neither`);
    }
    for (const id of ["aid.pattern.case", "aid.pattern.letter", "aid.pattern.letter_for_digit", "aid.minLength", "aid.maxLength", "not_json", "content_type"])
      expect(ids).toContain(`login.negative.${id}`);
    const aids = cases.filter((c) => c.id.startsWith("login.negative.aid.pattern")).map((c) => c.aid);
    // the spec's example account T12345678; then what only another regex dialect or a normalising comparison takes
    expect(aids).toEqual(["t12345678", "A12345678", "TX2345678", "T12345678\n", "T١٢٣٤٥٦٧٨", "T１２３４５６７８", " T12345678 "]);
    for (const form of ["email", "ident"]) {
      // lengths in code points, by characters that bytes (é) or UTF-16 units (😀) count otherwise
      expect(cases.find((c) => c.id === `login.${form}.negative.minLength.multibyte.password`)?.body).toMatchObject({ password: "ééé" });
      expect(cases.find((c) => c.id === `login.${form}.negative.maxLength.astral.password`)?.body).toMatchObject({ password: "😀".repeat(256) });
      // every proper subset of each either/or form: ident_type alone and ident alone
      expect(ids).toContain(`login.${form}.negative.anyOf.partial.ident_type`);
      expect(ids).toContain(`login.${form}.negative.anyOf.partial.ident`);
      expect(ids).toContain(`login.identity.${form}_as_type_company`);
    }
    expect(cases.find((c) => c.id === "login.negative.anyOf.partial.ident")).toBeUndefined();
    for (const id of ["login.auth.alg_none", "token.isolation.other_audience"]) expect(ids).toContain(id);
    for (const id of ["missing.grant_type", "missing.audience", "enum.grant_type"]) expect(ids).toContain(`token.negative.${id}`);
  });

  it("every negative body is invalid and every other body valid, according to the generated validators", () => {
    for (const c of cases.filter((c) => c.body !== undefined && !c.aid && !c.contentType)) {
      // each operation's request schema by the name the model gives it (the token request's: its oneOf of grants)
      const name = spec.operations[c.operation].model.request?.content[0]?.schemaName;
      const validate = (validators as unknown as Record<string, (v: unknown) => boolean>)[`validate${name}`]!;
      expect(validate(c.body), c.id).toBe(c.expect.kind !== "rejection");
    }
  });

  it("generated valid bodies cover both forms, the password bounds and non-ASCII text", () => {
    const bodies = cases.filter((c) => c.group === "generated_valid" || c.group === "generated_unusual").map((c) => c.body as Record<string, string>);
    expect(bodies.some((b) => "email" in b)).toBe(true);
    expect(bodies.some((b) => "ident" in b)).toBe(true);
    const lengths = bodies.map((b) => [...b.password!].length);
    expect(lengths).toContain(4);
    expect(lengths).toContain(255);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: escaped range: everything outside ASCII
    expect(bodies.some((b) => /[^\x00-\x7f]/.test(JSON.stringify(Object.values(b))))).toBe(true);
    expect(cases.filter((c) => c.group === "generated_invalid").length).toBeGreaterThan(0);
    // bodies judged by positive_data_acceptance keep the identity's shape: an email stays an email
    // ... exactly: the email keeps its domain and the shape of its local part; the phone number its
    // prefix and length, only its last 4 digits varied; never the known identity itself
    // (a bound of an identity field itself, an email at its pattern or maxLength, varies the identity on purpose)
    const known = Object.fromEntries(config.identities.flatMap((i) => Object.entries(i.fields)));
    const identityBound = (id: string) => id.startsWith("login.bounds.") && identityFieldNames(spec).some((f) => id.endsWith(`.${f}`));
    for (const c of cases.filter((c) => c.group === "generated_valid" && !identityBound(c.id))) {
      const b = c.body as Record<string, string>;
      if (b.email !== undefined) {
        const [local, domain] = known.email!.split("@");
        expect(b.email).toMatch(new RegExp(`^${local!.replace(/[a-z]/g, "[a-z]").replace(/\./g, "\\.")}@${domain!.replace(/\./g, "\\.")}$`));
        expect(b.email).not.toBe(known.email);
      }
      if (b.ident !== undefined) {
        expect(b.ident.slice(0, -4)).toBe(known.ident!.slice(0, -4));
        expect(b.ident).toMatch(/^\+\d+$/);
        expect(b.ident).toHaveLength(known.ident!.length);
        expect(b.ident).not.toBe(known.ident);
      }
    }
  });
});

describe("redaction", () => {
  it("replaces secrets, also JSON-escaped, and shortens tokens to a short prefix", () => {
    const token = `eyJhbGciOiJIUzI1NiJ9.${"a".repeat(40)}.${"b".repeat(43)}`;
    const r = createRedactor(['pa"ss-word-1']);
    r.addSecret(token, "token");
    const out = r.text(`x ${JSON.stringify('pa"ss-word-1')} ${token}`);
    expect(out).not.toContain("ss-word-1");
    expect(out).not.toContain(token);
    expect(out).toContain(token.slice(0, TOKEN_PREFIX_LENGTH));
    expect(r.json({ password: "1234", nested: { access_token: token } }, new Set(["password"]))).toEqual({
      password: "[REDACTED]",
      nested: { access_token: `${token.slice(0, TOKEN_PREFIX_LENGTH)}…` },
    });
    expect(r.headers({ authorization: "Basic dXNlcjpwYXNz" })).toEqual({ authorization: "Basic [REDACTED]" });
    // never a length: secrets and tokens of any length look the same once redacted (#15)
    for (const password of ["1234", "x".repeat(255)]) expect(r.json({ password }, new Set(["password"]))).toEqual({ password: "[REDACTED]" });
    expect(shortenToken(token)).toBe(shortenToken(`${token}${"c".repeat(57)}`));
    // a PIN is replaced where it stands alone, not inside an account id
    const pin = createRedactor(["1234"]);
    expect(pin.text('{"pin":"1234","aid":"T12345678"} 1234.')).toBe('{"pin":"[REDACTED]","aid":"T12345678"} [REDACTED].');
  });
});

describe("throttle", () => {
  it("applies to non-loopback hosts only", () => {
    expect(isLoopback("http://127.0.0.1:8080/v1")).toBe(true);
    expect(isLoopback("http://localhost/v1")).toBe(true);
    expect(isLoopback("http://[::1]:80/")).toBe(true);
    expect(isLoopback("https://api.dintero.com/v1")).toBe(false);
  });

  it("spaces requests to at most `rate` per second when throttled", async () => {
    const server = createServer((_req, res) => res.end("{}"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    try {
      const transport = createTransport({ timeoutMs: 1000, rate: 20, budget: 100, deadlineAt: Date.now() + 10_000, throttleLoopback: true });
      const started = Date.now();
      for (let i = 0; i < 5; i++) await transport.send("c", { method: "GET", url: `http://127.0.0.1:${port}/`, headers: {} });
      // 5 requests at 20/s: the last starts no earlier than 4 × 50 ms after the first
      expect(Date.now() - started).toBeGreaterThanOrEqual(195);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe("the session's cases", () => {
  it("docs/conformance.md states the suite's own MFA bounds as lifecycle-cases.ts has them", async () => {
    const doc = await readFile(path.join(import.meta.dirname, "../../docs/conformance.md"), "utf8");
    const words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
    expect(doc).toContain(`${words[WRONG_CODES_SENT]} wrong binding codes`);
    expect(CLOCK_STEP_S, "docs/conformance.md says the clock moves on an hour").toBe(60 * 60);
    expect(doc).toContain("an hour later by the target's clock");
  });

  it("are built from the model: each grant's body and credentials from its variant, and say what they lack", () => {
    const spec = loadSpec();
    const live = minimalLiveEnv();
    const bare = lifecycleCases(spec, resolveConfig(live, {}), undefined);
    const reasons = new Set(bare.map((c) => c.notApplicable));
    expect([...reasons].sort()).toEqual([undefined, NO_MFA_USER, NO_OTHER_CLIENT].sort());
    const full = lifecycleCases(
      spec,
      resolveConfig(
        { ...live, DINTERO_OTHER_CLIENT_ID: "o", DINTERO_OTHER_CLIENT_SECRET: "s", DINTERO_MFA_LOGIN_EMAIL: "m@example.com", DINTERO_MFA_LOGIN_PASSWORD: "p" },
        {},
      ),
      undefined,
    );
    expect(new Set(full.map((c) => c.notApplicable))).toEqual(new Set([undefined, NO_CODE_READER]));
    const controlled = lifecycleCases(spec, resolveConfig({ ...live, DINTERO_MFA_LOGIN_EMAIL: "m@example.com", DINTERO_MFA_LOGIN_PASSWORD: "p" }, {}), {
      mfaCode: () => "1",
    });
    expect(controlled.find((c) => c.id === "token.mfa.expired")?.notApplicable).toBe(NO_CLOCK);
    expect(controlled.find((c) => c.id === "token.mfa.reused")?.notApplicable).toBeUndefined();
    // each grant's body is its variant's example, its credentials the variant's x-grant-security
    for (const [id, grant] of [
      ["token.refresh.known_good", "refresh_token"],
      ["token.mfa.known_good", "mfa_oob"],
    ] as const) {
      const kase = full.find((c) => c.id === id)!;
      const variant = grantVariant(spec, grant);
      expect((kase.body as Record<string, unknown>).grant_type, id).toBe(variant.values[0]);
      expect(kase.auth, id).toBe(variant.security.some((s) => s.scheme === "basic") ? "basic" : "bearer");
    }
    expect(full.filter((c) => c.id.startsWith("token.mfa.wrong_code."))).toHaveLength(WRONG_CODES_SENT);
  });
});
