// Benchmark 3, child process: import the built client and make its first validated login.
// argv[2] = "precompiled" (the client's own generated validators) or "runtime-ajv"
// (response validation by Ajv compiling the schema at run time instead). Prints ms since start.
import { performance } from "node:perf_hooks";
import { readFileSync } from "node:fs";

const [mode, port] = [process.argv[2], process.argv[3]];
const { createLoginClient } = await import("../dist/index.js");
const client = createLoginClient({
  accountId: "T12345678",
  auth: { accessToken: "bench-bearer" },
  baseUrl: `http://127.0.0.1:${port}/v1`,
  validateResponses: mode === "precompiled",
});
const token = await client.login({ type: "customer", email: "bench@example.com", password: "bench-password" });
if (mode === "runtime-ajv") {
  const { Ajv2020 } = await import("ajv/dist/2020.js");
  const spec = JSON.parse(readFileSync(new URL("../generated/openapi.json", import.meta.url), "utf8"));
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(spec.components.schemas.AccessToken);
  if (!validate(token)) throw new Error("invalid token");
}
process.stdout.write(`${JSON.stringify({ ms: performance.now() })}\n`);
