// The cases the suite sends, as data: what a case asks, and what its answer must be (its kind).
import type { OperationKey } from "./spec.ts";

export type Expectation =
  /** a known-good request: must succeed */
  | { kind: "success" }
  /** a schema-valid body with made-up credentials: must not be rejected as invalid. `unusual`: the
   * fields whose schema-stated rules the body tests (e.g. the password at a length bound, non-ASCII);
   * when none, its only unusual values are made-up identities, whose format Dintero states in prose;
   * `control`: the case of the same form with a made-up identity and a plain password */
  | { kind: "valid_input"; unusual?: string[]; control?: string }
  /** a schema-valid body with unusual identity values: the spec's prose ("Email or phone_number")
   * lets a server reject them as invalid, so only the response itself is judged */
  | { kind: "well_formed" }
  /** one rule broken: "validation" = the spec's status for invalid requests; "any_4xx" = any 4xx but 429 */
  | { kind: "rejection"; status: "validation" | "any_4xx"; rule: string; pointer: string }
  /** `anyDocumented4xx`: any documented 4xx of the operation refuses it (else 401 or a documented 403) */
  | { kind: "auth_rejection"; rule: string; anyDocumented4xx?: boolean }
  /** `sameAnswerAs`: a case whose answer this one's must equal (status and error body); `alike`: other cases
   * answered in the same way as that one (the same refusal): what differs among their answers (a request id,
   * a timestamp) is no difference */
  | { kind: "credentials_rejection"; rule: string; sameAnswerAs?: string; alike?: string[] }
  /** a customer's own access token as the bearer of a merchant operation: 401 or 403 */
  | { kind: "scope_rejection"; rule: string }
  /** the client bearer or an audience used for another account: a documented 4xx */
  | { kind: "isolation_rejection"; rule: string }
  /** the known identity under another ident_type or user type, with its right password: any 4xx
   * (`userType`: under another user type, where the same email may exist as another user: advisory) */
  | { kind: "identity_rejection"; rule: string; userType?: true }
  /** a method the path does not document: any 4xx */
  | { kind: "method_rejection"; rule: string }
  /** a login of a user with MFA: answered the documented MFA refusal (403 with an mfa_token) to continue */
  | { kind: "mfa_required" }
  /** a refresh token used with a bearer of another client than the one that created it: a documented 4xx */
  | { kind: "refresh_binding_rejection"; rule: string }
  /** a refresh token used after it was revoked: a documented 4xx */
  | { kind: "revoked_token_rejection"; rule: string }
  /** a revoke whose answer must equal `sameAnswerAs`'s (status and body): it must not tell whether the token existed */
  | { kind: "revoke_answer"; rule: string; sameAnswerAs: string }
  /** an mfa_token used again after it logged in, or after it expired: a documented 4xx */
  | { kind: "mfa_token_rejection"; rule: string }
  /** a wrong binding code (or, `afterWrongCodes`, the right one after that many wrong ones): a documented 4xx */
  | { kind: "binding_code_rejection"; rule: string; afterWrongCodes?: number };

export type CaseGroup =
  | "token"
  | "known_good"
  | "negative"
  | "auth"
  | "credentials"
  | "semantics"
  | "methods"
  | "lifecycle"
  | "generated_valid"
  | "generated_unusual"
  | "generated_invalid";

/** Ways to tamper with a token the server itself issued: each must make it no credential at all. */
export type Tamper = "empty_signature" | "truncated_signature" | "payload_edited";

/** Values a case can take from earlier exchanges of the same run. */
export type Capture =
  | "clientBearer"
  | "customerToken"
  /** the known-good login's refresh_token (issued only to a client with the refresh scope) */
  | "refreshToken"
  /** the bearer of the other configured client of the account (DINTERO_OTHER_CLIENT_ID) */
  | "otherClientBearer"
  /** each MFA flow's mfa_token, oob_code and the binding code the customer received */
  | `${"mfaToken" | "oobCode" | "bindingCode"}.${MfaFlow}`;

/** The MFA flows of a run, each from a login of its own (an mfa_token is single-use). */
export type MfaFlow = "guesses" | "reuse" | "expiry";

export interface Case {
  id: string;
  group: CaseGroup;
  operation: OperationKey;
  title: string;
  /** path parameter; default: the configured account id */
  aid?: string;
  /** "bearer": the client-credentials bearer; "basic": client id and secret; `bearerFrom`: a bearer
   * taken from an earlier exchange (listed in `needs`) */
  auth: "bearer" | "basic" | "none" | { authorization: string } | { bearerFrom: Capture; tamper?: Tamper };
  /** default: the operation's documented method */
  method?: string;
  /** values taken from earlier exchanges; when one did not come back the case is not sent and is
   * reported not applicable, with the reason */
  needs?: Capture[];
  /** values this case's 2xx JSON response yields to later cases: capture → JSON pointer */
  captures?: Partial<Record<Capture, string>>;
  /** captures whose absence is the target's configuration, not a failure (a client without the refresh
   * scope gets no refresh token): the case is then not applicable, and the run is not incomplete for it */
  mayLack?: Capture[];
  /** body properties set from earlier exchanges (listed in `needs`) when the case is sent */
  bodyFrom?: Record<string, Capture>;
  /** with auth "basic": the other configured client's Basic credentials (DINTERO_OTHER_CLIENT_ID) */
  otherClient?: true;
  /** the 4xx JSON answer may yield captures too (the MFA refusal's mfa_token) */
  capturesFromRefusal?: true;
  /** earlier cases whose effect this case's question presumes (the refresh after a revoke presumes the revoke):
   * unless each was answered 2xx, this case is not sent (not applicable, saying which; suite.ts), and when the
   * operation of one is not served, it is not applicable for that reason (operation_served) */
  presumes?: string[];
  /** after a 2xx answer: read the binding code this MFA flow's customer received (the run's control) */
  readsBindingCode?: MfaFlow;
  /** before the request: move the target's clock on by this many seconds (the run's control) */
  advancesClock?: number;
  /** default: the first documented request media type */
  contentType?: string;
  body?: unknown;
  /** sent as is instead of JSON.stringify(body) */
  rawBody?: string;
  expect: Expectation;
  /** the body's identity is made up (nobody's): any 2xx to it logs in a stranger (wrong_credentials) */
  madeUpIdentity?: true;
  /** generated cases: what is unusual about the input, never the value (added to every finding) */
  describeInput?: string;
  /** set when the target cannot judge this case (e.g. a mock has no user store): reported, not sent */
  notApplicable?: string;
}

/** What a case asks of its answer: the checks that judge a case declare the kinds they judge. */
export type CaseKind = Expectation["kind"];
