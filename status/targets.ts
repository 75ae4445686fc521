/**
 * Where a deployed stage's resources answer: the stack's `status_targets` output (constructs/routing-stage-stack.ts),
 * saved by `terraform output -json status_targets > status-targets.json` in the stage's directory. Ids and endpoints
 * only: no credential is in it.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConnectionError } from "../lib/errors";

const statusTargetsSchema = z.object({
  stage: z.string().min(1),
  cloud_api_endpoint: z.url(),
  organization_id: z.string().min(1),
  environment_id: z.string().min(1),
  kafka_cluster_id: z.string().min(1),
  kafka_bootstrap_endpoint: z.string().min(1),
  schema_registry_endpoint: z.url(),
  connector_name: z.string().min(1),
  compute_pool_id: z.string().min(1),
  flink_rest_endpoint: z.url(),
  statements: z.array(z.string().min(1)),
});

export type StatusTargets = z.infer<typeof statusTargetsSchema>;

/** Parses the output's value; also accepts the whole `terraform output -json` and picks `status_targets` from it. */
export function parseStatusTargets(text: string, file: string): StatusTargets {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConnectionError(
      `${file} is not JSON (${(e as Error).message}); write it with: terraform output -json status_targets > ${file}`,
    );
  }
  const all = raw as { status_targets?: { value?: unknown } } | undefined;
  const value = all?.status_targets?.value ?? raw;
  const parsed = statusTargetsSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ConnectionError(
    parsed.error.issues.map((i) => `${file}: ${i.path.join(".") || "(root)"}: ${i.message}`),
    `write it in the stage's directory with: terraform output -json status_targets > ${file}`,
  );
}

export function readStatusTargets(file: string): StatusTargets {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ConnectionError(
      `cannot read the status targets ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); write them in the stage's directory with: terraform output -json status_targets > ${file}`,
    );
  }
  return parseStatusTargets(text, file);
}
