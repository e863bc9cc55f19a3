// spec:diff against oasdiff's own checker test data (test/fixtures/oasdiff/): every pair asserts our
// verdict, and every pair where we disagree with oasdiff says why (no unexplained missed break).
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { loadSpecFile } from "../../scripts/spec-diff/load-spec.ts";
import { diffSpecs } from "../../scripts/spec-diff/run.ts";
import { CASES, type CorpusCase, type Patch } from "../fixtures/oasdiff/cases.ts";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "oasdiff");
let scratch = "";
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), "spec-diff-corpus-"));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

const unescapePointer = (s: string) => s.replaceAll("~1", "/").replaceAll("~0", "~");
function at(doc: unknown, pointer: string): { parent: Record<string, unknown>; key: string } {
  const keys = pointer.slice(1).split("/").map(unescapePointer);
  const key = keys.pop()!;
  const parent = keys.reduce<unknown>((node, k) => (node as Record<string, unknown>)[k], doc) as Record<string, unknown>;
  if (parent === null || typeof parent !== "object") throw new Error(`patch: ${pointer} does not resolve`);
  return { parent, key };
}
function applyPatch(doc: unknown, patch: Patch): void {
  for (const [from, to] of patch.copy ?? []) {
    const source = at(doc, from);
    const target = at(doc, to);
    target.parent[target.key] = structuredClone(source.parent[source.key]);
  }
  for (const [pointer, value] of Object.entries(patch.set ?? {})) {
    const { parent, key } = at(doc, pointer);
    parent[key] = value;
  }
  for (const pointer of patch.remove ?? []) {
    const { parent, key } = at(doc, pointer);
    if (!(key in parent)) throw new Error(`patch: nothing to remove at ${pointer}`);
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  }
}

/** The file as the case compares it: oasdiff's file, with the Go test's edit applied if it makes one. */
async function side(c: CorpusCase, which: "base" | "revision", n: number) {
  const file = path.join(dir, "data", c[which]);
  const patch = c.patch?.[which];
  if (!patch) return loadSpecFile(file, c[which]);
  const doc = parse(await readFile(file, "utf8"));
  applyPatch(doc, patch);
  const edited = path.join(scratch, `${n}-${which}-${c[which]}`);
  await writeFile(edited, stringify(doc));
  return loadSpecFile(edited, `${c[which]} (edited as in ${c.tests[0]})`);
}

const oasdiffBreaks = (c: CorpusCase) => c.level === "ERR" || c.level === "WARN";
const label = (c: CorpusCase) => `${c.base.replace(/\.yaml$/, "")} → ${c.revision.replace(/\.yaml$/, "")}${c.patch ? ` (${c.tests[0]})` : ""}`;

describe("the corpus itself", () => {
  it("explains every disagreement with oasdiff, and only those", () => {
    const unexplained = CASES.filter((c) => oasdiffBreaks(c) !== (c.ours === "breaking") && !c.why?.trim()).map(label);
    const needless = CASES.filter((c) => oasdiffBreaks(c) === (c.ours === "breaking") && c.why !== undefined).map(label);
    expect(unexplained).toEqual([]);
    expect(needless).toEqual([]);
  });

  it("has no missed break: where oasdiff says ERR or WARN and we do not, the reason is deliberate", () => {
    const missed = CASES.filter((c) => oasdiffBreaks(c) && c.ours !== "breaking");
    // Each is a pair whose alternatives differ only by component name, an allOf part that only adds an
    // optional property, or a request schema that became one alternative of a oneOf under which every value
    // valid before stays valid (oneOf-wrapped): each explained in the case, and checked to get that verdict.
    for (const c of missed) expect(c.why, label(c)).toMatch(/component names|optional property|valid under exactly one alternative/);
  });

  it("docs/spec.md states the agreement this table gives", async () => {
    const doc = await readFile(path.join(dir, "..", "..", "..", "docs", "spec.md"), "utf8");
    const agree = CASES.filter((c) => oasdiffBreaks(c) === (c.ours === "breaking")).length;
    const oursOnly = CASES.filter((c) => !oasdiffBreaks(c) && c.ours === "breaking").length;
    const theirsOnly = CASES.filter((c) => oasdiffBreaks(c) && c.ours !== "breaking").length;
    expect(doc).toContain(`**We agree on ${agree} of ${CASES.length}.**`);
    expect(doc).toContain(`runs spec:diff on **${CASES.length} pairs**`);
    expect(doc).toContain(`**${oursOnly} where we say breaking and oasdiff does not**`);
    expect(doc).toContain(`**${theirsOnly} where oasdiff says breaking and we do not**`);
  });

  it("uses only files that exist, each in at least one case", async () => {
    const used = new Set(CASES.flatMap((c) => [c.base, c.revision]));
    const { readdir } = await import("node:fs/promises");
    expect(new Set(await readdir(path.join(dir, "data")))).toEqual(used);
  });
});

describe("spec:diff on oasdiff's checker test pairs", () => {
  CASES.forEach((c, n) => {
    it(`${label(c)}: oasdiff ${c.level}, ours ${c.ours}`, async () => {
      const result = await diffSpecs(await side(c, "base", n), await side(c, "revision", n));
      const detail = [
        ...result.changes.filter((x) => x.kind !== "documentation-only").map((x) => `${x.kind}: ${x.where}${x.pointer} ${x.rule}`),
        ...result.typeLevel.checks.filter((x) => !x.ok).map((x) => `types: ${x.where}: ${x.message ?? ""}`),
      ];
      expect(result.kind, detail.join("\n")).toBe(c.ours);
    });
  });
});
