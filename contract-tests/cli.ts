// `npm run contract`: runs the conformance suite and exits 0 (every check passed), 1 (a check failed
// or the run was stopped) or 2 (cannot run: bad configuration, target unreachable).
import { realpathSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CHECKS, SEVERITIES, SEVERITY_MEANING } from "./checks.ts";
import { ConfigError, LIVE_VARIABLES, OPTIONS, parseArgs, resolveConfig } from "./config.ts";
import { summaryTable } from "./console.ts";
import { writeReports } from "./reports/index.ts";
import { runSuite } from "./suite.ts";
import { passiveMode, resolvePassiveConfig } from "./passive/config.ts";
import { runHar, runProxy } from "./passive/run.ts";
import { CROSS_CHECKS } from "./passive/cross.ts";

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export function helpText(): string {
  const opt = OPTIONS.map((o) => `  ${`${o.flag}${o.arg ? ` ${o.arg}` : ""}`.padEnd(22)} ${o.env.padEnd(22)} ${o.description} (default ${o.default})`);
  const vars = LIVE_VARIABLES.map((v) => `  ${v.name.padEnd(30)} ${v.meaning}`);
  const pad = "".padEnd(36 + 1 + 9);
  const checks = CHECKS.map(
    (c) =>
      `  ${c.name.padEnd(36)} ${c.severity.padEnd(9)} ${c.catches}\n  ${pad} why ${c.severity}: ${c.severityReason}\n  ${pad} source: ${c.source.ref}${c.source.url && !c.source.ref.includes(c.source.url) ? ` <${c.source.url}>` : ""}`,
  );
  const severities = SEVERITIES.map((s) => `  ${s.padEnd(9)} ${SEVERITY_MEANING[s]}`);
  const across = CROSS_CHECKS.map(
    (c) => `  ${c.name.padEnd(36)} ${c.severity.padEnd(9)} ${c.catches}\n  ${pad} why ${c.severity}: ${c.severityReason}\n  ${pad} source: ${c.source.ref}`,
  );
  return [
    "Usage: npm run contract -- [options]",
    "",
    "Judges a server against the login contract (openapi/login.yaml via generated/openapi.json).",
    "Without DINTERO_BASE_URL it starts a Prism mock of the spec on a free loopback port and runs",
    "the whole suite against it; with DINTERO_BASE_URL it runs against that live target.",
    "",
    "Options (each also as the environment variable shown):",
    `  ${"--help, -h".padEnd(22)} ${"".padEnd(22)} this text`,
    ...opt,
    "",
    "Live target (environment):",
    ...vars,
    "",
    "Severities (how much a finding hurts; who says so is its source). --fail-on SEVERITY fails the run on",
    "findings of that severity and above; the default, standard, fails it on contract and standard findings:",
    ...severities,
    "",
    "Checks, with their severity (--check NAME=off|advisory|standard|contract sets another):",
    ...checks,
    "",
    "Rules judged across exchanges of recorded traffic (--har, --proxy; --check sets them too):",
    ...across,
    "",
    "Exit codes: 0 every check passed; 1 a check failed, or the run was stopped (target not",
    "answering, deadline, budget, Ctrl-C); 2 cannot run (bad configuration, target unreachable).",
    "Reports: junit.xml, report.json, report.html in the report directory.",
  ].join("\n");
}

export async function main(argv: string[], env: Record<string, string | undefined>, io: Io, signal?: AbortSignal): Promise<number> {
  let config;
  try {
    const args = parseArgs(argv);
    if (args === "help") {
      io.out(`${helpText()}\n`);
      return 0;
    }
    // --har / --proxy judge traffic that already flows: the same checks, reports and exit codes, nothing sent.
    if (passiveMode(env, args)) {
      const passive = resolvePassiveConfig(env, args);
      return await (passive.mode === "har" ? runHar(passive, io, undefined, signal) : runProxy(passive, io, undefined, signal));
    }
    config = resolveConfig(env, args);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`configuration error: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const result = await runSuite(config, { log: (line) => io.err(`${line}\n`), ...(signal ? { signal } : {}) });
  try {
    const files = await writeReports(result, config.reportDir);
    io.err(`reports: ${files.join(", ")}\n`);
  } catch (err) {
    io.err(`cannot write reports to ${config.reportDir}: ${(err as Error).message}\n`);
    return 2;
  }
  io.out(`\n${summaryTable(result)}\n`);
  return result.exitCode;
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(path.resolve(entry)) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    process.stderr.write(`\n${sig}: stopping (a mock or proxy is stopped and reports are written) …\n`);
    controller.abort();
    if (interrupts > 1) process.exit(1); // the exit hook still kills a running Prism
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const io: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
  main(process.argv.slice(2), process.env, io, controller.signal)
    .then((code) => {
      process.exitCode = code;
    })
    .catch((err: unknown) => {
      // Never print a stack that might carry a request: name the failure only.
      process.stderr.write(`contract suite crashed: ${(err as Error)?.name ?? "error"}: ${(err as Error)?.message?.split("\n")[0] ?? ""}\n`);
      process.exitCode = 2;
    });
}
