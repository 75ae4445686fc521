/**
 * Grants per consumer (access/grants.ts): the least-privilege matrix, ACLs on Basic and role bindings elsewhere, and
 * on synthesized Terraform that no consumer's grants cover another consumer's topic or subject, that grant addresses
 * do not depend on positions, that resources grow by two per filter, and that the Flink API key does not move. The
 * naming rule that keeps prefixed grants safe: filters/topic-scopes.test.ts.
 */
import type { TerraformStack } from "cdktf";
import { accessPlan } from "../../access/grants";
import { scaleFiltersYaml, type TopicNaming } from "../../bench/scale-inputs";
import { RoutingStageStack } from "../../constructs/routing-stage-stack";
import { loadFilters, parseFiltersYaml } from "../../filters/load";
import type { FilterSet } from "../../filters/model";
import { evolveStage } from "../../lock/stage-lock";
import { parseStageConfig } from "../../stages/config";
import { STAGE_NAMES } from "../../stages/names";
import { stageConfig } from "../../stages/stages";
import { synthBasicStage, synthStack, synthStage } from "../support/stack-helpers";

type Json = Record<string, any>;
const values = (o: Json | undefined) => Object.values(o ?? {}) as Json[];

const scaleSet = (filters: number, consumers: number, naming: TopicNaming = "consumer"): FilterSet =>
  parseFiltersYaml(scaleFiltersYaml(filters, consumers, naming), "scale.yaml", { stages: STAGE_NAMES });

/**
 * One stage of the set, with the lock the lock tool writes for it; `deployedBeforeRenaming`: the stage declares it
 * was applied before grants were renamed (stages/deployed-before.ts), so its grants carry moved blocks.
 */
function synthSet(set: FilterSet, stageName = "dev", basic = false, deployedBeforeRenaming = false): Json {
  const dev = stageConfig(stageName as "dev");
  const stage = parseStageConfig({
    ...dev,
    ...(basic
      ? { kafka: { type: "basic", availability: "SINGLE_ZONE", flinkAccessOnBasic: "CloudClusterAdmin" } }
      : {}),
    deployedBefore: { grantRenaming: deployedBeforeRenaming },
  });
  const lock = evolveStage({}, set, stage);
  return synthStack((app) => new RoutingStageStack(app, { stage, filters: set, lock }) as TerraformStack);
}

/** Service account address -> consumer name, from the accounts' display names (cdc-routing-<stage>-consumer-<name>). */
function consumerAccounts(synth: Json): Map<string, string> {
  return new Map(
    Object.entries(synth.resource.confluent_service_account as Json)
      .filter(([, sa]) => /-consumer-/.test(sa.display_name))
      .map(([id, sa]) => [`confluent_service_account.${id}.id`, sa.display_name.replace(/^.*?-consumer-/, "")]),
  );
}

const matches = (pattern: string, name: string): boolean =>
  pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : name === pattern;

/** Per consumer, the declared topics and registered subjects its role bindings (or ACLs, on Basic) let it read. */
function readableByConsumer(synth: Json): Map<string, { topics: string[]; subjects: string[] }> {
  const accounts = consumerAccounts(synth);
  const topics = values(synth.resource.confluent_kafka_topic).map((t) => t.topic_name as string);
  const subjects = values(synth.resource.confluent_schema).map((s) => s.subject_name as string);
  const readable = new Map(
    [...accounts.values()].map((c) => [c, { topics: new Set<string>(), subjects: new Set<string>() }]),
  );
  const consumerOf = (principal: string) => accounts.get(principal.replace(/^User:\$\{(.*)\}$/, "$1"));
  for (const rb of values(synth.resource.confluent_role_binding)) {
    const consumer = consumerOf(rb.principal);
    if (!consumer) continue;
    const topic = /\/topic=([^/]+)$/.exec(rb.crn_pattern)?.[1];
    const subject = /\/subject=([^/]+)$/.exec(rb.crn_pattern)?.[1];
    for (const t of topic ? topics.filter((n) => matches(topic, n)) : []) readable.get(consumer)!.topics.add(t);
    for (const s of subject ? subjects.filter((n) => matches(subject, n)) : []) readable.get(consumer)!.subjects.add(s);
  }
  for (const acl of values(synth.resource.confluent_kafka_acl)) {
    const consumer = consumerOf(acl.principal);
    if (!consumer || acl.resource_type !== "TOPIC" || acl.operation !== "READ") continue;
    const pattern = acl.pattern_type === "PREFIXED" ? `${acl.resource_name}*` : acl.resource_name;
    for (const t of topics.filter((n) => matches(pattern, n))) readable.get(consumer)!.topics.add(t);
  }
  return new Map(
    [...readable].map(([c, r]) => [c, { topics: [...r.topics].sort(), subjects: [...r.subjects].sort() }]),
  );
}

function expectedByConsumer(set: FilterSet, stage = "dev"): Map<string, { topics: string[]; subjects: string[] }> {
  const expected = new Map<string, { topics: string[]; subjects: string[] }>();
  for (const f of set.filters.filter((x) => x.enabled && x.stages.includes(stage))) {
    const e = expected.get(f.consumer) ?? { topics: [], subjects: [] };
    e.topics.push(f.outputTopic);
    e.subjects.push(`${f.outputTopic}-value`);
    expected.set(f.consumer, e);
  }
  return new Map([...expected].map(([c, e]) => [c, { topics: e.topics.sort(), subjects: e.subjects.sort() }]));
}

describe("a removed filter's topic kept in prod", () => {
  test.each([
    ["consumer-00.route0000", "consumer"],
    ["filtered-route-0000-events", "system"],
  ] as const)(
    "%s stays declared with its value schema, also after the clean-up, readable by its consumer (to drain it) and by no other (%s naming)",
    (topic, naming) => {
      const prod = stageConfig("prod");
      const before = scaleSet(40, 4, naming);
      const after = { ...before, filters: before.filters.filter((f) => f.name !== "route-0000") };
      const removed = evolveStage({ prod: evolveStage({}, before, prod) }, after, prod);
      const synthProd = (lock: typeof removed) =>
        synthStack((app) => new RoutingStageStack(app, { stage: prod, filters: after, lock }) as TerraformStack);
      const cleaned = evolveStage({ prod: removed }, after, prod, { cleanup: true });
      for (const synth of [synthProd(removed), synthProd(cleaned)]) {
        expect(values(synth.resource.confluent_kafka_topic).map((t) => t.topic_name)).toContain(topic);
        // The same resource id as while the filter ran: the schema is kept, not deleted and registered again.
        const schemaIds = Object.entries(synth.resource.confluent_schema as Json)
          .filter(([, schema]) => schema.subject_name === `${topic}-value`)
          .map(([id]) => id);
        expect(schemaIds).toEqual([expect.stringContaining("schema-route-0000")]);
        const readable = readableByConsumer(synth);
        expect(readable.get("consumer-00")!.topics).toContain(topic);
        expect(readable.get("consumer-00")!.subjects).toContain(`${topic}-value`);
        for (const [consumer, r] of readable) if (consumer !== "consumer-00") expect(r.topics).not.toContain(topic);
      }
    },
  );
});

describe("no consumer can read another consumer's topic (synthesized Terraform)", () => {
  test.each([
    [
      "the default filters, role bindings",
      () => parseFiltersYaml(require("node:fs").readFileSync("filters/filters.yaml", "utf8"), "filters.yaml"),
      false,
    ],
    ["100 filters over 20 consumers, role bindings", () => scaleSet(100, 20), false],
    ["100 filters over 20 consumers, ACLs on Basic", () => scaleSet(100, 20), true],
    [
      "100 filters over 20 consumers named filtered-<name>-events, role bindings",
      () => scaleSet(100, 20, "system"),
      false,
    ],
    [
      "100 filters over 20 consumers named filtered-<name>-events, ACLs on Basic",
      () => scaleSet(100, 20, "system"),
      true,
    ],
  ] as const)("%s: each consumer reads exactly its own topics and subjects", (_, load, basic) => {
    const set = load();
    expect(readableByConsumer(synthSet(set, "dev", basic))).toEqual(expectedByConsumer(set));
  });

  test("a prefixed grant is one role binding per consumer and resource, with a trailing *", () => {
    const plan = accessPlan(scaleSet(100, 20), "dev");
    const consumer07 = plan.kafka
      .filter((g) => g.principal === "consumer:consumer-07")
      .map((g) => `${g.role} ${g.resource} ${g.name} ${g.pattern}`);
    expect(consumer07).toEqual([
      "DeveloperRead topic consumer-07. PREFIXED",
      "DeveloperRead group consumer-07- PREFIXED",
    ]);
    expect(plan.schemas.filter((g) => g.principal === "consumer:consumer-07")).toEqual([
      { principal: "consumer:consumer-07", subject: "consumer-07.", pattern: "PREFIXED", role: "DeveloperRead" },
    ]);
  });
});

describe("resources and addresses at scale", () => {
  const count = (synth: Json) => values(synth.resource).reduce((n, byId) => n + Object.keys(byId).length, 0);

  test("two resources per filter (topic, value schema) plus a constant per consumer", () => {
    const [a, b, c] = [synthSet(scaleSet(40, 4)), synthSet(scaleSet(80, 4)), synthSet(scaleSet(80, 8))];
    expect(count(b) - count(a)).toBe(2 * 40);
    // Per consumer: service account, Kafka API key, Secrets Manager secret + version, and five role bindings
    // (its topics and subjects for itself and for Flink, its consumer groups).
    expect(count(c) - count(b)).toBe(4 * 9);
  });

  test("45 filters over 5 consumers instead of 40 over 4: every grant of the first 4 consumers keeps its address and content", () => {
    const before = synthSet(scaleSet(40, 4));
    const after = synthSet(scaleSet(45, 5));
    for (const type of ["confluent_role_binding", "confluent_kafka_acl"]) {
      for (const [id, block] of Object.entries((before.resource[type] ?? {}) as Json))
        expect({ id, block: after.resource[type][id] }).toEqual({ id, block });
    }
  });

  test("the Flink API key the statements use keeps its address and block when filters, consumers and grants change", () => {
    const flinkKey = (synth: Json) =>
      Object.entries(synth.resource.confluent_api_key as Json).filter(([id]) => id.includes("manager-flink"));
    const before = flinkKey(synthSet(scaleSet(40, 4)));
    expect(before).toHaveLength(1);
    expect(flinkKey(synthSet(scaleSet(45, 5)))).toEqual(before);
    expect(flinkKey(synthSet(scaleSet(4, 4)))).toEqual(before);
    // Its statements reference exactly that key.
    const statement = values(synthSet(scaleSet(40, 4)).resource.confluent_flink_statement)[0];
    expect(statement.credentials).toEqual({
      key: `\${confluent_api_key.${before[0][0]}.id}`,
      secret: `\${confluent_api_key.${before[0][0]}.secret}`,
    });
  });
});

describe("moved blocks from the index-named grants, for a stage deployed before the renaming", () => {
  const shipped = () =>
    parseFiltersYaml(require("node:fs").readFileSync("filters/filters.yaml", "utf8"), "filters.yaml");

  test("a stage that does not declare deployedBefore.grantRenaming (every shipped stage) has no moved block", () => {
    expect(synthSet(shipped()).moved).toBeUndefined();
    for (const stage of STAGE_NAMES) expect(synthStage(stage).moved).toBeUndefined();
  });

  test("every old role binding address of the default dev stage moves to the grant with the same principal, role and CRN", () => {
    const dev = synthSet(shipped(), "dev", false, true);
    const moved = new Map((dev.moved as Array<{ from: string; to: string }>).map((m) => [m.from, m.to]));
    // Addresses as the stack declared them before (from the previous snapshot).
    expect(moved.get("confluent_role_binding.identity_rb-kafka-17-flink_7721798A")).toMatch(
      /^confluent_role_binding\.identity_rb-flink-DeveloperRead-transactional-id-_confluent-flink__/,
    );
    expect(moved.get("confluent_role_binding.identity_rb-kafka-6-consumer-loan-servicing_8DD3FEFB")).toMatch(
      /identity_rb-consumer-loan-servicing-DeveloperRead-topic-filtered-loan-created-events_/,
    );
    expect(moved.get("confluent_role_binding.identity_rb-schema-0-connector_7BC6F992")).toMatch(
      /identity_rb-connector-DeveloperWrite-subject-raw-business-events-value_/,
    );
    const bindings = dev.resource.confluent_role_binding as Json;
    // All but the environment-level bindings and the metrics reader's, never index-named.
    const identity = Object.keys(bindings).filter((id) => id.startsWith("identity_"));
    expect(Object.keys(bindings).length - identity.length).toBe(1);
    expect(moved.size).toBe(identity.length - 3);
    for (const to of moved.values()) expect(bindings[to.split(".")[1]]).toBeDefined();
  });

  test("on a Basic stage every ACL moves from its old address acl-<i>-<principal>-<operation>", () => {
    const basic = synthSet(shipped(), "dev", true, true);
    const acls = (basic.moved as Array<{ from: string; to: string }>).filter((m) =>
      m.to.startsWith("confluent_kafka_acl."),
    );
    expect(acls.map((m) => m.to.split(".")[1]).sort()).toEqual(Object.keys(basic.resource.confluent_kafka_acl).sort());
    for (const m of acls)
      expect(m.from).toMatch(
        /^confluent_kafka_acl\.identity_acl-\d+-(connector|consumer-[a-z-]+)-(read|write|describe)_[0-9A-F]{8}$/,
      );
    expect(acls.find((m) => m.from.includes("acl-0-connector-describe"))!.to).toMatch(
      /identity_acl-connector-DESCRIBE-cluster-kafka-cluster_/,
    );
  });
});

describe("access: least privilege, ACLs on Basic and role bindings elsewhere", () => {
  const set = loadFilters("filters/filters.yaml");
  const plan = accessPlan(set, "dev");

  test("the matrix: connector writes raw, Flink reads raw and writes sinks, consumers read only their own", () => {
    const rows = plan.kafka.filter((g) => g.resource === "topic").map((g) => `${g.principal} ${g.role} ${g.name}`);
    expect(rows).toEqual([
      "connector DeveloperWrite raw-business-events",
      "flink DeveloperRead raw-business-events",
      "flink DeveloperWrite filtered-loan-created-events",
      "consumer:loan-servicing DeveloperRead filtered-loan-created-events",
      "flink DeveloperWrite filtered-loan-payment-submitted-events",
      "consumer:loan-payments DeveloperRead filtered-loan-payment-submitted-events",
      "flink DeveloperWrite filtered-car-created-events",
      "consumer:car-inventory DeveloperRead filtered-car-created-events",
      "flink DeveloperWrite filtered-service-events",
      "consumer:service-history DeveloperRead filtered-service-events",
    ]);
    expect(
      plan.kafka.filter((g) => g.resource === "group").map((g) => `${g.principal} ${g.pattern} ${g.name}`),
    ).toEqual([
      "flink PREFIXED _confluent-flink_",
      "consumer:loan-servicing PREFIXED loan-servicing-",
      "consumer:loan-payments PREFIXED loan-payments-",
      "consumer:car-inventory PREFIXED car-inventory-",
      "consumer:service-history PREFIXED service-history-",
    ]);
  });

  test("a Basic stage renders ACLs (none for Flink, which gets CloudClusterAdmin); staging (Standard) renders topic role bindings with CRN patterns", () => {
    const dev = synthBasicStage();
    const acls = values(dev.resource.confluent_kafka_acl);
    expect(acls.length).toBe(
      plan.kafka.filter((g) => g.principal !== "flink").reduce((n, g) => n + g.aclOperations.length, 0),
    );
    // Only the connector writes by ACL; Flink writes the sinks as CloudClusterAdmin.
    expect(
      acls.filter((a) => a.operation === "WRITE" && a.resource_type === "TOPIC").map((a) => a.resource_name),
    ).toEqual(["raw-business-events"]);
    expect(
      values(dev.resource.confluent_role_binding)
        .filter((r) => r.role_name === "CloudClusterAdmin")
        .map((r) => [r.principal, r.crn_pattern]),
    ).toEqual([
      [
        expect.stringContaining("identity_sa-flink"),
        expect.stringMatching(/^\$\{confluent_kafka_cluster\.[\w]+\.rbac_crn\}$/),
      ],
    ]);
    const staging = synthStage("staging");
    expect(staging.resource.confluent_kafka_acl).toBeUndefined();
    const crns = values(staging.resource.confluent_role_binding).map(
      (r) => `${r.role_name} ${r.crn_pattern.replace(/\$\{[^}]+\}/g, "X")}`,
    );
    expect(crns).toContain("DeveloperRead X/kafka=X/topic=filtered-car-created-events");
    expect(crns).toContain("DeveloperManage X/kafka=X/group=_confluent-flink_*");
    expect(crns).toContain("FlinkDeveloper X");
    expect(crns).toContain("DeveloperWrite X/subject=raw-business-events-value");
  });

  test("consumer API keys wait for their grants", () => {
    const dev = synthStage("dev");
    const key = Object.entries(dev.resource.confluent_api_key as Record<string, any>).find(([n]) =>
      n.includes("consumer-car-inventory"),
    )![1];
    expect(key.depends_on.length).toBe(3); // topic DeveloperRead, group DeveloperRead, schema subject DeveloperRead
    expect(key.depends_on.every((d: string) => /confluent_role_binding\./.test(d))).toBe(true);
    const onBasic = Object.entries(synthBasicStage().resource.confluent_api_key as Record<string, any>).find(([n]) =>
      n.includes("consumer-car-inventory"),
    )![1];
    expect(onBasic.depends_on.length).toBe(3 + 1); // topic READ+DESCRIBE, group READ, + schema subject role binding
  });
});

describe("several captured tables", () => {
  const twoTables = loadFilters("filters/filters-two-tables.yaml");
  const rawGrants = (stage: string) =>
    accessPlan(twoTables, stage)
      .kafka.filter((g) => g.resource === "topic" && g.name.startsWith("raw-"))
      .map((g) => `${g.principal} ${g.role} ${g.name}`);

  test("the connector writes and Flink reads exactly the raw topics of the tables the stage captures", () => {
    expect(rawGrants("dev")).toEqual([
      "connector DeveloperWrite raw-business-events",
      "flink DeveloperRead raw-business-events",
      "connector DeveloperWrite raw-loan-entities",
      "flink DeveloperRead raw-loan-entities",
    ]);
    expect(rawGrants("prod")).toEqual([
      "connector DeveloperWrite raw-business-events",
      "flink DeveloperRead raw-business-events",
    ]);
    expect(accessPlan(twoTables, "dev").schemas.map((g) => `${g.principal} ${g.subject}`)).toEqual(
      expect.arrayContaining(["connector raw-loan-entities-value", "flink raw-loan-entities-value"]),
    );
  });

  test("the dev stack declares a raw topic, value schema, route and publication entry per table", () => {
    const dev = stageConfig("dev");
    const lock = evolveStage({}, twoTables, dev);
    const stack = synthStack((app) => new RoutingStageStack(app, { stage: dev, filters: twoTables, lock }));
    const topics = Object.values(stack.resource.confluent_kafka_topic).map((t: any) => t.topic_name);
    expect(topics).toEqual(expect.arrayContaining(["raw-business-events", "raw-loan-entities"]));
    const [connector] = Object.values(stack.resource.confluent_connector) as any[];
    expect(connector.config_nonsensitive["table.include.list"]).toBe("public\\.business_events,public\\.loan_entities");
    expect(connector.config_nonsensitive["transforms.route_public_loan_entities.regex"]).toBe(
      "^cdc-routing-dev\\.public\\.loan_entities$",
    );
    const [publication] = Object.values(stack.resource.postgresql_publication) as any[];
    expect(publication.tables).toEqual(["public.business_events", "public.loan_entities"]);
  });
});
