// The statuses the suite expects come from the spec (issue 15 §3): a copy of the spec that documents 422
// for invalid requests makes a server answering 422 pass, with no code change; the spec as it is makes
// the same server fail. Likewise an operation that stops documenting 403 narrows the auth refusals.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../contract-tests/config.ts";
import { bundledSpecPath, documentedStatuses, loadSpec, modelPathFor, STATUS_MEANINGS, type Json, type SpecModel } from "../../contract-tests/spec.ts";
import { buildOperationsModel } from "../../scripts/generate-model.ts";
import { runSuite, type RunResult } from "../../contract-tests/suite.ts";
import { contractEnv, startContractServer, type ContractServer } from "../helpers/contract-servers.ts";

let dir: string;
let server: ContractServer | undefined;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "spec-driven-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type Paths = Record<string, Record<string, { responses: Record<string, unknown> }>>;

/** A copy of the bundled spec, edited by `edit`, with its operations model beside it as `npm run generate` writes it, loaded as the suite loads the real one. */
async function specCopy(name: string, edit: (paths: Paths) => void): Promise<SpecModel> {
  const doc = JSON.parse(await readFile(bundledSpecPath, "utf8")) as Json;
  edit(doc.paths as Paths);
  const copy = path.join(dir, name);
  await mkdir(copy, { recursive: true });
  const file = path.join(copy, "openapi.json");
  await writeFile(file, JSON.stringify(doc));
  await writeFile(modelPathFor(file), JSON.stringify(buildOperationsModel(doc)));
  return loadSpec(file);
}

/** Every operation documents 422 as it documents 400 (same description, body and provenance). */
const with422 = (paths: Paths) => {
  for (const item of Object.values(paths))
    for (const op of Object.values(item)) if (op.responses?.["400"]) op.responses["422"] = structuredClone(op.responses["400"]);
};

async function run(spec: SpecModel): Promise<RunResult> {
  server = await startContractServer({ break: "validation_422" });
  return runSuite(resolveConfig(contractEnv(server, { CONTRACT_TIMEOUT_MS: "2000", CONTRACT_CASES: "3" }), {}, spec), { spec });
}

const failing = (r: RunResult, check: string) => r.results.filter((x) => x.check === check && x.outcome === "fail" && x.severity === "contract");

describe("expected statuses come from the spec", () => {
  it("a server answering 422 to invalid bodies fails while the spec documents only 400", async () => {
    const result = await run(loadSpec());
    const found = failing(result, "negative_data_rejection");
    expect(found.length).toBeGreaterThan(5);
    expect(found[0]!.findings[0]!.message).toMatch(/answered 422, expected 400/);
    expect(result.exitCode).toBe(1);
  });

  it("the same server passes once a copy of the spec documents 422, with no code change", async () => {
    const spec = await specCopy("with-422", with422);
    expect(documentedStatuses(spec.operations.login, "invalid_request")).toEqual([400, 422]);
    const result = await run(spec);
    expect(failing(result, "negative_data_rejection")).toEqual([]);
    expect(failing(result, "status_code_conformance")).toEqual([]);
    expect(result.exitCode).toBe(0);
  });

  it("the auth refusals are the documented ones: a spec without 403 on the login expects 401 alone", async () => {
    const spec = await specCopy("without-403", (paths) => {
      for (const item of Object.values(paths)) for (const op of Object.values(item)) delete op.responses?.["403"];
    });
    expect(documentedStatuses(spec.operations.login, "auth_refused")).toEqual([401]);
    expect(documentedStatuses(loadSpec().operations.login, "auth_refused")).toEqual([401, 403]);
  });

  it("an operation that documents no invalid-request status is said at once, not guessed", async () => {
    // Every status the model's vocabulary reads as an invalid request (400, 422), whichever the spec documents.
    const spec = await specCopy("without-invalid-request", (paths) => {
      for (const item of Object.values(paths))
        for (const op of Object.values(item)) for (const code of STATUS_MEANINGS.invalid_request) delete op.responses?.[String(code)];
    });
    expect(() => documentedStatuses(spec.operations.login, "invalid_request")).toThrow(/documents no invalid request status \(any of 400, 422\)/);
  });
});
