import { type ITerraformDependable, TerraformStack } from "cdktf";
// cdktf's own logical-id function (not re-exported): the old addresses of renamed grants are computed with it.
import { makeUniqueId } from "cdktf/lib/private/unique";
import { Construct } from "constructs";
import { ApiKey } from "../.gen/providers/confluent/api-key";
import type { DataConfluentFlinkRegion } from "../.gen/providers/confluent/data-confluent-flink-region";
import type { DataConfluentOrganization } from "../.gen/providers/confluent/data-confluent-organization";
import type { DataConfluentSchemaRegistryCluster } from "../.gen/providers/confluent/data-confluent-schema-registry-cluster";
import type { Environment } from "../.gen/providers/confluent/environment";
import { KafkaAcl } from "../.gen/providers/confluent/kafka-acl";
import type { KafkaCluster } from "../.gen/providers/confluent/kafka-cluster";
import { RoleBinding } from "../.gen/providers/confluent/role-binding";
import { ServiceAccount } from "../.gen/providers/confluent/service-account";
import { type AccessPlan, grantId, type KafkaGrant, type PrincipalKey, type SchemaGrant } from "../access/grants";
import { grantKey, type LegacyGrantIndexes } from "../access/legacy-grant-ids";
import { getOrThrow } from "../lib/maps";
import { type CredentialsConfig, consumerCredentialsOf, keyIdOfGeneration } from "../stages/credentials";

export interface PipelineIdentityProps {
  /** Prefix of every service account name, e.g. cdc-routing-dev. */
  readonly namePrefix: string;
  readonly organization: DataConfluentOrganization;
  readonly environment: Environment;
  readonly cluster: KafkaCluster;
  readonly schemaRegistry: DataConfluentSchemaRegistryCluster;
  readonly flinkRegion: DataConfluentFlinkRegion;
  /** Who may do what (access/grants.ts): rendered here, decided there. */
  readonly plan: AccessPlan;
  /** ACLs on Basic clusters (no granular RBAC there; Flink then gets CloudClusterAdmin), role bindings elsewhere. */
  readonly accessControl: "acl" | "rbac";
  /** Positions grants had in the old, index-named plan: each grant still declared is `moved` from its old address. */
  readonly legacy: LegacyGrantIndexes;
  /** Ids of the manager's Flink API keys: the current one and any a kept statement still uses (flinkApiKeysInUse). */
  readonly flinkApiKeys: readonly string[];
  /** The live generations of the manager's and each consumer's keys (stages/credentials.ts): the last is in use. */
  readonly credentials: CredentialsConfig;
}

export interface ApiCredentials {
  readonly key: string;
  readonly secret: string;
}

const credentialsOf = (k: ApiKey): ApiCredentials => ({ key: k.id, secret: k.secret });
/** Principal keys contain ':' (consumer:<name>); Terraform ids and display names use '-'. */
const slug = (key: PrincipalKey | "manager"): string => key.replace(":", "-");

/**
 * Service accounts, API keys and grants. The manager account (EnvironmentAdmin) owns the keys Terraform itself
 * uses for topics, ACLs, schemas and statements; the connector, Flink and each consumer get only their grants.
 */
export class PipelineIdentity extends Construct {
  readonly accounts = new Map<PrincipalKey | "manager", ServiceAccount>();
  /** The connector's account: the managed connector runs as it. */
  readonly connector: ServiceAccount;
  /** Flink's account: every statement runs as it (its `principal`). */
  readonly flink: ServiceAccount;
  /** Grants by principal, so keys and workloads can wait for them (RBAC propagation lag gives 403s). */
  readonly grants = new Map<PrincipalKey | "manager", ITerraformDependable[]>();
  readonly managerKafka: ApiCredentials;
  readonly managerSchemaRegistry: ApiCredentials;
  /** By key id: a statement keeps the key it was deployed with (its credentials cannot change in place). */
  readonly flinkApiKeys = new Map<string, ApiCredentials>();
  /** Each consumer's Kafka key of its newest generation: the one its secret holds. */
  readonly consumerKafkaKeys = new Map<string, ApiKey>();
  private readonly props: PipelineIdentityProps;

  constructor(scope: Construct, id: string, props: PipelineIdentityProps) {
    super(scope, id);
    this.props = props;
    const createAccount = (key: PrincipalKey | "manager"): ServiceAccount => {
      const sa = new ServiceAccount(this, `sa-${slug(key)}`, {
        // The display name says what it is for (manager, connector, flink, consumer-<name>).
        displayName: `${props.namePrefix}-${slug(key)}`,
      });
      this.accounts.set(key, sa);
      this.grants.set(key, []);
      return sa;
    };
    // manager: Terraform's own account for topics, ACLs, schemas and statements.
    createAccount("manager");
    this.connector = createAccount("connector");
    const flink = createAccount("flink");
    this.flink = flink;
    for (const c of props.plan.consumers) createAccount(`consumer:${c}`);

    const envCrn = props.environment.resourceName;
    this.roleBinding("manager", "manager-env-admin", "EnvironmentAdmin", envCrn);
    this.roleBinding("flink", "flink-developer", "FlinkDeveloper", envCrn);
    // The manager submits statements that run as the flink account.
    this.roleBinding(
      "manager",
      "manager-assigner",
      "Assigner",
      `${props.organization.resourceName}/service-account=${flink.id}`,
    );

    const { manager } = props.credentials;
    this.managerKafka = credentialsOf(
      this.apiKeys("manager-kafka", manager.kafkaKeyGenerations, "manager", props.cluster),
    );
    this.managerSchemaRegistry = credentialsOf(
      this.apiKeys("manager-schema-registry", manager.schemaRegistryKeyGenerations, "manager", props.schemaRegistry),
    );
    for (const id of props.flinkApiKeys)
      this.flinkApiKeys.set(id, credentialsOf(this.apiKey(id, "manager", props.flinkRegion)));

    for (const g of props.plan.kafka) this.renderKafkaGrant(g);
    if (props.accessControl === "acl")
      this.roleBinding("flink", "flink-cluster-admin-on-basic", "CloudClusterAdmin", props.cluster.rbacCrn);
    for (const g of props.plan.schemas) this.renderSchemaGrant(g);
    for (const c of props.plan.consumers) {
      const { kafkaKeyGenerations } = consumerCredentialsOf(props.credentials, c);
      this.consumerKafkaKeys.set(
        c,
        this.apiKeys(`consumer-${c}-kafka`, kafkaKeyGenerations, `consumer:${c}`, props.cluster),
      );
    }
  }

  /**
   * One key per live generation (the older ones stay valid until the clean-up removes their generation); returns
   * the newest, the one in use.
   */
  private apiKeys(
    base: string,
    generations: readonly number[],
    principal: PrincipalKey | "manager",
    resource: { id: string; apiVersion: string; kind: string },
  ): ApiKey {
    const keys = generations.map((g) => this.apiKey(keyIdOfGeneration(base, g), principal, resource));
    return keys[keys.length - 1];
  }

  private account(principal: PrincipalKey | "manager"): ServiceAccount {
    return getOrThrow(this.accounts, principal);
  }

  private grantsOf(principal: PrincipalKey | "manager"): ITerraformDependable[] {
    return getOrThrow(this.grants, principal);
  }

  /** A key owned by the principal for one resource of the environment; it waits for the principal's grants so far. */
  private apiKey(
    id: string,
    principal: PrincipalKey | "manager",
    resource: { id: string; apiVersion: string; kind: string },
  ): ApiKey {
    const owner = this.account(principal);
    return new ApiKey(this, id, {
      displayName: `${this.props.namePrefix}-${id}`,
      owner: { id: owner.id, apiVersion: owner.apiVersion, kind: owner.kind },
      managedResource: {
        id: resource.id,
        apiVersion: resource.apiVersion,
        kind: resource.kind,
        environment: [{ id: this.props.environment.id }],
      },
      dependsOn: [...this.grantsOf(principal)],
    });
  }

  private roleBinding(principal: PrincipalKey | "manager", id: string, role: string, crnPattern: string): RoleBinding {
    const rb = new RoleBinding(this, `rb-${id}`, {
      principal: `User:${this.account(principal).id}`,
      roleName: role,
      crnPattern,
    });
    this.grantsOf(principal).push(rb);
    return rb;
  }

  /** A `moved` block from the grant's old index-named address, when it had one (access/legacy-grant-ids.ts). */
  private movedFromIndex(resource: RoleBinding | KafkaAcl, oldId: string | undefined): void {
    if (oldId === undefined) return;
    const components = [
      ...this.node.scopes.slice(TerraformStack.of(this).node.scopes.length).map((s) => s.node.id),
      oldId,
    ];
    resource.moveFromId(`${resource.terraformResourceType}.${makeUniqueId(components)}`);
  }

  private renderSchemaGrant(g: SchemaGrant): void {
    const star = g.pattern === "PREFIXED" ? "*" : "";
    const rb = this.roleBinding(
      g.principal,
      grantId(g.principal, g.role, "subject", g.subject, g.pattern),
      g.role,
      `${this.props.schemaRegistry.resourceName}/subject=${g.subject}${star}`,
    );
    const old =
      g.pattern === "LITERAL"
        ? this.props.legacy.schemas.get(grantKey(g.principal, g.role, "subject", g.subject))
        : undefined;
    this.movedFromIndex(rb, old === undefined ? undefined : `rb-schema-${old}-${slug(g.principal)}`);
  }

  private renderKafkaGrant(g: KafkaGrant): void {
    const { cluster } = this.props;
    const who = slug(g.principal);
    const old =
      g.pattern === "LITERAL" || g.resource !== "topic"
        ? this.props.legacy.kafka.get(grantKey(g.principal, g.role ?? "none", g.resource, g.name))
        : undefined;
    if (this.props.accessControl === "rbac") {
      if (!g.role) return;
      const star = g.pattern === "PREFIXED" ? "*" : "";
      const rb = this.roleBinding(
        g.principal,
        grantId(g.principal, g.role, g.resource, g.name, g.pattern),
        g.role,
        `${cluster.rbacCrn}/kafka=${cluster.id}/${g.resource}=${g.name}${star}`,
      );
      this.movedFromIndex(rb, old === undefined ? undefined : `rb-kafka-${old}-${who}`);
      return;
    }
    // Flink supports no ACLs; on Basic (explicit opt-in, stages/config.ts) its account is CloudClusterAdmin instead.
    if (g.principal === "flink") return;
    for (const op of g.aclOperations) {
      const acl = new KafkaAcl(this, `acl-${grantId(g.principal, op, g.resource, g.name, g.pattern)}`, {
        kafkaCluster: { id: cluster.id },
        restEndpoint: cluster.restEndpoint,
        credentials: this.managerKafka,
        resourceType: g.resource === "transactional-id" ? "TRANSACTIONAL_ID" : g.resource.toUpperCase(),
        resourceName: g.name,
        patternType: g.pattern,
        principal: `User:${this.account(g.principal).id}`,
        host: "*",
        operation: op,
        permission: "ALLOW",
      });
      this.movedFromIndex(acl, old === undefined ? undefined : `acl-${old}-${who}-${op.toLowerCase()}`);
      this.grantsOf(g.principal).push(acl);
    }
  }
}
