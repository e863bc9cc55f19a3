// The fixed requests the suite sends: known-good requests, one-rule-broken mutations derived generically
// from the spec's schemas (mutations.ts), auth and credential cases, then the cases across exchanges and
// methods (semantic-cases.ts). Generated (property-based) cases: generated-cases.ts.
import { randomBytes } from "node:crypto";
import { basicAuthorization } from "../lib/basic-auth.ts";
import type { Case, Tamper } from "./case-types.ts";
import { CLIENT_SECRET_VARIANTS, loginBody, madeUpFields, MOCK_NO_TOKEN_CHECK, MOCK_NO_USER_STORE, PASSWORD_VARIANTS } from "./case-bodies.ts";
import { secretVariants, tokenBody, tokenGrant } from "./case-bodies.ts";
import { algorithmForgeries, forgedJwt, unsignedJwt, WELL_KNOWN_HMAC_KEYS } from "./forged-tokens.ts";
import { bodyMutations, pathParamMutations, type Schema } from "./mutations.ts";
import { identityFieldNames, secretFieldNames } from "./request-fields.ts";
import { methodCases, semanticCases } from "./semantic-cases.ts";
import type { SpecModel } from "./spec.ts";
import type { Identity, SuiteConfig } from "./types.ts";

export type { Capture, Case, CaseGroup, CaseKind, Expectation, Tamper } from "./case-types.ts";
export { audienceFor, loginBody, madeUpFields, MOCK_NO_AUTH_SEMANTICS, MOCK_NO_TOKEN_CHECK, MOCK_NO_USER_STORE, tokenBody } from "./case-bodies.ts";
export { forgedJwt, tamperedJws, unsignedJwt, WELL_KNOWN_HMAC_KEYS } from "./forged-tokens.ts";
export { anyOfGroups, bodyMutations, collectProperties, pathParamMutations, type Mutation } from "./mutations.ts";
export { UNSUPPORTED_METHODS } from "./semantic-cases.ts";

/** Every fixed case of a run, in sending order (the token request first: it yields the bearer). */
export function fixedCases(spec: SpecModel, config: SuiteConfig): Case[] {
  const mock = config.target.kind === "mock";
  const cases: Case[] = [];
  const login = spec.operations.login;
  const token = spec.operations.token;
  const loginValid = spec.validator(login.requestSchema);
  // The token request's mutations break the suite's grant (client credentials), picked by its value.
  const tokenSchema = tokenGrant(spec).schema;
  const tokenValid = spec.validator(tokenSchema);
  const wrongMediaTypeOf = (types: string[]) => ["text/plain", "application/x-www-form-urlencoded"].find((t) => !types.includes(t))!;
  const wrongMediaType = wrongMediaTypeOf(login.requestMediaTypes);

  const secretCases: Case[] = [];
  if (config.auth.kind === "client_credentials") {
    const body = tokenBody(spec, config);
    cases.push({
      id: "token.known_good",
      group: "token",
      operation: "token",
      title: "client credentials token request",
      auth: "basic",
      body,
      expect: { kind: "success" },
      captures: { clientBearer: "/access_token" },
    });
    cases.push({
      id: "token.auth.none",
      group: "auth",
      operation: "token",
      title: "token request without Basic credentials",
      auth: "none",
      body,
      expect: { kind: "auth_rejection", rule: "no Authorization header", anyDocumented4xx: true },
    });
    // The client's own bearer where the token endpoint asks for Basic: a leaked bearer must not renew itself.
    cases.push({
      id: "token.auth.bearer_instead_of_basic",
      group: "auth",
      operation: "token",
      title: "token request with the issued client bearer instead of Basic credentials",
      auth: { bearerFrom: "clientBearer" },
      needs: ["clientBearer"],
      body,
      expect: { kind: "auth_rejection", rule: "the token endpoint takes the client's Basic credentials, not a bearer", anyDocumented4xx: true },
      ...(mock ? { notApplicable: MOCK_NO_TOKEN_CHECK } : {}),
    });
    const wrongSecret = basicAuthorization(config.auth.clientId, `wrong-${randomBytes(6).toString("hex")}`);
    cases.push({
      id: "token.auth.wrong_secret",
      group: "auth",
      operation: "token",
      title: "token request with a wrong client secret",
      auth: { authorization: wrongSecret },
      body,
      expect: { kind: "auth_rejection", rule: "wrong client secret" },
      ...(mock ? { notApplicable: "Prism checks that Basic credentials are present, not that they are right" } : {}),
    });
    // The real secret, changed as a truncating, prefix-matching or case-folding comparison would not notice:
    // refused credentials, judged like a wrong password (wrong_credentials). Never printed (secretVariants).
    // Sent after the login's credentials cases: the first case a check judges is the login's wrong password,
    // whose verdict a live run must get (a run that never judged it is incomplete, not green).
    for (const v of secretVariants(config.auth.clientSecret, CLIENT_SECRET_VARIANTS)) {
      secretCases.push({
        id: `token.credentials.wrong_secret.${v.id}`,
        group: "credentials",
        operation: "token",
        title: `token request with a wrong client secret: ${v.what}`,
        auth: { authorization: `Basic ${Buffer.from(`${config.auth.clientId}:${v.value}`).toString("base64")}` },
        body,
        expect: { kind: "credentials_rejection", rule: `wrong client secret (${v.what})` },
        ...(mock ? { notApplicable: "Prism checks that Basic credentials are present, not that they are right" } : {}),
      });
    }
    for (const m of bodyMutations(tokenSchema as Schema, body, tokenValid)) {
      cases.push({
        id: `token.negative.${m.id}`,
        group: "negative",
        operation: "token",
        title: m.title,
        auth: "basic",
        body: m.body,
        expect: { kind: "rejection", status: "validation", rule: m.rule, pointer: m.pointer },
      });
    }
    // The token path's oid (D2: `T` or `P` and 8 or 3 digits) and media type, broken one at a time.
    const oidSchema = token.pathParams.get("oid")?.schema as Schema | undefined;
    for (const m of oidSchema ? pathParamMutations(oidSchema, config.accountId, spec.validator(oidSchema)) : []) {
      cases.push({
        id: `token.negative.oid.${m.id}`,
        group: "negative",
        operation: "token",
        title: `oid ${m.title}`,
        aid: m.value,
        auth: "basic",
        body,
        expect: { kind: "rejection", status: "any_4xx", rule: m.rule, pointer: "/oid (path)" },
      });
    }
    const tokenWrongType = wrongMediaTypeOf(token.requestMediaTypes);
    cases.push({
      id: "token.negative.content_type",
      group: "negative",
      operation: "token",
      title: `Content-Type ${tokenWrongType}`,
      auth: "basic",
      contentType: tokenWrongType,
      body,
      expect: { kind: "rejection", status: "any_4xx", rule: `request media type ${token.requestMediaTypes.join(", ")}`, pointer: "" },
    });
  }

  const [secretField] = [...secretFieldNames(login.requestSchema)];
  for (const identity of config.identities) {
    const body = loginBody(spec, config, identity);
    const form = identity.label;
    // The first known-good login that succeeds yields the customer token later cases use as a (wrong)
    // bearer: if the email form's ends in a 429 not waited out, the ident form's serves.
    // Its refresh_token (issued to a client with the refresh scope) feeds the session's cases (lifecycle-cases.ts).
    const captures = { captures: { customerToken: "/access_token", refreshToken: "/refresh_token" } } as const;
    cases.push({
      id: `login.${form}.known_good`,
      group: "known_good",
      operation: "login",
      title: `known-good login, ${form} form`,
      auth: "bearer",
      body,
      expect: { kind: "success" },
      ...captures,
    });
    // A body whose password breaks a rule is a wrong-password attempt on a server that checks the
    // credentials before the body: it carries a made-up identity of the same shape, never the real one
    // (the real identity gets one wrong password per run). A body whose identity field breaks a rule (an
    // email with a trailing newline, past its maxLength) breaks the made-up identity: it tests the rule, not
    // the account, and the real identity inside it would spend the identity's budget for nothing. Other
    // mutations keep the real identity with its right password, so that a server ignoring the broken rule
    // logs it in and is caught plainly.
    const madeUp = madeUpFields(identity, config.seed);
    const ofIdentity = (m: { pointer: string }) => m.pointer !== "" && m.pointer.slice(1) in madeUp;
    const mutations = [
      ...bodyMutations(login.requestSchema as Schema, body, loginValid).filter((m) => !ofIdentity(m)),
      ...bodyMutations(login.requestSchema as Schema, { ...body, ...madeUp }, loginValid).filter(ofIdentity),
    ];
    for (const m of mutations) {
      const mutated = m.pointer === `/${secretField}` && m.body && typeof m.body === "object" && !Array.isArray(m.body) ? { ...m.body, ...madeUp } : m.body;
      cases.push({
        id: `login.${form}.negative.${m.id}`,
        group: "negative",
        operation: "login",
        title: m.title,
        auth: "bearer",
        body: mutated,
        expect: { kind: "rejection", status: "validation", rule: m.rule, pointer: m.pointer },
      });
    }
  }

  const first = config.identities[0]!;
  const good = loginBody(spec, config, first);
  const aidSchema = login.pathParams.get("aid")!.schema as Schema;
  for (const m of pathParamMutations(aidSchema, config.accountId, spec.validator(aidSchema))) {
    cases.push({
      id: `login.negative.aid.${m.id}`,
      group: "negative",
      operation: "login",
      title: `aid ${m.title}`,
      aid: m.value,
      auth: "bearer",
      body: good,
      expect: { kind: "rejection", status: "any_4xx", rule: m.rule, pointer: "/aid (path)" },
    });
  }
  cases.push({
    id: "login.negative.not_json",
    group: "negative",
    operation: "login",
    title: "body is not JSON",
    auth: "bearer",
    rawBody: `${JSON.stringify(good).slice(0, 20)}…not json`,
    expect: { kind: "rejection", status: "any_4xx", rule: "media type application/json", pointer: "" },
  });
  cases.push({
    id: "login.negative.content_type",
    group: "negative",
    operation: "login",
    title: `Content-Type ${wrongMediaType}`,
    auth: "bearer",
    contentType: wrongMediaType,
    body: good,
    expect: { kind: "rejection", status: "any_4xx", rule: `request media type ${login.requestMediaTypes.join(", ")}`, pointer: "" },
  });

  const scopes = login.security.flatMap((s) => s.scopes);
  // An empty or malformed bearer, or another scheme, is a malformed request as much as a bad credential:
  // RFC 6750 §3.1 answers it 400 invalid_request, and Dintero documents 400 on the login, so any documented
  // 4xx refuses it. No header at all, and a well-formed JWT the server never issued, must get 401 (or 403).
  cases.push({
    id: "login.auth.none",
    group: "auth",
    operation: "login",
    title: "no Authorization header",
    auth: "none",
    body: good,
    expect: { kind: "auth_rejection", rule: "no Authorization header" },
  });
  cases.push({
    id: "login.auth.empty_bearer",
    group: "auth",
    operation: "login",
    title: "Bearer scheme without a token",
    auth: { authorization: "Bearer" },
    body: good,
    expect: { kind: "auth_rejection", rule: "empty bearer", anyDocumented4xx: true },
  });
  if (config.auth.kind === "client_credentials") {
    const basic = basicAuthorization(config.auth.clientId, config.auth.clientSecret);
    cases.push({
      id: "login.auth.wrong_scheme",
      group: "auth",
      operation: "login",
      title: "Basic client credentials where the spec asks for a bearer",
      auth: { authorization: basic },
      body: good,
      expect: { kind: "auth_rejection", rule: "wrong authentication scheme", anyDocumented4xx: true },
    });
  }
  cases.push({
    id: "login.auth.malformed",
    group: "auth",
    operation: "login",
    title: "malformed bearer (not a JWT)",
    auth: { authorization: "Bearer not.a-valid.jwt!" },
    body: good,
    expect: { kind: "auth_rejection", rule: "malformed bearer", anyDocumented4xx: true },
    ...(mock ? { notApplicable: MOCK_NO_TOKEN_CHECK } : {}),
  });
  cases.push({
    id: "login.auth.forged_jwt",
    group: "auth",
    operation: "login",
    title: "well-formed JWT the server never issued",
    auth: { authorization: `Bearer ${forgedJwt(config, scopes)}` },
    body: good,
    expect: { kind: "auth_rejection", rule: "JWT not issued by the server" },
    ...(mock ? { notApplicable: MOCK_NO_TOKEN_CHECK } : {}),
  });
  cases.push({
    id: "login.auth.alg_none",
    group: "auth",
    operation: "login",
    title: "unsigned JWT (alg none) with the right audience and scope",
    auth: { authorization: `Bearer ${unsignedJwt(config, scopes)}` },
    body: good,
    expect: { kind: "auth_rejection", rule: "an unsigned JWT (alg none) is no credential" },
    ...(mock ? { notApplicable: MOCK_NO_TOKEN_CHECK } : {}),
  });
  // "none" in another case: algorithm names are case-sensitive (RFC 7518 §3.1), a server that folds case
  // before its alg check takes "NONE" as unsigned and accepted (RFC 8725 §2.1, §3.1).
  cases.push({
    id: "login.auth.alg_none_upper",
    group: "auth",
    operation: "login",
    title: 'unsigned JWT with alg "NONE" (algorithm names are case-sensitive)',
    auth: { authorization: `Bearer ${unsignedJwt(config, scopes, "NONE")}` },
    body: good,
    expect: { kind: "auth_rejection", rule: "an unsigned JWT is no credential, whatever the case of its alg" },
    ...(mock ? { notApplicable: MOCK_NO_TOKEN_CHECK } : {}),
  });
  // The issued client bearer, tampered with (RFC 7515 §5.2, RFC 8725 §3.1): a server that compares the
  // signature as a prefix, caches verification by signature, or skips an empty one accepts these.
  const tampers: Array<[Tamper, string]> = [
    ["empty_signature", "its signature removed"],
    ["truncated_signature", "its signature cut in half"],
    ["payload_edited", "its claims edited (sub, exp + 1 day) under the original signature"],
  ];
  for (const [tamper, what] of tampers) {
    cases.push({
      id: `login.auth.tampered.${tamper}`,
      group: "auth",
      operation: "login",
      title: `the issued client bearer with ${what}`,
      auth: { bearerFrom: "clientBearer", tamper },
      needs: ["clientBearer"],
      body: good,
      expect: { kind: "auth_rejection", rule: "a token the server issued, once altered, is no credential" },
      ...(mock ? { notApplicable: MOCK_NO_TOKEN_CHECK } : {}),
    });
  }
  // A token carrying its own verification key in its header (RFC 7515 §4.1.3; CVE-2018-0114).
  cases.push({
    id: "login.auth.embedded_jwk",
    group: "auth",
    operation: "login",
    title: "HS256 JWT with the right audience and scope, verified by the key in its own jwk header",
    auth: { authorization: `Bearer ${forgedJwt(config, scopes, "self-supplied-key", true)}` },
    body: good,
    expect: { kind: "auth_rejection", rule: "a token that brings its own key is no credential (RFC 8725 §3.1)" },
    ...(mock ? { notApplicable: MOCK_NO_TOKEN_CHECK } : {}),
  });
  for (const weak of WELL_KNOWN_HMAC_KEYS) {
    cases.push({
      id: `login.auth.weak_key.${weak.id}`,
      group: "auth",
      operation: "login",
      title: `HS256 JWT with the right audience and scope, signed with ${weak.what}`,
      auth: { authorization: `Bearer ${forgedJwt(config, scopes, weak.key)}` },
      body: good,
      expect: { kind: "auth_rejection", rule: "a JWT signed with a well-known key is no credential (RFC 8725 §3.5)" },
      ...(mock ? { notApplicable: MOCK_NO_TOKEN_CHECK } : {}),
    });
  }
  // Other algorithm families, a psychic ECDSA signature, a key the token brings or names elsewhere: a
  // server that verifies only its own alg and waves the rest through lets these in (RFC 8725 §2.1, §3.1).
  for (const forgery of algorithmForgeries(config, scopes)) {
    cases.push({
      id: `login.auth.${forgery.id}`,
      group: "auth",
      operation: "login",
      title: `${forgery.what}, with the right audience and scope`,
      auth: { authorization: `Bearer ${forgery.token}` },
      body: good,
      expect: { kind: "auth_rejection", rule: forgery.rule },
      ...(mock ? { notApplicable: MOCK_NO_TOKEN_CHECK } : {}),
    });
  }

  const na = mock ? { notApplicable: MOCK_NO_USER_STORE } : {};
  const wrongPassword = `wrong-${randomBytes(8).toString("hex")}`;
  cases.push({
    id: "login.credentials.wrong_password",
    group: "credentials",
    operation: "login",
    title: `known ${first.label} identity, wrong password (one attempt per run)`,
    auth: "bearer",
    body: loginBody(spec, config, first, wrongPassword),
    expect: { kind: "credentials_rejection", rule: "wrong password" },
    ...na,
  });
  // Every further identity form (the phone number and its PIN) is checked too, with one wrong password of
  // its own: a server may compare the password in one form and not in the other.
  for (const other of config.identities.slice(1)) {
    cases.push({
      id: `login.credentials.${other.label}.wrong_password`,
      group: "credentials",
      operation: "login",
      title: `known ${other.label} identity, wrong password (one attempt per run)`,
      auth: "bearer",
      body: loginBody(spec, config, other, `wrong-${randomBytes(8).toString("hex")}`),
      expect: { kind: "credentials_rejection", rule: "wrong password" },
      ...na,
    });
  }
  // The known password changed as a truncating, prefix-matching, case-folding or trimming comparison would not
  // notice (a password is exact bytes): one request each per configured form, besides the made-up wrong password
  // above. A variant the request schema refuses (the prefix of a short PIN) would test the validation, not the
  // comparison: not sent.
  // Each form's wrong-password cases: the same refusal, so what differs among their answers is volatile.
  const wrongPasswordsOf = new Map(config.identities.map((i) => [i.label, [] as string[]]));
  for (const identity of config.identities) {
    const variants = secretVariants(identity.password, PASSWORD_VARIANTS).filter((v) => loginValid(loginBody(spec, config, identity, v.value)));
    for (const v of variants) {
      wrongPasswordsOf.get(identity.label)!.push(`login.credentials.${identity.label}.wrong_password.${v.id}`);
      cases.push({
        id: `login.credentials.${identity.label}.wrong_password.${v.id}`,
        group: "credentials",
        operation: "login",
        title: `known ${identity.label} identity, its password ${v.what.replace("the real one", "")}`.replace(/ +/g, " "),
        auth: "bearer",
        body: loginBody(spec, config, identity, v.value),
        expect: { kind: "credentials_rejection", rule: `wrong password (${v.what.replace("the real one", "the real password")})` },
        ...na,
      });
    }
  }
  const identityFields = identityFieldNames(spec);
  const unknown: Identity = {
    label: first.label,
    password: `unknown-${randomBytes(8).toString("hex")}`,
    fields: Object.fromEntries(
      Object.entries(first.fields).map(([k, v]) => [
        k,
        identityFields.includes(k) && k !== "ident_type" ? `unknown-${randomBytes(6).toString("hex")}@example.invalid` : v,
      ]),
    ),
  };
  cases.push({
    id: "login.credentials.unknown_identity",
    group: "credentials",
    operation: "login",
    title: "unknown identity",
    auth: "bearer",
    body: loginBody(spec, config, unknown),
    expect: {
      kind: "credentials_rejection",
      rule: "unknown identity",
      sameAnswerAs: "login.credentials.wrong_password",
      alike: wrongPasswordsOf.get(first.label)!,
    },
    madeUpIdentity: true,
    ...na,
  });
  // One unknown identity for every further configured form, shaped like its known one (a phone number keeps
  // its country code and length): a server may sign up an unknown phone number and not an unknown email.
  config.identities.slice(1).forEach((identity, k) => {
    cases.push({
      id: `login.credentials.${identity.label}.unknown_identity`,
      group: "credentials",
      operation: "login",
      title: `unknown identity, ${identity.label} form`,
      auth: "bearer",
      body: loginBody(spec, config, {
        ...identity,
        fields: madeUpFields(identity, config.seed + 50 + k),
        password: `unknown-${randomBytes(8).toString("hex")}`,
      }),
      expect: {
        kind: "credentials_rejection",
        rule: "unknown identity",
        sameAnswerAs: `login.credentials.${identity.label}.wrong_password`,
        alike: wrongPasswordsOf.get(identity.label)!,
      },
      madeUpIdentity: true,
      ...na,
    });
  });

  cases.push(...secretCases);
  cases.push(...semanticCases(spec, config, good), ...methodCases(spec, config, good));
  return cases;
}
