// Benchmark 5: wall time of `npm run contract` against the Prism mock (Prism start included)
// and against a local correct server, with the number of requests each run sent.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { contractEnv, startContractServer } from "../test/helpers/contract-servers.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

export interface ContractRun {
  target: "prism mock" | "local correct server";
  wall_s: number;
  requests: number;
  exit_code: number;
}

/** Run the suite exactly as a user does (`npm run contract`), in a child process. */
async function runContract(target: ContractRun["target"], env: Record<string, string>): Promise<ContractRun> {
  const reportDir = await mkdtemp(path.join(tmpdir(), "dlk-bench-contract-"));
  try {
    const t0 = performance.now();
    const exitCode = await new Promise<number>((resolve, reject) => {
      const child = spawn("npm", ["run", "--silent", "contract"], {
        cwd: root,
        env: { ...stripDintero(process.env), ...env, CONTRACT_REPORT_DIR: reportDir },
        stdio: ["ignore", "ignore", "ignore"],
      });
      child.once("error", reject);
      child.once("exit", (code) => resolve(code ?? 1));
    });
    const wall = (performance.now() - t0) / 1000;
    const report = JSON.parse(await readFile(path.join(reportDir, "report.json"), "utf8")) as { requestsSent: number };
    return { target, wall_s: wall, requests: report.requestsSent, exit_code: exitCode };
  } finally {
    await rm(reportDir, { recursive: true, force: true });
  }
}

/** A user's own DINTERO_* variables must not turn the mock run into a live one. */
function stripDintero(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([k, v]) => !k.startsWith("DINTERO_") && !k.startsWith("CONTRACT_") && v !== undefined)) as Record<
    string,
    string
  >;
}

export async function benchContract(): Promise<ContractRun[]> {
  const mock = await runContract("prism mock", {});
  const server = await startContractServer();
  try {
    const local = await runContract("local correct server", contractEnv(server));
    return [mock, local];
  } finally {
    await server.close();
  }
}
