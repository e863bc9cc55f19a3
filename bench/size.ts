// Benchmark 6: the browser bundle (scripts/browser-bundle.ts: src/ with openapi-fetch and the client
// validators in, minified ESM, as test/client/browser/ runs it), gzipped at level 9; budget 8 KB.
import { gzipSync } from "node:zlib";
import { buildBrowserBundle } from "../scripts/browser-bundle.ts";

export const sizeBudgetGzippedBytes = 8 * 1024;

export interface SizeResult {
  minified_bytes: number;
  gzipped_bytes: number;
  budget_gzipped_bytes: number;
  within_budget: boolean;
  /** Minified bytes each input contributes (esbuild's metafile). */
  minified_bytes_by_input: Record<string, number>;
}

export async function benchSize(): Promise<SizeResult> {
  const { code, inputs } = await buildBrowserBundle();
  const gz = gzipSync(code, { level: 9 }).length;
  return {
    minified_bytes: code.length,
    gzipped_bytes: gz,
    budget_gzipped_bytes: sizeBudgetGzippedBytes,
    within_budget: gz <= sizeBudgetGzippedBytes,
    minified_bytes_by_input: inputs,
  };
}
