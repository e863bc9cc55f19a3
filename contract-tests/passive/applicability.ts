// Which checks can judge recorded traffic. A check that looks at one exchange and what it carries judges
// a recording as it judges a live run. A check that needs input the suite chose (a body breaking one rule,
// a forged bearer, another account, a wrong password it made up, a pair of cases answered alike) cannot:
// in a recording nobody knows what the request was meant to get. Those are reported "not applicable to
// recorded traffic" with the reason below. A new check must be placed here (a test fails until it is).
import type { Check } from "../checks.ts";

/** Checks that need controlled input, each with why a recording cannot give it. */
export const NEEDS_CONTROLLED_INPUT: Readonly<Record<string, string>> = {
  positive_data_acceptance:
    "it needs a request known to be good (the configured identity and its password, or a valid body built by the suite): in a recording a refusal may be right, e.g. a wrong password typed by a user",
  negative_data_rejection: "it needs a body the suite built to break one rule of the spec; a recording holds whatever the consumer sent",
  ignored_auth:
    "it needs a bearer the suite knows to be missing, forged or tampered with; a recording cannot say a bearer was not genuine (a bearer refused and then accepted is judged across the recording instead)",
  wrong_credentials:
    "it needs a password the suite knows to be wrong; a recording cannot say a password was (the same identity and password answered both 200 and 401 is judged across the recording instead)",
  token_scope: "it needs a customer's token sent as the merchant's bearer on purpose",
  account_isolation: "it needs a request the suite aims at another account",
  identity_binding: "it needs the known identity sent under another ident_type or user type on purpose",
  account_enumeration: "it needs an unknown identity and a wrong password sent as a pair the suite chose",
  refresh_token_binding: "it needs a refresh token sent with another client's bearer on purpose",
  revoked_refresh_token: "it needs a refresh token the suite revoked and then sent again, in that order",
  revoke_enumeration: "it needs revokes of a live, an unknown and a revoked token that the suite chose, to compare their answers",
  mfa_token_reuse: "it needs an mfa_token the suite used once (or let expire by a clock it controls) and sent again",
  mfa_binding_code: "it needs binding codes the suite knows to be wrong, and the right one after them",
  operation_served:
    "it needs every request of an operation sent with its documented method, the known-good one among them: a recording holds what the consumer happened to call, and a 404 there may be the consumer's wrong path",
};

/** Why a check does not judge recorded traffic, or undefined when it does. */
export function passiveNotApplicable(check: Pick<Check, "name">): string | undefined {
  const why = NEEDS_CONTROLLED_INPUT[check.name];
  return why ? `not applicable to recorded traffic: ${why}` : undefined;
}
