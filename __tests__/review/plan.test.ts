/** Plan JSON as the review reads it (review/plan.ts): action words, resource kinds, format errors. */
import { actionOf, kindOf, PlanFormatError, parsePlan } from "../../review/plan";

describe("plan summary", () => {
  test("actions map to one word", () => {
    expect(
      [["create"], ["update"], ["delete", "create"], ["create", "delete"], ["delete"], ["no-op"], ["read"]].map(
        actionOf,
      ),
    ).toEqual(["create", "update", "replace", "replace", "delete", "no-op", "read"]);
  });

  test("resource types map to the kinds a reviewer groups by", () => {
    const types = [
      "confluent_kafka_topic",
      "confluent_flink_statement",
      "confluent_connector",
      "confluent_environment",
      "confluent_role_binding",
      "postgresql_role",
      "aws_secretsmanager_secret",
      "aws_s3_bucket",
    ];
    expect(types.map(kindOf)).toEqual([
      "topics",
      "statements",
      "connector",
      "cluster",
      "identity",
      "database",
      "secrets",
      "other",
    ]);
  });

  test("rejects what is not plan JSON, saying what to pass", () => {
    expect(() => parsePlan("not json", "dev.plan.json")).toThrow(PlanFormatError);
    expect(() => parsePlan('{"planned_values":{}}', "dev.plan.json")).toThrow(/format_version 1.x/);
  });
});
