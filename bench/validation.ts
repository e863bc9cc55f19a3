// Benchmark 2: validating a login response: precompiled validator vs Ajv compiling at run time
// vs openapi-response-validator, each over the same AccessToken body.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { Ajv2020 } from "ajv/dist/2020.js";
import openapiResponseValidator from "openapi-response-validator";
import { validateAccessToken } from "../generated/validators.js";
import { median } from "./stats.ts";

type Json = Record<string, any>;
const spec = JSON.parse(readFileSync(new URL("../generated/openapi.json", import.meta.url), "utf8")) as Json;
const accessTokenSchema = spec.components.schemas.AccessToken as Json;
const body = { access_token: "eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjF9.c2ln", token_type: "Bearer", expires_in: 86400, scope: "extra" };

function opsPerSecond(validate: (v: unknown) => boolean, iterations: number, batches: number): number {
  const rates: number[] = [];
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) if (!validate(body)) throw new Error("benchmark body must be valid");
    rates.push(iterations / ((performance.now() - t0) / 1000));
  }
  return median(rates);
}

export interface ValidationResult {
  precompiled_ops_per_s: number;
  ajv_runtime_ops_per_s: number;
  openapi_response_validator_ops_per_s: number;
  ajv_runtime_first_compile_ms: number;
  ajv_runtime_compile_ms: number;
  openapi_response_validator_construct_ms: number;
  ratio_precompiled_vs_ajv_runtime: number;
  ratio_precompiled_vs_openapi_response_validator: number;
}

export function benchValidation(iterations = 200_000, batches = 7): ValidationResult {
  const compileTimes: number[] = [];
  let runtimeValidate: ((v: unknown) => boolean) | undefined;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    runtimeValidate = ajv.compile(accessTokenSchema);
    compileTimes.push(performance.now() - t0);
  }
  const constructTimes: number[] = [];
  // CommonJS with `exports.default`: unwrap it under NodeNext.
  const OpenAPIResponseValidator = openapiResponseValidator.default;
  let orv: InstanceType<typeof OpenAPIResponseValidator> | undefined;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    orv = new OpenAPIResponseValidator({
      responses: { 200: { description: "Success", content: { "application/json": { schema: { $ref: "#/components/schemas/AccessToken" } } } } },
      components: { schemas: { AccessToken: accessTokenSchema } },
    } as never);
    constructTimes.push(performance.now() - t0);
  }
  const orvValidate = (v: unknown) => orv!.validateResponse(200, v) === undefined;

  // Warm up all three, then measure in alternation.
  for (const f of [validateAccessToken, runtimeValidate!, orvValidate]) opsPerSecond(f, 20_000, 1);
  const pre: number[] = [];
  const rt: number[] = [];
  const or: number[] = [];
  for (let b = 0; b < batches; b++) {
    pre.push(opsPerSecond(validateAccessToken, iterations, 1));
    rt.push(opsPerSecond(runtimeValidate!, iterations, 1));
    or.push(opsPerSecond(orvValidate, Math.max(1, Math.floor(iterations / 10)), 1));
  }
  const p = median(pre);
  const r = median(rt);
  const o = median(or);
  return {
    precompiled_ops_per_s: p,
    ajv_runtime_ops_per_s: r,
    openapi_response_validator_ops_per_s: o,
    ajv_runtime_first_compile_ms: compileTimes[0]!,
    ajv_runtime_compile_ms: median(compileTimes),
    openapi_response_validator_construct_ms: median(constructTimes),
    ratio_precompiled_vs_ajv_runtime: p / r,
    ratio_precompiled_vs_openapi_response_validator: p / o,
  };
}
