// Runs a precompiled validator from generated/ and turns its Ajv errors into value-free details.
import type { Validator, ValidationError } from "../generated/validators.js";
import type { LoginErrorDetail } from "./errors.ts";
import { escapePointerToken } from "../lib/json-pointer.ts";

/** Returns the problems found, or an empty list when `value` is valid. */
export function check(validator: Validator, value: unknown, pointerPrefix = ""): LoginErrorDetail[] {
  if (validator(value)) return [];
  const errors = validator.errors ?? [];
  const branchErrors = groupAnyOfBranches(errors);
  const details = errors
    .filter((error) => !anyOfBranch.test(error.schemaPath))
    .map((error) => toDetail(error, pointerPrefix, branchErrors.get(error.schemaPath)));
  // The summary names details[0]: a plain rule ("must be object") reads better than an anyOf.
  details.sort((a, b) => Number(a.rule === "anyOf") - Number(b.rule === "anyOf"));
  return details.length > 0 ? dedupe(details) : [{ pointer: pointerPrefix, rule: "schema", message: "is not valid" }];
}

/**
 * Ajv's `message` describes the rule, never the data (the validators are compiled without
 * `verbose`), so it is safe to repeat; the offending value is deliberately not read.
 */
function toDetail(error: ValidationError, pointerPrefix: string, branches: Map<string, string[]> | undefined): LoginErrorDetail {
  const missing = error.keyword === "required" ? error.params.missingProperty : undefined;
  const pointer =
    typeof missing === "string" ? `${pointerPrefix}${error.instancePath}/${escapePointerToken(missing)}` : `${pointerPrefix}${error.instancePath}`;
  let message = typeof missing === "string" ? "is required" : (error.message ?? `breaks the ${error.keyword} rule`);
  if (error.keyword === "enum" && Array.isArray(error.params.allowedValues)) {
    message += ` (${error.params.allowedValues.map((v) => JSON.stringify(v)).join(", ")})`;
  }
  if (error.keyword === "anyOf" && branches) {
    const alternatives = [...branches.values()];
    // Each branch failed only for missing properties: say which sets would do.
    if (alternatives.every((missingSet) => missingSet.length > 0)) {
      message = `must have ${alternatives.map((set) => set.map((p) => `\`${p}\``).join(" and ")).join(", or ")}`;
    }
  }
  return { pointer, rule: error.keyword, message };
}

// An error raised inside one alternative of an anyOf: reported through the anyOf itself.
const anyOfBranch = /\/anyOf\/\d+\//;

/** anyOf schema path -> branch index -> missing required properties ([] if it failed otherwise). */
function groupAnyOfBranches(errors: readonly ValidationError[]): Map<string, Map<string, string[]>> {
  const groups = new Map<string, Map<string, string[]>>();
  for (const error of errors) {
    const match = /^(.*\/anyOf)\/(\d+)\/(.*)$/.exec(error.schemaPath);
    if (!match || match[3]?.includes("/anyOf/")) continue;
    const [, anyOfPath = "", branch = ""] = match;
    const branches = groups.get(anyOfPath) ?? new Map<string, string[]>();
    groups.set(anyOfPath, branches);
    const missing = branches.get(branch) ?? [];
    branches.set(branch, missing);
    const property = error.params.missingProperty;
    if (error.keyword === "required" && typeof property === "string") missing.push(property);
    else branches.set(branch, missing.concat("")); // marks the branch as failing for another reason
  }
  for (const branches of groups.values()) {
    for (const [branch, missing] of branches) if (missing.includes("")) branches.set(branch, []);
  }
  return groups;
}

function dedupe(details: LoginErrorDetail[]): LoginErrorDetail[] {
  const seen = new Set<string>();
  return details.filter((d) => {
    const key = `${d.pointer}\u0000${d.rule}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** One line for an error message: the first problem, and how many more there are. */
export function summarize(details: readonly LoginErrorDetail[]): string {
  const [first] = details;
  if (!first) return "is not valid";
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : "";
  return `${first.pointer ? `${first.pointer} ` : ""}${first.message}${more}`;
}
