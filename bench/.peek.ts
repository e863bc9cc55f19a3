import { resolveConfig } from "../contract-tests/config.ts";
import { runSuite } from "../contract-tests/suite.ts";
import { contractEnv, startContractServer, type Breakage } from "../test/helpers/contract-servers.ts";
for (const b of process.argv.slice(2)) {
  const server = await startContractServer(b === "correct" ? {} : { break: b as Breakage });
  const r = await runSuite(resolveConfig(contractEnv(server, { CONTRACT_TIMEOUT_MS: "300", CONTRACT_CASES: "4" }), {}));
  console.log(`== ${b}: exit ${r.exitCode}, ${r.requestsSent} requests, ${r.durationMs} ms`);
  for (const x of r.results.filter((x) => x.outcome !== "pass")) for (const f of x.findings.length ? x.findings : [{ message: `n/a: ${x.reason}` } as any]) console.log(`  ${x.outcome} ${x.check}/${x.caseId}: ${f.message} | ${f.source?.ref ?? ""} | ${f.actual ?? ""}`);
  await server.close();
}
