// A curl command that reproduces a request of the run, for a person acting on a finding. Secrets never
// appear in it, neither as values nor as lengths: each is a shell variable ("$DINTERO_LOGIN_PASSWORD"),
// and so is a bearer the run made up (it may be built from the real one) and any value derived from a
// secret; a JSON body that holds one is built with `jq --arg`, so any character of the secret survives
// the shell and the JSON. A password or client secret the run made up is no secret: it is printed as sent.
import { readBasicAuthorization } from "../lib/basic-auth.ts";
import type { RecordedRequest } from "./http.ts";
import { isMadeUp } from "./made-up.ts";

/** A value of the run that appears in a command only as a shell variable. */
export interface SecretVariable {
  value: string;
  name: string;
}

/** What a command may refer to, and what the person must set it to. */
export const VARIABLES: Record<string, string> = {
  DINTERO_BASE_URL: "the target's base URL, including /v1",
  DINTERO_CLIENT_ID: "the client id the run used",
  DINTERO_CLIENT_SECRET: "the client secret the run used",
  DINTERO_ACCESS_TOKEN: "the bearer the run used",
  DINTERO_LOGIN_PASSWORD: "the known-good user's password (email form)",
  DINTERO_LOGIN_IDENT_PASSWORD: "the known-good user's password (ident form)",
  CLIENT_BEARER: "an access token of the client: the access_token of the known-good token request",
  CUSTOMER_TOKEN: "a customer's access token: the access_token of the known-good login",
  DERIVED_SECRET:
    "a value the run derived from a configured secret (a prefix, a changed character, another case), as the case's title describes it: withheld, since it would tell part of the secret",
  MADE_UP_BEARER: "a bearer the server never issued, as the case's title describes it (the run made one up)",
  DINTERO_OTHER_CLIENT_SECRET: "the other client's secret the run used",
  DINTERO_MFA_LOGIN_PASSWORD: "the MFA test user's password",
  OTHER_CLIENT_BEARER: "an access token of the other client: the access_token of its known-good token request",
  REFRESH_TOKEN: "the refresh_token of the known-good login",
  MFA_TOKEN: "the mfa_token of the MFA test user's login that started this flow",
  OOB_CODE: "the oob_code of this flow's MFA challenge",
  BINDING_CODE: "the binding code the MFA test user received for this flow",
};

/** Single-quoted for the shell: every character literal. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** Double-quoted for the shell, with `$NAME` references expanded by it and everything else literal. */
function shellDoubleQuote(parts: Array<string | { variable: string }>): string {
  const literal = (t: string) => t.replace(/[$`"\\]/g, (c) => `\\${c}`);
  // ${NAME} only where a name character follows, which would otherwise extend the name
  const reference = (name: string, next: string | { variable: string } | undefined) =>
    typeof next === "string" && /^\w/.test(next) ? `\${${name}}` : `$${name}`;
  return `"${parts.map((p, i) => (typeof p === "string" ? literal(p) : reference(p.variable, parts[i + 1]))).join("")}"`;
}

/** `text` split around every occurrence of a known secret (longest first), each replaced by its variable. */
function splitSecrets(text: string, secrets: readonly SecretVariable[]): Array<string | { variable: string }> {
  let parts: Array<string | { variable: string }> = [text];
  for (const s of [...secrets].filter((x) => x.value).sort((a, b) => b.value.length - a.value.length)) {
    parts = parts.flatMap((p) => (typeof p !== "string" ? [p] : p.split(s.value).flatMap((piece, i) => (i === 0 ? [piece] : [{ variable: s.name }, piece]))));
  }
  return parts.filter((p) => p !== "");
}

/** A header value as a shell word: literal, or double-quoted around the secrets it holds. */
function headerWord(name: string, value: string, secrets: readonly SecretVariable[]): string {
  const parts = splitSecrets(`${name}: ${value}`, secrets);
  return parts.every((p) => typeof p === "string") ? shellQuote(`${name}: ${value}`) : shellDoubleQuote(parts);
}

/**
 * The Authorization header as curl options: Basic as `-u "$ID:$SECRET"`, a bearer as a variable. A
 * credential the run does not know (a forged bearer, a wrong client secret) is made up: a MADE_UP_* variable.
 */
function authorization(value: string, secrets: readonly SecretVariable[], clientId: string | undefined): string[] {
  const [scheme = "", ...rest] = value.split(" ");
  const credential = rest.join(" ");
  const known = (v: string) => secrets.find((s) => s.value === v)?.name;
  const basic = readBasicAuthorization(value);
  if (basic) {
    const { userId: id, password: secret } = basic;
    const idWord = clientId !== undefined && id === clientId ? "$DINTERO_CLIENT_ID" : id;
    const shellEscape = (t: string) => t.replace(/[$`"\\]/g, (c) => `\\${c}`);
    const secretWord = known(secret)
      ? `$${known(secret)}`
      : isMadeUp(
            secret,
            secrets.map((x) => x.value),
          )
        ? shellEscape(secret)
        : "$DERIVED_SECRET";
    return ["-u", `"${idWord === "$DINTERO_CLIENT_ID" ? idWord : shellEscape(idWord)}:${secretWord}"`];
  }
  if (scheme.toLowerCase() === "bearer" && credential) return ["-H", `"Authorization: Bearer $${known(credential) ?? "MADE_UP_BEARER"}"`];
  return ["-H", headerWord("Authorization", value, secrets)];
}

/**
 * A JSON body as a jq program that builds it, every secret a jq variable: a string that is a known secret
 * becomes `$name`, one under a secret property (the password) derived from a secret becomes
 * `$derived_secret` (one the run made up stays as sent), and one that holds a known secret inside it an interpolated string. A JSON text is
 * itself a jq program, so everything else stays as the run sent it. `used` collects the variables.
 */
function jqProgram(value: unknown, secrets: readonly SecretVariable[], secretProps: ReadonlySet<string>, used: Set<string>): string {
  const nonce = Math.random().toString(36).slice(2);
  const exprs: string[] = [];
  const mark = (expr: string) => `\u0000${nonce}:${exprs.push(expr) - 1}\u0000`;
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === "string") {
      const parts = splitSecrets(v, secrets);
      // A password the run made up is printed as sent; one derived from a secret is withheld.
      const derived =
        key !== undefined &&
        secretProps.has(key) &&
        !isMadeUp(
          v,
          secrets.map((x) => x.value),
        );
      const whole = parts.length === 1 && typeof parts[0] !== "string" ? parts[0]!.variable : derived ? "DERIVED_SECRET" : undefined;
      if (whole) return (used.add(whole), mark(`$${whole.toLowerCase()}`));
      if (parts.every((p) => typeof p === "string")) return v;
      return mark(
        `"${parts.map((p) => (typeof p === "string" ? JSON.stringify(p).slice(1, -1) : (used.add(p.variable), `\\($${p.variable.toLowerCase()})`))).join("")}"`,
      );
    }
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  const text = JSON.stringify(walk(value));
  return text.replace(new RegExp(`"\\\\u0000${nonce}:(\\d+)\\\\u0000"`, "g"), (_, i: string) => exprs[Number(i)]!);
}

/** The body as curl options: literal when it holds no secret; a JSON body with secrets built by jq. */
function bodyOptions(body: string, secrets: readonly SecretVariable[], secretProps: ReadonlySet<string>): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    const parts = splitSecrets(body, secrets);
    return ["--data-raw", parts.every((p) => typeof p === "string") ? shellQuote(body) : shellDoubleQuote(parts)];
  }
  const used = new Set<string>();
  const program = jqProgram(parsed, secrets, secretProps, used);
  if (!used.size) return ["--data-raw", shellQuote(body)];
  // jq writes the value compactly (-c), as the run sent it; $( ) drops its trailing newline.
  const args = [...used].map((name) => `--arg ${name.toLowerCase()} "$${name}"`).join(" ");
  return ["--data-raw", `"$(jq -cn ${args} ${shellQuote(program)})"`];
}

export interface CurlOptions {
  /** the run's base URL, written as $DINTERO_BASE_URL */
  baseUrl: string;
  /** the configured client id (Basic credentials name it as $DINTERO_CLIENT_ID) */
  clientId?: string;
  /** properties whose value is a secret even when the run does not know it (the password: writeOnly) */
  secretProps: ReadonlySet<string>;
  /** response headers in the output (-i); off for a command whose output is piped */
  include?: boolean;
}

/** The curl command (one line per option) that sends `request` again, with every secret a variable. */
export function curlCommand(request: RecordedRequest, secrets: readonly SecretVariable[], options: CurlOptions): string {
  const url = request.url.startsWith(options.baseUrl)
    ? shellDoubleQuote([{ variable: "DINTERO_BASE_URL" }, ...splitSecrets(request.url.slice(options.baseUrl.length), secrets)])
    : shellDoubleQuote(splitSecrets(request.url, secrets));
  const lines: string[][] = [["curl", options.include === false ? "-sS" : "-sS -i", "-X", request.method, url]];
  for (const [name, value] of Object.entries(request.headers)) {
    if (["content-length", "host", "connection"].includes(name.toLowerCase())) continue;
    lines.push(name.toLowerCase() === "authorization" ? authorization(value, secrets, options.clientId) : ["-H", headerWord(name, value, secrets)]);
  }
  if (request.body !== undefined) lines.push(bodyOptions(request.body, secrets, options.secretProps));
  return lines.map((l) => l.join(" ")).join(" \\\n  ");
}

/** The variables a command refers to, in the order of VARIABLES. */
export function variablesIn(command: string): string[] {
  return Object.keys(VARIABLES).filter((name) => new RegExp(`\\$\\{?${name}\\b`).test(command));
}
