// The tokens a response carries: issued-token members of its JSON body.
import type { Exchange } from "../../http.ts";
import { stringMembers } from "../../json-members.ts";
import type { Json } from "../../spec.ts";
import { parseBody } from "./body.ts";

/** The strings a 2xx JSON response carries as tokens. */
export function carriesToken(ex: Exchange): boolean {
  const status = ex.response?.status ?? 0;
  const parsed = parseBody(ex);
  if (status < 200 || status >= 300 || !parsed?.ok) return false;
  const body = parsed.value as Json;
  return body !== null && typeof body === "object" && ["access_token", "refresh_token", "id_token"].some((k) => typeof body[k] === "string");
}

/** The members that carry a token a server issues (mfa_token is left out: it is the documented answer to
 * mfa_required, a refusal that hands out no credential). */
export const ISSUED_TOKEN_MEMBERS: ReadonlySet<string> = new Set(["access_token", "refresh_token", "id_token"]);

/** Every non-empty issued-token member of a response's JSON body, at any depth, duplicates included. */
export const parsedTokens = (ex: Exchange): string[] => stringMembers(ex.response?.bodyText ?? "", ISSUED_TOKEN_MEMBERS).filter((t) => t !== "");
