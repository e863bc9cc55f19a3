// What `require("dintero-login-kit")` gets: the package is ES modules only (package.json "exports").
throw new Error(
  'dintero-login-kit is ES modules only: use `import { createLoginClient } from "dintero-login-kit"` (in a project with "type": "module", or a .mjs/.mts file), or `await import("dintero-login-kit")` from CommonJS.',
);
