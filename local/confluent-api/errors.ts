/**
 * The error bodies Confluent Cloud answers with, as in the provider's recorded responses
 * (internal/testdata of terraform-provider-confluent 2.83.4). The provider prints the detail or message after
 * the status (utils.go createDescriptiveError), so this text is what a failed apply shows.
 *
 * Two families, two shapes:
 * - Cloud APIs (org, cmk, srcm, fcpm, iam, Flink SQL): `{"errors":[{"id","status","code","detail","source"}]}`
 *   (environment/read_deleted_env.json, flink_statement/read_deleted_flink_statement.json);
 * - Kafka REST v3, Connect and Schema Registry: `{"error_code", "message"}` (connector/managed/
 *   read_deleted_connector.json, role_binding/read_deleted_role_binding.json).
 */
export type ErrorFamily = "cloud" | "rest";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** Cloud: the `code` string (e.g. resource_not_found); REST: the numeric `error_code`. */
    readonly code: string | number,
    readonly detail: string,
    readonly family: ErrorFamily = "cloud",
  ) {
    super(detail);
  }

  body(): unknown {
    return this.family === "cloud"
      ? {
          errors: [
            { id: "0".repeat(32), status: String(this.status), code: this.code, detail: this.detail, source: {} },
          ],
        }
      : { error_code: this.code, message: this.detail };
  }
}

export const notFound = (what: string) => new ApiError(404, "resource_not_found", `${what} does not exist`);
export const badRequest = (detail: string) => new ApiError(400, "invalid_input", detail);
/** Missing required fields: Confluent's Cloud APIs answer 400 naming the field (e.g. "spec.display_name"). */
export function requireFields(body: unknown, paths: string[]): void {
  const missing = paths.filter((p) => valueAt(body, p) === undefined || valueAt(body, p) === "");
  if (missing.length > 0) throw badRequest(`Missing required field(s): ${missing.join(", ")}`);
}

export const restNotFound = (errorCode: number, message: string) => new ApiError(404, errorCode, message, "rest");
export const restError = (status: number, errorCode: number, message: string) =>
  new ApiError(status, errorCode, message, "rest");

export function valueAt(body: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>((v, key) => (v && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined), body);
}
