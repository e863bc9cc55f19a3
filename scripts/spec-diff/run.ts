// Runs one comparison: the spec at a git ref against the working tree, schema rules and type level.
import type { Change, Kind } from "./rules.ts";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { listedSources, provenanceProblems, type ProvenanceProblem } from "../provenance.ts";
import { checkoutSpec, defaultBase, loadSpec, removeDir, repoRoot, resolveRef } from "./load-spec.ts";
import type { TypeLevelResult } from "./type-check.ts";

type Json = Record<string, unknown>;

export interface SpecDiffResult {
  base: { ref: string; commit: string; how: string };
  head: "working tree";
  /** Overall: breaking when any schema change or type-level check breaks. */
  kind: Kind | "none";
  changes: Change[];
  typeLevel: TypeLevelResult;
  summary: { breaking: number; compatible: number; documentationOnly: number; typeLevelBreaks: number };
  /**
   * Provenance problems of the new spec (scripts/provenance.ts: a node without x-source or x-curated,
   * a source not listed in openapi/SOURCES.md), the ones `npm test` fails on. Checked only when the
   * working tree has openapi/SOURCES.md.
   */
  provenance: { checked: boolean; problems: ProvenanceProblem[] };
}

export interface RunOptions {
  /** A directory inside the git work tree to compare. */
  cwd: string;
  /** A git ref; default: the merge-base with the default branch, else HEAD. */
  base?: string;
}

/** What `diffSpecs` returns: the verdict, every change, and the type-level result. */
export type SpecComparison = Omit<SpecDiffResult, "base" | "head" | "provenance">;

/**
 * Compares two bundled specs in memory: the schema rules, then the type level. With `root`, the
 * consumer code of that project (src/, examples/) is compiled against the new types too.
 */
export async function diffSpecs(before: Json, after: Json, options: { root?: string } = {}): Promise<SpecComparison> {
  // The rules and TypeScript load only once both specs are known to be readable.
  const [{ classifyChanges, overallKind }, { typeLevel }] = await Promise.all([import("./classify.ts"), import("./type-check.ts")]);
  const changes = classifyChanges(before, after);
  const types = await typeLevel(before, after, options.root);
  const typeLevelBreaks = types.checks.filter((c) => !c.ok).length + types.compile.errors.length;
  const count = (k: Kind) => changes.filter((c) => c.kind === k).length;
  const schemaKind = overallKind(changes);
  return {
    kind: typeLevelBreaks > 0 ? "breaking" : schemaKind,
    changes,
    typeLevel: types,
    summary: { breaking: count("breaking"), compatible: count("compatible"), documentationOnly: count("documentation-only"), typeLevelBreaks },
  };
}

/**
 * The programmatic entry of `npm run spec:diff`: openapi/ at the git ref `base` (default: the
 * merge-base with the default branch, else HEAD) against the working tree of the repository that
 * contains `cwd`. Throws `CannotRun` (the CLI's exit 2) when the comparison cannot run.
 */
export async function runSpecDiff({ cwd, base }: RunOptions): Promise<SpecDiffResult> {
  const root = repoRoot(cwd);
  const chosen = base === undefined ? defaultBase(root) : { ref: base, how: "--base" };
  const commit = resolveRef(root, chosen.ref);
  const baseDir = await checkoutSpec(root, commit);
  try {
    const before = await loadSpec(baseDir, `${chosen.ref} (${commit.slice(0, 12)})`);
    const after = await loadSpec(root, "the working tree");
    const comparison = await diffSpecs(before, after, { root });
    return { base: { ref: chosen.ref, commit, how: chosen.how }, head: "working tree", ...comparison, provenance: await provenanceOf(after, root) };
  } finally {
    await removeDir(baseDir);
  }
}

async function provenanceOf(spec: Json, root: string): Promise<SpecDiffResult["provenance"]> {
  const sourcesFile = path.join(root, "openapi", "SOURCES.md");
  if (!existsSync(sourcesFile)) return { checked: false, problems: [] };
  return { checked: true, problems: provenanceProblems(spec, listedSources(await readFile(sourcesFile, "utf8"))) };
}

/**
 * 1 when something breaks (0 with --allow-breaking; it is still reported), and 1 when the new spec has
 * provenance problems, which --allow-breaking does not waive: they are not a change to judge but a
 * missing annotation, and `npm test` fails on them.
 */
export const exitCodeFor = (result: Pick<SpecDiffResult, "kind"> & Partial<Pick<SpecDiffResult, "provenance">>, allowBreaking: boolean): 0 | 1 =>
  (result.kind === "breaking" && !allowBreaking) || (result.provenance?.problems.length ?? 0) > 0 ? 1 : 0;
