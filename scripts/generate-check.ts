// `npm run generate:check`: fail, naming the stale files, when generated/ does not match openapi/.
import path from "node:path";
import { generatedProblems, projectRoot } from "./generate-lib.ts";

const root = process.argv[2] ? path.resolve(process.argv[2]) : projectRoot;
const problems = await generatedProblems(root);
if (problems.length > 0) {
  console.error(`generated/ does not match openapi/login.yaml:\n  ${problems.join("\n  ")}\nRun \`npm run generate\` and commit the result.`);
  process.exit(1);
}
console.log("generated/ is up to date");
