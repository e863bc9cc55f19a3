// Starts a Prism mock of openapi/login.yaml on a free loopback port and stops it (the whole process
// group) on every exit path.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { projectRoot, sourceSpecPath } from "../spec.ts";

export interface PrismTarget {
  baseUrl: string;
  stop(): Promise<void>;
}

const PRISM_ENTRY = path.join(projectRoot, "node_modules", "@stoplight", "prism-cli", "dist", "index.js");
const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal); // detached: the child leads its own process group
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

// Last resort: a Prism never outlives the process that started it, whatever the exit path.
process.once("exit", () => {
  for (const child of running) killGroup(child, "SIGKILL");
});

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startPrism(options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<PrismTarget> {
  const port = await freePort();
  const child = spawn(process.execPath, [PRISM_ENTRY, "mock", "-h", "127.0.0.1", "-p", String(port), sourceSpecPath], {
    cwd: projectRoot,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    killGroup(child, "SIGTERM");
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), 2000);
    await exited;
    clearTimeout(timer);
    running.delete(child);
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`Prism exited with code ${child.exitCode}: ${output.trim().split("\n").slice(-3).join(" | ")}`);
      if (options.signal?.aborted) throw new Error("interrupted while starting Prism");
      if (Date.now() > deadline) throw new Error("Prism did not start in time");
      try {
        await fetch(`${baseUrl}/`, { signal: AbortSignal.timeout(1000) });
        return { baseUrl, stop };
      } catch {
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
}
