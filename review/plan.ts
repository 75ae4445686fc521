/**
 * The part of `terraform show -json <planfile>` the review tools read (format_version 1.x), and the one place
 * that turns Terraform's action lists into a single word.
 */
import { InputError } from "../lib/errors";

export interface ResourceChange {
  address: string;
  type: string;
  name: string;
  change: {
    actions: string[];
    before: unknown;
    after: unknown;
    after_unknown?: unknown;
    before_sensitive?: unknown;
    after_sensitive?: unknown;
    /** Set when the plan imports the object (an import block), whatever the actions. */
    importing?: { id?: string };
  };
}

export interface PlanJson {
  format_version: string;
  terraform_version?: string;
  variables?: Record<string, { value: unknown }>;
  resource_changes?: ResourceChange[];
  output_changes?: Record<
    string,
    { actions: string[]; after?: unknown; after_sensitive?: unknown; before_sensitive?: unknown; before?: unknown }
  >;
  configuration?: { root_module?: { variables?: Record<string, { sensitive?: boolean }> } };
}

export type Action = "create" | "update" | "replace" | "delete" | "no-op" | "read";

export function actionOf(actions: readonly string[]): Action {
  const set = new Set(actions);
  if (set.has("delete") && set.has("create")) return "replace";
  if (set.has("create")) return "create";
  if (set.has("delete")) return "delete";
  if (set.has("update")) return "update";
  if (set.has("read")) return "read";
  return "no-op";
}

export class PlanFormatError extends InputError {}

export function parsePlan(text: string, source: string): PlanJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new PlanFormatError(
      `${source} is not JSON (${(e as Error).message}); pass the output of terraform show -json <planfile>`,
    );
  }
  const plan = value as PlanJson;
  if (typeof plan?.format_version !== "string" || !plan.format_version.startsWith("1.")) {
    throw new PlanFormatError(`${source} is not a Terraform plan in JSON format 1.x (no format_version 1.x)`);
  }
  if (plan.resource_changes !== undefined && !Array.isArray(plan.resource_changes)) {
    throw new PlanFormatError(`${source}: resource_changes is not a list`);
  }
  return plan;
}

/** What a reviewer groups changes by; from the resource type. */
export type Kind = "topics" | "statements" | "connector" | "cluster" | "identity" | "database" | "secrets" | "other";

const KIND_BY_TYPE: Array<[RegExp, Kind]> = [
  [/^confluent_(kafka_topic|schema)$/, "topics"],
  [/^confluent_flink_(statement|compute_pool)$/, "statements"],
  // The stack's only terraform_data is the connector's name, which replaces it on a rename (postgres-cdc-connector.ts).
  [/^(confluent_connector|terraform_data)$/, "connector"],
  [/^confluent_(kafka_cluster|environment|schema_registry_cluster)$/, "cluster"],
  [/^confluent_(service_account|api_key|role_binding|kafka_acl|identity_pool)$/, "identity"],
  [/^(postgresql_.*|aws_rds_.*|aws_db_.*)$/, "database"],
  [/^aws_secretsmanager_.*$/, "secrets"],
];

export function kindOf(type: string): Kind {
  return KIND_BY_TYPE.find(([pattern]) => pattern.test(type))?.[1] ?? "other";
}
