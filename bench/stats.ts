// Small statistics and process helpers for the benchmarks: medians, interleaved rounds, child servers.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Run variants in rotating order (A B C, B C A, C A B, ...) so that drift in machine load hits
 * all alike, and return each variant's per-round figures.
 */
export async function interleave(rounds: number, ...variants: Array<() => Promise<number>>): Promise<number[][]> {
  const results = variants.map(() => [] as number[]);
  for (let i = 0; i < rounds; i++) {
    for (let k = 0; k < variants.length; k++) {
      const v = (i + k) % variants.length;
      results[v]!.push(await variants[v]!());
    }
  }
  return results;
}

export interface ChildServer {
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Start a node script that prints `{"port": N}` on its first stdout line. */
export async function startChildServer(script: string, args: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<ChildServer> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "inherit"], env });
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code} before listening`)));
    lines.once("line", (line) => resolve((JSON.parse(line) as { port: number }).port));
  });
  return {
    port,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export const fmt = (n: number, digits = 2) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
