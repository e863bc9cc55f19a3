// account_enumeration: an unknown identity and a wrong password get the same answer (status and whole error body).
import type { Exchange } from "../http.ts";
import { defineCheck } from "./check.ts";
import { escapePointer, parseBody } from "./support/body.ts";
import { judgeable } from "./support/exchange.ts";

/** Most members of an answer compared (a refusal body is a few hundred bytes; a hostile one is bounded). */
const MAX_MEMBERS = 500;

/** The strings a request body sent (its identity, its password): an answer that quotes them differs from
 * every other answer by what was sent, not by whether the identity exists. */
function sentStrings(ex: Exchange): Array<[string, string]> {
  try {
    const body = JSON.parse(ex.request.body ?? "") as unknown;
    if (!body || typeof body !== "object" || Array.isArray(body)) return [];
    return Object.entries(body)
      .filter((e): e is [string, string] => typeof e[1] === "string" && e[1].length >= 3)
      .sort((a, b) => b[1].length - a[1].length);
  } catch {
    return [];
  }
}

/** An answer as the members it carries: its status, and every leaf of its JSON body by JSON pointer (a body
 * that is not JSON as its text at "body"), each string with what the request sent written as <sent NAME>.
 * Depth and count are bounded: what lies deeper is cut. */
export function answerMembers(ex: Exchange): Map<string, string> {
  const members = new Map<string, string>([["status", String(ex.response!.status)]]);
  const sent = sentStrings(ex);
  const unsent = (text: string) => sent.reduce((t, [name, value]) => t.split(value).join(`<sent ${name}>`), text);
  const parsed = parseBody(ex);
  if (!parsed?.ok) {
    members.set("body", unsent(ex.response!.bodyText));
    return members;
  }
  const walk = (value: unknown, pointer: string, depth: number) => {
    if (members.size >= MAX_MEMBERS || depth > 64) return;
    if (value !== null && typeof value === "object") {
      const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
      if (!entries.length) members.set(`body${pointer}`, Array.isArray(value) ? "[]" : "{}");
      for (const [k, v] of entries) walk(v, `${pointer}/${escapePointer(k)}`, depth + 1);
    } else members.set(`body${pointer}`, typeof value === "string" ? JSON.stringify(unsent(value)) : JSON.stringify(value));
  };
  walk(parsed.value, "", 0);
  return members;
}

/** The members whose values differ between two answers (one absent in the other counts). */
export function differingMembers(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k));
}

export const accountEnumeration = defineCheck({
  name: "account_enumeration",
  severity: "advisory",
  severityReason: "it tells which identities exist, not how to log in as one: an attacker still needs each password, which rate limits and lockout guard",
  source: {
    ref: "OWASP Authentication Cheat Sheet: authentication and error messages (generic answers for unknown users and wrong passwords)",
    url: "https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#authentication-and-error-messages",
  },
  catches:
    "the unknown identity and the wrong password get a different status or error body: any member at any depth (`error.errors[0].path`, say), " +
    "except members that also differ between the wrong-password answers themselves (a request id, a timestamp), telling an attacker which identities exist",
  judges: ["credentials_rejection"],
  judgesCase: (kase) => kase.expect.kind === "credentials_rejection" && kase.expect.sameAnswerAs !== undefined,
  appliesTo: (ex, ctx) => judgeable(ex) && ctx.kase.expect.kind === "credentials_rejection" && ctx.kase.expect.sameAnswerAs !== undefined,
  run(ex, ctx) {
    const { sameAnswerAs: otherId, alike = [] } = ctx.kase.expect as { sameAnswerAs: string; alike?: string[] };
    const other = ctx.earlier(otherId);
    if (!other?.response || other.response.status === 429) return { notApplicable: `needs the answer to ${otherId}, which did not come back` };
    const expected = answerMembers(other);
    // What differs between two answers to the same refusal (the wrong passwords of this form) says nothing
    // about the identity: volatile, learnt from this run's answers rather than from a list of names.
    const same = alike.map((id) => ctx.earlier(id)).filter((e): e is Exchange => e?.response !== undefined && e.response.status === other.response!.status);
    const volatile = new Set(same.flatMap((e) => differingMembers(expected, answerMembers(e))));
    const actual = answerMembers(ex);
    // Without a second wrong-password answer nothing tells a request id from a difference: then only the
    // status and the documented error's code and message are compared.
    const compared = (k: string) => (same.length ? !volatile.has(k) : ["status", "body/error/code", "body/error/message"].includes(k));
    const differs = differingMembers(expected, actual).filter(compared);
    if (!differs.length) return [];
    const shown = differs.slice(0, 5);
    const show = (m: Map<string, string>) => shown.map((k) => `${k} ${m.get(k) ?? "(absent)"}`).join(", ");
    const more = differs.length > shown.length ? ` (and ${differs.length - shown.length} more)` : "";
    return [
      {
        rule: "the same answer for an unknown identity and a wrong password",
        ...(shown[0]!.startsWith("body/") ? { pointer: shown[0]!.slice(4) } : {}),
        expected: `as ${otherId}: ${show(expected)}`,
        actual: `${show(actual)}${more}`,
        message:
          `an unknown identity is told apart from a wrong password by ${shown.join(", ")}${more}` +
          (same.length
            ? ` (members that differ between the ${same.length + 1} wrong-password answers themselves are not compared)`
            : " (only one wrong-password answer came back: status, error.code and error.message compared)"),
      },
    ];
  },
});
