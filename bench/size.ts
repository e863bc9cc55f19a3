// Benchmark 6: the client bundled for browsers with esbuild (openapi-fetch and validators in), minified, gzipped.
import { build } from "esbuild";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

export interface SizeResult {
  minified_bytes: number;
  gzipped_bytes: number;
  budget_gzipped_bytes: number;
  within_budget: boolean;
}

export async function benchSize(): Promise<SizeResult> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL("../src/index.ts", import.meta.url))],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    legalComments: "none",
  });
  const code = result.outputFiles[0]!.contents;
  const gz = gzipSync(code, { level: 9 }).length;
  return { minified_bytes: code.length, gzipped_bytes: gz, budget_gzipped_bytes: 12 * 1024, within_budget: gz <= 12 * 1024 };
}
