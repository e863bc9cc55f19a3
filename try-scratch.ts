import { typeLevel } from "./scripts/spec-diff/type-check.ts";
import { readFileSync } from "node:fs";
const base = JSON.parse(readFileSync("generated/openapi.json", "utf8"));
delete base["x-generated"];
const after = structuredClone(base);
after.components.schemas.AccessToken.properties.expires_in.type = "string";
after.components.schemas.LoginCredentials.properties.type.enum.pop();
const r = await typeLevel(base, after, process.cwd());
console.log(JSON.stringify(r.checks.filter(c=>!c.ok), null, 1));
