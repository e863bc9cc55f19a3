// Writes the three report files into the report directory.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { RunResult } from "../suite.ts";
import { htmlReport } from "./html.ts";
import { jsonReport } from "./json.ts";
import { junitReport } from "./junit.ts";

export async function writeReports(result: RunResult, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: Array<[string, string]> = [
    ["junit.xml", junitReport(result)],
    ["report.json", jsonReport(result)],
    ["report.html", htmlReport(result)],
  ];
  await Promise.all(files.map(([name, text]) => writeFile(path.join(dir, name), text)));
  return files.map(([name]) => path.join(dir, name));
}
