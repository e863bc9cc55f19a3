// The suite's configuration as data (resolved and validated by config.ts), for every module that reads it.
import type { Severity } from "./severity.ts";

export interface Identity {
  /** the known-good request body's identifying fields, e.g. { email } or { ident_type, ident } */
  fields: Record<string, string>;
  password: string;
  label: "email" | "ident";
}

export interface SuiteConfig {
  /** `why`: the variable (or its absence) that chose this target, printed first in every run */
  target: { kind: "mock" | "live"; baseUrl: string; why: string };
  accountId: string;
  /** another account, for the account-isolation cases (DINTERO_OTHER_ACCOUNT_ID or derived) */
  otherAccountId: string;
  audience: string;
  loginType: string;
  auth: { kind: "client_credentials"; clientId: string; clientSecret: string } | { kind: "access_token"; token: string };
  identities: Identity[];
  /** another client of the account (DINTERO_OTHER_CLIENT_ID/SECRET), for the refresh token's binding */
  otherClient?: { clientId: string; clientSecret: string };
  /** a test user with MFA enabled (DINTERO_MFA_LOGIN_EMAIL/PASSWORD), for the MFA cases */
  mfaUser?: { fields: Record<string, string>; password: string };
  strict: boolean;
  /** the lowest severity whose findings fail the run */
  failOn: Severity;
  /** per-check severities set by --check / CONTRACT_CHECKS, in the order given (the last one of a check wins) */
  checkOverrides: CheckOverride[];
  seed: number;
  cases: number;
  timeoutMs: number;
  rate: number;
  budget: number;
  deadlineMs: number;
  reportDir: string;
  /** the spec coverage (percent) below which the run fails; 0: no gate */
  minCoverage: number;
}

/** A check's severity set by the user: "off" does not run it at all. */
export interface CheckOverride {
  check: string;
  severity: Severity | "off";
  /** where it was set: "--check" or "CONTRACT_CHECKS" */
  from: string;
}

/** What an in-process caller (a test around a fake, a harness with a test inbox) lets the suite do to its
 * target beyond HTTP. Without it, the cases that need it are not applicable, with the reason. */
export interface TargetControl {
  /** the binding code the MFA test user last received (SMS or email), as a test inbox reads it */
  mfaCode?(identity: string): string | undefined | Promise<string | undefined>;
  /** moves the target's clock on by this many seconds */
  advanceClock?(seconds: number): void | Promise<void>;
}
