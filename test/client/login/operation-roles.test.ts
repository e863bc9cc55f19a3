// The client names the operations it calls by role (`x-role`), never by operation id: an id changed in
// the spec needs `npm run generate` and no code change.
import { readdir, readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { documentedResponses } from "../../../scripts/generate-lib.ts";
import type { OperationsModel } from "../../../generated/operations.js";

type Spec = Parameters<typeof documentedResponses>[0];
const spec = JSON.parse(await readFile(new URL("../../../generated/openapi.json", import.meta.url), "utf8")) as Spec;
const model = JSON.parse(await readFile(new URL("../../../generated/operations.json", import.meta.url), "utf8")) as OperationsModel;

/** A copy of the bundled spec with every operation id renamed. */
function withRenamedIds(): Spec {
  const copy = structuredClone(spec) as { paths: Record<string, Record<string, { operationId?: string }>> };
  for (const item of Object.values(copy.paths)) for (const op of Object.values(item)) if (op.operationId) op.operationId = `renamed_${op.operationId}`;
  return copy as unknown as Spec;
}

describe("operations by role", () => {
  it("the client's documented responses do not change when the spec renames its operation ids", () => {
    expect(documentedResponses(withRenamedIds())).toEqual(documentedResponses(spec));
  });

  it("no operation id of the spec is written in src/", async () => {
    const ids = Object.values(model.operations).map((op) => op.operationId);
    const dir = new URL("../../../src/", import.meta.url);
    const found: string[] = [];
    for (const file of await readdir(dir)) {
      const text = await readFile(new URL(file, dir), "utf8");
      for (const id of ids) if (text.includes(id)) found.push(`src/${file}: ${id}`);
    }
    expect(ids.length).toBeGreaterThan(0);
    expect(found).toEqual([]);
  });
});
