/**
 * The stack's configuration for the local Confluent API double (offline/stack-for-double.ts), and how a plan
 * against the double reports a perpetual diff (e2e/stack-on-double.ts).
 */
import { configForDouble } from "../../offline/stack-for-double";
import { pendingChanges } from "../e2e/stack-on-double";

test("the stack's configuration for the double: endpoint set, aws and postgresql resources and their dependencies left out", () => {
  const synth = {
    terraform: {
      backend: { s3: {} },
      required_providers: { aws: {}, confluent: { source: "confluentinc/confluent" }, postgresql: {} },
    },
    provider: { aws: [{}], confluent: [{ max_retries: 8 }], postgresql: [{}] },
    variable: { v: {} },
    resource: {
      aws_secretsmanager_secret: { s: {} },
      postgresql_role: { r: {} },
      confluent_connector: { c: { depends_on: ["postgresql_publication.p", "confluent_kafka_topic.t"] } },
    },
    data: { confluent_organization: { o: {} } },
  };
  expect(configForDouble(synth, "http://127.0.0.1:1")).toEqual({
    terraform: { required_providers: { confluent: { source: "confluentinc/confluent" } } },
    provider: { confluent: [{ max_retries: 8, endpoint: "http://127.0.0.1:1" }] },
    variable: { v: {} },
    resource: { confluent_connector: { c: { depends_on: ["confluent_kafka_topic.t"] } } },
    data: { confluent_organization: { o: {} } },
  });
});

test("a perpetual diff is reported by resource and attribute; no-ops and reads are not", () => {
  const rc = (address: string, actions: string[], before: unknown, after: unknown) => ({
    address,
    type: address.split(".")[0],
    name: address.split(".")[1],
    change: { actions, before, after },
  });
  const plan = {
    format_version: "1.2",
    resource_changes: [
      rc(
        "confluent_kafka_topic.raw",
        ["update"],
        { config: { "retention.ms": "1" }, partitions_count: 3 },
        { config: { "retention.ms": "2" }, partitions_count: 3 },
      ),
      rc("confluent_environment.env", ["no-op"], { display_name: "x" }, { display_name: "x" }),
      rc("data.confluent_organization.org", ["read"], null, {}),
    ],
  };
  expect(pendingChanges(plan)).toEqual(["confluent_kafka_topic.raw (update): config"]);
});
