import {
  configuredKey,
  duplicateChecks,
  heldLockId,
  importId,
  interpolated,
  lockId,
  orphans,
  recoverySteps,
  type StateResource,
  stateResources,
  stepLine,
} from "../../offline/interrupted-apply";

const values = new Map<string, any>([
  ["confluent_environment.env", { id: "env-000002", display_name: "cdc-routing-dev" }],
  ["confluent_kafka_cluster.cluster", { id: "lkc-000003", rest_endpoint: "http://127.0.0.1:1/kafka" }],
  ["confluent_service_account.flink", { id: "sa-000004" }],
  ["confluent_api_key.manager", { id: "KEY1", secret: "s3cret" }],
]);

const config = {
  resource: {
    confluent_environment: { env: { display_name: "cdc-routing-dev" } },
    confluent_api_key: {
      manager: { display_name: "cdc-routing-dev-manager-kafka" },
      consumer: { display_name: "cdc-routing-dev-consumer-kafka" },
    },
    confluent_kafka_topic: {
      raw: {
        kafka_cluster: { id: "${confluent_kafka_cluster.cluster.id}" },
        topic_name: "raw-business-events",
        rest_endpoint: "${confluent_kafka_cluster.cluster.rest_endpoint}",
        credentials: { key: "${confluent_api_key.manager.id}", secret: "${confluent_api_key.manager.secret}" },
      },
    },
    confluent_flink_statement: {
      v2: { environment: { id: "${confluent_environment.env.id}" }, statement_name: "dev-routing-set-2" },
    },
    confluent_role_binding: {
      rb: {
        principal: "User:${confluent_service_account.flink.id}",
        role_name: "FlinkDeveloper",
        crn_pattern: "crn://confluent.cloud/organization=o/environment=${confluent_environment.env.id}",
      },
    },
  },
};

const state: StateResource[] = [
  { address: "confluent_environment.env", type: "confluent_environment", id: "env-000002" },
  { address: "confluent_kafka_cluster.cluster", type: "confluent_kafka_cluster", id: "lkc-000003" },
  { address: "confluent_service_account.flink", type: "confluent_service_account", id: "sa-000004" },
  { address: "confluent_api_key.manager", type: "confluent_api_key", id: "KEY1" },
  { address: "confluent_schema.raw", type: "confluent_schema", id: "lsrc-000005/raw-value/100001" },
];

describe("orphans: what exists but is in no resource of the state", () => {
  test("an object whose id the state holds is no orphan; a schema compares by cluster and subject", () => {
    const found = orphans(
      [
        { type: "confluent_environment", id: "env-000002", key: "cdc-routing-dev" },
        { type: "confluent_schema", id: "lsrc-000005/raw-value/100007", key: "lsrc-000005/raw-value" },
        { type: "confluent_api_key", id: "KEY9", key: "cdc-routing-dev-manager-kafka" },
        { type: "confluent_environment", id: "env-000001", key: "default" },
      ],
      state,
      new Set(["env-000001"]),
    );
    expect(found).toEqual([{ type: "confluent_api_key", id: "KEY9", key: "cdc-routing-dev-manager-kafka" }]);
  });

  test("the same id under another type is still an orphan", () => {
    expect(orphans([{ type: "confluent_service_account", id: "KEY1", key: "x" }], state)).toHaveLength(1);
  });
});

describe("configured keys, resolved against the state", () => {
  test("references are replaced; one missing from the state leaves the key unresolved", () => {
    expect(interpolated("${confluent_kafka_cluster.cluster.id}/t", values)).toBe("lkc-000003/t");
    expect(interpolated("${confluent_kafka_cluster.other.id}/t", values)).toBeUndefined();
    expect(configuredKey("confluent_role_binding", config.resource.confluent_role_binding.rb, values)).toBe(
      "User:sa-000004|FlinkDeveloper|crn://confluent.cloud/organization=o/environment=env-000002",
    );
    expect(configuredKey("confluent_flink_statement", config.resource.confluent_flink_statement.v2, values)).toBe(
      "env-000002/dev-routing-set-2",
    );
  });
});

describe("recovery steps", () => {
  const steps = recoverySteps(
    [
      { type: "confluent_kafka_topic", id: "lkc-000003/raw-business-events", key: "lkc-000003/raw-business-events" },
      {
        type: "confluent_flink_statement",
        id: "env-000002/lfcp-000006/dev-routing-set-2",
        key: "env-000002/dev-routing-set-2",
      },
      { type: "confluent_api_key", id: "KEY9", key: "cdc-routing-dev-manager-kafka" },
      { type: "confluent_api_key", id: "KEY8", key: "cdc-routing-dev-consumer-kafka" },
      { type: "confluent_environment", id: "env-000009", key: "cdc-routing-dev" },
      { type: "confluent_environment", id: "env-000010", key: "someone-else" },
    ],
    config,
    state,
    values,
  );

  test("a unique name not in the state yet is imported, under the import id the provider takes", () => {
    expect(steps.slice(0, 2).map((s) => stepLine(s))).toEqual([
      "terraform import 'confluent_kafka_topic.raw' 'lkc-000003/raw-business-events'",
      "terraform import 'confluent_flink_statement.v2' 'dev-routing-set-2'",
    ]);
  });

  test("a duplicate of a resource in the state, an API key, an object of no resource: deleted", () => {
    expect(steps.slice(2).map((s) => stepLine(s))).toEqual([
      "# delete confluent_api_key KEY9 (a duplicate of confluent_api_key.manager, which the state holds)",
      "# delete confluent_api_key KEY8 (an API key's secret was only in the lost answer (import needs API_KEY_SECRET); the re-run creates confluent_api_key.consumer)",
      "# delete confluent_environment env-000009 (a duplicate of confluent_environment.env, which the state holds)",
      "# delete confluent_environment env-000010 (no resource of the configuration is this object)",
    ]);
  });

  test("an orphan a configured resource may be, whose key needs objects the state lacks: undecided, not deleted", () => {
    // A state that lost the environment (a torn local state file, or a kill before it was written): the
    // statement's key cannot be formed, so an orphan statement cannot be told apart from it yet.
    const withoutEnvironment = new Map([...values].filter(([address]) => address !== "confluent_environment.env"));
    const orphan = { type: "confluent_flink_statement", id: "env-000002/lfcp-000006/x", key: "env-000002/x" };
    const [undecided] = recoverySteps([orphan], config, state, withoutEnvironment);
    expect(stepLine(undecided)).toBe(
      "# not yet: confluent_flink_statement env-000002/lfcp-000006/x (confluent_flink_statement.v2 may be this object: it refers to objects the state does not hold yet; import those, then look again)",
    );
    // With the environment in the state the same orphan is decided: no configured statement has its name.
    expect(recoverySteps([orphan], config, state, values)[0]).toMatchObject({
      kind: "delete",
      reason: "no resource of the configuration is this object",
    });
  });

  test("the printed line names the import variables, never their values", () => {
    expect(stepLine(steps[0], ["IMPORT_KAFKA_API_KEY", "IMPORT_KAFKA_API_SECRET"])).toBe(
      "IMPORT_KAFKA_API_KEY=… IMPORT_KAFKA_API_SECRET=… terraform import 'confluent_kafka_topic.raw' 'lkc-000003/raw-business-events'",
    );
    expect(stepLine(steps[0], ["IMPORT_KAFKA_API_SECRET"])).not.toContain("s3cret");
  });

  test("a connector is imported by <environment>/<cluster>/<name>", () => {
    expect(importId({ type: "confluent_connector", id: "lcc-000001", key: "env-1/lkc-2/cdc" })).toBe("env-1/lkc-2/cdc");
  });
});

describe("terraform's state and lock files", () => {
  test("managed resources of terraform show -json, data sources left out", () => {
    expect(
      stateResources({
        values: {
          root_module: {
            resources: [
              {
                address: "data.confluent_organization.o",
                mode: "data",
                type: "confluent_organization",
                values: { id: "o" },
              },
              {
                address: "confluent_environment.env",
                mode: "managed",
                type: "confluent_environment",
                values: { id: "env-1" },
              },
            ],
          },
        },
      }),
    ).toEqual([{ address: "confluent_environment.env", type: "confluent_environment", id: "env-1" }]);
    expect(stateResources({})).toEqual([]);
  });

  test("the lock ID in terraform's lock error, for terraform force-unlock", () => {
    const output = [
      "Error: Error acquiring the state lock",
      "",
      "Error message: operation error S3: PutObject, https response error StatusCode: 412, PreconditionFailed",
      "Lock Info:",
      "  ID:        9db590f1-b6fe-c5f2-2678-8804f089deba",
      "  Path:      cdc-routing-state/dev/terraform.tfstate",
      "  Operation: OperationTypeApply",
    ].join("\n");
    expect(heldLockId(output)).toBe("9db590f1-b6fe-c5f2-2678-8804f089deba");
    expect(heldLockId("Error: Connector cdc already exists\n  ID: x")).toBeUndefined();
  });

  test("the lock ID of .terraform.tfstate.lock.info, for terraform force-unlock", () => {
    const info = JSON.stringify({
      ID: "3f1c2a9e-7a53-2b1d-41c8-0d3e5b6a7c8d",
      Operation: "OperationTypeApply",
      Who: "runner@ci",
      Version: "1.11.4",
      Path: "terraform.tfstate",
    });
    expect(lockId(info)).toBe("3f1c2a9e-7a53-2b1d-41c8-0d3e5b6a7c8d");
    expect(() => lockId("{}")).toThrow("the lock file names no lock ID");
  });
});

describe("duplicate checks after the re-run", () => {
  test("per environment, owner and principal: the confluent CLI listing and the ids the state keeps", () => {
    const resources: StateResource[] = [
      { address: "confluent_environment.env", type: "confluent_environment", id: "env-1" },
      { address: "confluent_kafka_cluster.c", type: "confluent_kafka_cluster", id: "lkc-2" },
      { address: "confluent_flink_compute_pool.p", type: "confluent_flink_compute_pool", id: "lfcp-3" },
      { address: "confluent_api_key.a", type: "confluent_api_key", id: "KEYA" },
      { address: "confluent_api_key.b", type: "confluent_api_key", id: "KEYB" },
      { address: "confluent_role_binding.r", type: "confluent_role_binding", id: "rb-4" },
    ];
    const shown = new Map<string, any>([
      ["confluent_kafka_cluster.c", { environment: [{ id: "env-1" }] }],
      ["confluent_flink_compute_pool.p", { environment: [{ id: "env-1" }] }],
      ["confluent_api_key.a", { owner: [{ id: "sa-9" }] }],
      ["confluent_api_key.b", { owner: [{ id: "sa-9" }] }],
      ["confluent_role_binding.r", { principal: "User:sa-9" }],
    ]);
    expect(duplicateChecks(resources, shown)).toEqual([
      "confluent environment list   # keep env-1",
      "confluent kafka cluster list --environment env-1   # keep lkc-2",
      "confluent flink compute-pool list --environment env-1   # keep lfcp-3",
      "confluent api-key list --service-account sa-9   # keep KEYA, KEYB",
      "confluent iam rbac role-binding list --principal User:sa-9   # keep 1: rb-4",
    ]);
  });
});
