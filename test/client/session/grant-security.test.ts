// Which credentials a token grant takes is the spec's (`x-grant-security`), not the client's choice: a copy
// of the spec that gives the refresh grant HTTP Basic makes the client send Basic, with no edit to src/.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateAll } from "../../../scripts/generate-lib.ts";
import type { OperationsModel } from "../../../generated/operations.js";
import { startLoginServer, tokenPath, type LoginServer } from "../../helpers/login-server.ts";

const spec = JSON.parse(await readFile(new URL("../../../generated/openapi.json", import.meta.url), "utf8")) as Record<string, unknown>;
const token = (JSON.parse(await readFile(new URL("../../../generated/operations.json", import.meta.url), "utf8")) as OperationsModel).operations.token;

let work: string;
let server: LoginServer;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "login-kit-grants-"));
  server = await startLoginServer();
});
afterAll(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

/** src/index.ts bundled with the generated/client-responses.js of a spec whose refresh grant takes `scheme`. */
async function clientWithRefreshSecurity(scheme: "BasicAuth" | "JWT"): Promise<typeof import("../../../src/index.ts")> {
  const copy = structuredClone(spec) as { paths: Record<string, Record<string, { "x-grant-security": { grants: Record<string, unknown> } }>> };
  copy.paths[token.pathTemplate]![token.method.toLowerCase()]!["x-grant-security"].grants.refresh_token = [{ [scheme]: [] }];
  const specFile = path.join(work, `spec-${scheme}.json`);
  await writeFile(specFile, JSON.stringify(copy));
  const responsesFile = path.join(work, `client-responses-${scheme}.js`);
  await writeFile(responsesFile, (await generateAll(specFile)).get("client-responses.js")!);
  const result = await build({
    entryPoints: [fileURLToPath(new URL("../../../src/index.ts", import.meta.url))],
    bundle: true,
    format: "esm",
    platform: "neutral",
    write: false,
    plugins: [{ name: "spec-copy", setup: (b) => b.onResolve({ filter: /generated\/client-responses\.js$/ }, () => ({ path: responsesFile })) }],
  });
  const file = path.join(work, `index-${scheme}.mjs`);
  await writeFile(file, result.outputFiles[0]!.contents);
  return (await import(pathToFileURL(file).href)) as typeof import("../../../src/index.ts");
}

describe("the refresh grant's credentials come from x-grant-security", () => {
  for (const [scheme, expected] of [
    ["JWT", /^Bearer cc-token-\d+$/],
    ["BasicAuth", /^Basic /],
  ] as const) {
    it(`${scheme} in the spec: the refresh request carries ${scheme === "JWT" ? "the client's bearer" : "the client's Basic credentials"}`, async () => {
      const entry = await clientWithRefreshSecurity(scheme);
      const client = entry.createLoginClient({
        accountId: "T12345678",
        auth: { clientId: "grant-client", clientSecret: "fake-grant-secret-Ty40" },
        baseUrl: server.baseUrl,
      });
      await client.refresh("rt_from-an-earlier-login").catch(() => undefined);
      const refresh = server.requests.filter((r) => tokenPath.test(r.path) && (r.json as { grant_type?: string }).grant_type === "refresh_token").at(-1);
      expect(refresh?.headers.authorization).toMatch(expected);
    });
  }
});
