// duplicate_json_members: a JSON object names each member once.
import { duplicateMembers } from "../json-members.ts";
import { defineCheck } from "./check.ts";
import { escapePointer, parseBody } from "./support/body.ts";
import { rfc } from "./support/sources.ts";

export const duplicateJsonMembers = defineCheck({
  name: "duplicate_json_members",
  severity: "standard",
  severityReason:
    "when the repeated members hold different values, first-wins and last-wins parsers read different " +
    "values, so a correct consumer may act on another value than the server meant; advisory: repeats of " +
    "one value, which every parser reads alike",
  source: rfc(8259, "4", "the names within an object SHOULD be unique"),
  catches: "a JSON response object that names a member twice (first-wins and last-wins parsers read different values)",
  judges: [],
  appliesTo: (ex) => parseBody(ex)?.ok === true,
  run(ex) {
    const duplicates = duplicateMembers(ex.response!.bodyText);
    if (!duplicates) return { notApplicable: "the body nests too deep to scan for duplicate members" };
    return duplicates.map((d) => ({
      check: "duplicate_json_members",
      rule: "unique member names",
      pointer: `${d.pointer}/${escapePointer(d.name)}`,
      expected: "one member of each name",
      actual: `${d.count} members named ${JSON.stringify(d.name)}`,
      message:
        `${ex.response!.status} body names ${JSON.stringify(d.name)} ${d.count} times${d.pointer ? ` at ${d.pointer}` : ""}` +
        (d.sameValue ? " with the same value" : ": JSON.parse keeps the last value, first-wins parsers the first"),
      ...(d.sameValue ? { severity: "advisory" as const, severityReason: "every member of that name holds the same value: every parser reads it alike" } : {}),
    }));
  },
});
