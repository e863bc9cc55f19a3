// The CI workflow's spec-diff job: runs spec:diff against the pull request's base, honours the
// breaking-spec-change label and always writes the report to the job summary.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { projectRoot } from "../../scripts/generate-lib.ts";

interface Step {
  name?: string;
  if?: string;
  run?: string;
  env?: Record<string, string>;
  uses?: string;
}

describe(".github/workflows/ci.yml spec-diff job", async () => {
  const workflow = parse(await readFile(path.join(projectRoot, ".github", "workflows", "ci.yml"), "utf8"));
  const job = workflow.jobs["spec-diff"] as { if: string; steps: Step[] };

  it("runs on pull requests, also when a label is added or removed", () => {
    expect(job.if).toContain("github.event_name == 'pull_request'");
    expect(workflow.on.pull_request.types).toEqual(expect.arrayContaining(["opened", "synchronize", "labeled", "unlabeled"]));
  });

  it("judges only pull requests that touch openapi/ and fetches the whole history for the base", () => {
    expect(job.steps[0]).toMatchObject({ uses: "actions/checkout@v4", with: { "fetch-depth": 0 } });
    const changed = job.steps.find((s) => s.run?.includes("git diff --quiet"));
    expect(changed?.run).toContain('"origin/$BASE_REF...HEAD" -- openapi/');
  });

  it("runs spec:diff against the base branch, with --allow-breaking only under the breaking-spec-change label", () => {
    const diff = job.steps.find((s) => s.run?.includes("npm run spec:diff"));
    expect(diff?.run).toBe('npm run spec:diff -- --base "origin/$BASE_REF" $ALLOW_BREAKING');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, as the workflow file spells it
    expect(diff?.env?.BASE_REF).toBe("${{ github.base_ref }}");
    expect(diff?.env?.ALLOW_BREAKING).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, as the workflow file spells it
      "${{ contains(github.event.pull_request.labels.*.name, 'breaking-spec-change') && '--allow-breaking' || '' }}",
    );
  });

  it("writes the markdown report to the job summary even when spec:diff fails", () => {
    const summary = job.steps.find((s) => s.run?.includes("reports/spec-diff.md"));
    expect(summary?.if).toMatch(/^always\(\)/);
    expect(summary?.run).toContain('cat reports/spec-diff.md >> "$GITHUB_STEP_SUMMARY"');
  });
});
