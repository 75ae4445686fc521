import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { ApiKey } from "../.gen/providers/confluent/api-key";
import type { DataConfluentOrganization } from "../.gen/providers/confluent/data-confluent-organization";
import type { DataConfluentFlinkRegion } from "../.gen/providers/confluent/data-confluent-flink-region";
import type { DataConfluentSchemaRegistryCluster } from "../.gen/providers/confluent/data-confluent-schema-registry-cluster";
import type { Environment } from "../.gen/providers/confluent/environment";
import { KafkaAcl } from "../.gen/providers/confluent/kafka-acl";
import type { KafkaCluster } from "../.gen/providers/confluent/kafka-cluster";
import { RoleBinding } from "../.gen/providers/confluent/role-binding";
import { ServiceAccount } from "../.gen/providers/confluent/service-account";
import type { AccessPlan, KafkaGrant, PrincipalKey } from "../access/grants";

export interface PipelineIdentityProps {
  /** Prefix of every service account name, e.g. cdc-routing-dev. */
  namePrefix: string;
  organization: DataConfluentOrganization;
  environment: Environment;
  cluster: KafkaCluster;
  schemaRegistry: DataConfluentSchemaRegistryCluster;
  flinkRegion: DataConfluentFlinkRegion;
  plan: AccessPlan;
  /** ACLs on Basic clusters (no granular RBAC there), role bindings elsewhere. */
  accessControl: "acl" | "rbac";
}

export interface ApiCredentials {
  key: string;
  secret: string;
}

const credentialsOf = (k: ApiKey): ApiCredentials => ({ key: k.id, secret: k.secret });

/**
 * Service accounts, API keys and grants. The manager account (EnvironmentAdmin) owns the keys Terraform itself
 * uses for topics, ACLs, schemas and statements; the connector, Flink and each consumer get only their grants.
 */
export class PipelineIdentity extends Construct {
  readonly accounts = new Map<PrincipalKey | "manager", ServiceAccount>();
  /** Grants by principal, so keys and workloads can wait for them (RBAC propagation lag gives 403s). */
  readonly grants = new Map<PrincipalKey | "manager", ITerraformDependable[]>();
  readonly managerKafka: ApiCredentials;
  readonly managerSchemaRegistry: ApiCredentials;
  readonly flinkApi: ApiCredentials;
  readonly consumerKafkaKeys = new Map<string, ApiKey>();
  private readonly props: PipelineIdentityProps;

  constructor(scope: Construct, id: string, props: PipelineIdentityProps) {
    super(scope, id);
    this.props = props;
    const account = (key: PrincipalKey | "manager"): ServiceAccount => {
      const name = key.replace(":", "-");
      const sa = new ServiceAccount(this, `sa-${name}`, {
          // The display name says what it is for (manager, connector, flink, consumer-<name>).
        displayName: `${props.namePrefix}-${name}`,
      });
      this.accounts.set(key, sa);
      this.grants.set(key, []);
      return sa;
    };
    // manager: Terraform's own account for topics, ACLs, schemas and statements.
    const manager = account("manager");
    account("connector");
    const flink = account("flink");
    for (const c of props.plan.consumers) account(`consumer:${c}`);

    const envCrn = props.environment.resourceName;
    this.roleBinding("manager", "manager-env-admin", "EnvironmentAdmin", envCrn);
    this.roleBinding("flink", "flink-developer", "FlinkDeveloper", envCrn);
    // The manager submits statements that run as the flink account.
    this.roleBinding("manager", "manager-assigner", "Assigner", `${props.organization.resourceName}/service-account=${flink.id}`);

    const managerGrants = this.grants.get("manager") as ITerraformDependable[];
    this.managerKafka = credentialsOf(this.apiKey("manager-kafka", manager, managerGrants, this.clusterResource()));
    this.managerSchemaRegistry = credentialsOf(this.apiKey("manager-schema-registry", manager, managerGrants, {
      id: props.schemaRegistry.id,
      apiVersion: props.schemaRegistry.apiVersion,
      kind: props.schemaRegistry.kind,
      environment: [{ id: props.environment.id }],
    }));
    this.flinkApi = credentialsOf(this.apiKey("manager-flink", manager, managerGrants, {
      id: props.flinkRegion.id,
      apiVersion: props.flinkRegion.apiVersion,
      kind: props.flinkRegion.kind,
      environment: [{ id: props.environment.id }],
    }));

    props.plan.kafka.forEach((g, i) => this.renderKafkaGrant(g, i));
    props.plan.schemas.forEach((g, i) =>
      this.roleBinding(g.principal, `schema-${i}-${g.principal.replace(":", "-")}`, g.role, `${props.schemaRegistry.resourceName}/subject=${g.subject}`),
    );
    for (const c of props.plan.consumers) {
      const key = `consumer:${c}` as const;
      this.consumerKafkaKeys.set(c, this.apiKey(`consumer-${c}-kafka`, this.accounts.get(key) as ServiceAccount, this.grants.get(key) as ITerraformDependable[], this.clusterResource()));
    }
  }

  private clusterResource() {
    const { cluster, environment } = this.props;
    return { id: cluster.id, apiVersion: cluster.apiVersion, kind: cluster.kind, environment: [{ id: environment.id }] };
  }

  private apiKey(id: string, owner: ServiceAccount, waitFor: ITerraformDependable[], managed: ConstructorParameters<typeof ApiKey>[2]["managedResource"]): ApiKey {
    return new ApiKey(this, id, {
      displayName: `${this.props.namePrefix}-${id}`,
      owner: { id: owner.id, apiVersion: owner.apiVersion, kind: owner.kind },
      managedResource: managed,
      dependsOn: [...waitFor],
    });
  }

  private roleBinding(principal: PrincipalKey | "manager", id: string, role: string, crnPattern: string): RoleBinding {
    const rb = new RoleBinding(this, `rb-${id}`, {
      principal: `User:${(this.accounts.get(principal) as ServiceAccount).id}`,
      roleName: role,
      crnPattern,
    });
    (this.grants.get(principal) as ITerraformDependable[]).push(rb);
    return rb;
  }

  private renderKafkaGrant(g: KafkaGrant, index: number): void {
    const { cluster } = this.props;
    const who = g.principal.replace(":", "-");
    if (this.props.accessControl === "rbac") {
      if (!g.role) return;
      const star = g.pattern === "PREFIXED" ? "*" : "";
      this.roleBinding(g.principal, `kafka-${index}-${who}`, g.role, `${cluster.rbacCrn}/kafka=${cluster.id}/${g.resource}=${g.name}${star}`);
      return;
    }
    for (const op of g.aclOperations) {
      const acl = new KafkaAcl(this, `acl-${index}-${who}-${op.toLowerCase()}`, {
        kafkaCluster: { id: cluster.id },
        restEndpoint: cluster.restEndpoint,
        credentials: this.managerKafka,
        resourceType: g.resource === "transactional-id" ? "TRANSACTIONAL_ID" : g.resource.toUpperCase(),
        resourceName: g.name,
        patternType: g.pattern,
        principal: `User:${(this.accounts.get(g.principal) as ServiceAccount).id}`,
        host: "*",
        operation: op,
        permission: "ALLOW",
      });
      (this.grants.get(g.principal) as ITerraformDependable[]).push(acl);
    }
  }
}
