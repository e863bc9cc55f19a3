// The severity model: how much a finding hurts, which decides whether it fails a run.

/**
 * How much a finding hurts, which decides whether it fails a run. Who says so is another question, the
 * finding's `source` (a Dintero page, a spec pointer, an RFC or OWASP section, or this project's rule).
 * - contract: breaks a rule Dintero documents;
 * - standard: breaks an HTTP/JSON/OAuth/JWT standard or a security rule in a way that harms a correct
 *   consumer or exposes a secret;
 * - advisory: hygiene that harms no one on its own.
 */
export type Severity = "contract" | "standard" | "advisory";
/** Most severe first: `--fail-on S` fails the run on findings of S and of every severity before it. */
export const SEVERITIES: readonly Severity[] = ["contract", "standard", "advisory"];
/** What each severity means, for --help, the reports and the docs. */
export const SEVERITY_MEANING: Record<Severity, string> = {
  contract: "breaks a rule Dintero documents",
  standard: "breaks an HTTP/JSON/OAuth/JWT standard or a security rule in a way that harms a correct consumer or exposes a secret",
  advisory: "hygiene that harms no one on its own",
};

/** Whether a finding of this severity fails a run with this --fail-on. */
export function failsRun(severity: Severity, failOn: Severity): boolean {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(failOn);
}

/** The less severe of two: a check may lower a finding below its own severity, never raise it. */
export function lowerOf(a: Severity, b: Severity): Severity {
  return SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b) ? a : b;
}
