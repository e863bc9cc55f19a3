// The request bodies cases send (known-good, made-up identities) and why a mock cannot judge some cases.
import fc from "fast-check";
import { secretFieldNames } from "./request-fields.ts";
import { shapedLike } from "./shaped-like.ts";
import type { SpecModel } from "./spec.ts";
import type { Identity, SuiteConfig } from "./types.ts";

export const MOCK_NO_USER_STORE = "a mock has no user store: Prism answers every well-formed request with the spec's example, whatever the credentials";
export const MOCK_NO_TOKEN_CHECK = "Prism checks that a bearer is present, not that it is well-formed or that the server issued it";
export const MOCK_NO_AUTH_SEMANTICS = "Prism does not check whose bearer it is, for which account or audience: it answers the spec's example";

/** An identity's fields with every identifying value made up in the same shape (ident_type kept). */
export function madeUpFields(identity: Identity, seed: number): Record<string, string> {
  return Object.fromEntries(
    Object.entries(identity.fields).map(([k, v], i) => [k, k === "ident_type" ? v : fc.sample(shapedLike(v), { seed: seed + 500 + i, numRuns: 1 })[0]!]),
  );
}

export function loginBody(spec: SpecModel, config: SuiteConfig, identity: Identity, password = identity.password): Record<string, unknown> {
  const [secret] = [...secretFieldNames(spec.operations.login.requestSchema)];
  return { audience: config.audience, type: config.loginType, ...identity.fields, [secret!]: password };
}

/** The token request's grant the suite uses (its bearer comes from client credentials). */
export const SUITE_GRANT = "client_credentials";

/** The token request's schema and examples for the suite's grant: the model's branch that SUITE_GRANT
 * selects when the body is discriminated (a oneOf of grants), else the whole request schema. */
export function tokenGrant(spec: SpecModel): { schema: Record<string, unknown>; examples: Record<string, unknown> } {
  const token = spec.operations.token;
  const variant = token.model.request?.content[0]?.discriminator?.variants.find((v) => v.values.includes(SUITE_GRANT));
  return variant ? { schema: variant.schema, examples: { ...variant.examples } } : { schema: token.requestSchema, examples: token.requestExamples };
}

export function tokenBody(spec: SpecModel, config: SuiteConfig): Record<string, unknown> {
  const example = Object.values(tokenGrant(spec).examples)[0] as Record<string, unknown>;
  return { ...example, audience: config.audience };
}

/** The audience of another account: the configured audience with the account id swapped. */
export function audienceFor(config: SuiteConfig, accountId: string): string {
  return config.audience.includes(config.accountId)
    ? config.audience.split(config.accountId).join(accountId)
    : `https://api.dintero.com/v1/accounts/${accountId}`;
}

/** A character with its case changed at the first letter that has another case, or undefined. */
function otherCase(value: string): string | undefined {
  const cps = [...value];
  const i = cps.findIndex((c) => c.toUpperCase() !== c.toLowerCase());
  if (i < 0) return undefined;
  const c = cps[i]!;
  cps[i] = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
  return cps.join("");
}

/**
 * Wrong variants of a real secret that a truncating, prefix-matching, case-folding or trimming comparison
 * takes for the real one. Each is derived at run time and is itself a secret (it reveals the real one):
 * never printed, neither as a value nor as a length.
 */
export type SecretVariant = "empty" | "prefix" | "last_changed" | "other_case" | "trailing_space";
export function secretVariants(secret: string, kinds: readonly SecretVariant[]): Array<{ id: string; what: string; value: string }> {
  const cps = [...secret];
  const last = cps.at(-1) ?? "";
  const all = {
    empty: { what: "empty", value: "" },
    prefix: { what: "the first half of the real one (a prefix)", value: cps.length >= 2 ? cps.slice(0, Math.ceil(cps.length / 2)).join("") : undefined },
    last_changed: {
      what: "the real one with its last character changed",
      value: cps.length ? [...cps.slice(0, -1), last === "x" ? "y" : "x"].join("") : undefined,
    },
    other_case: { what: "the real one with one letter in the other case", value: otherCase(secret) },
    trailing_space: { what: "the real one with a space added at its end (a trimming comparison takes it)", value: `${secret} ` },
  };
  return kinds.flatMap((id) => {
    const v = all[id];
    return v.value === undefined || v.value === secret ? [] : [{ id, what: v.what, value: v.value }];
  });
}

/** The variants of a client secret the suite sends (issue: truncated or lax secret comparison). */
export const CLIENT_SECRET_VARIANTS = ["empty", "prefix", "last_changed", "other_case"] as const;
/** The variants of a known password the suite sends, besides one made-up wrong password: a password is
 * compared as exact bytes, never case-folded or trimmed. */
export const PASSWORD_VARIANTS = ["other_case", "trailing_space"] as const;
