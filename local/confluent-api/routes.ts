/**
 * Every call the double answers: exactly what confluent provider 2.83.4 calls for this stack's resources and
 * data sources (docs/design/confluent-api-calls.md), and what the monitoring and `cdc-routing status` read. Anything
 * else is a 404 that names the method and path.
 * The label is the resource type or data source the call serves, for the per-type call counts.
 */
import * as cmk from "./cmk";
import * as connect from "./connect";
import * as fcpm from "./fcpm";
import * as flink from "./flink-statements";
import { type Route, route } from "./http";
import * as iam from "./iam";
import * as kafka from "./kafka-rest";
import * as metrics from "./metrics-export";
import * as org from "./org";
import * as sr from "./schema-registry";
import * as health from "./statement-health";

const TOPICS = "/kafka/v3/clusters/{cluster}/topics";
const CONNECT = "/connect/v1/environments/{env}/clusters/{cluster}";
const SR = "/schema-registry/{registry}";
const STATEMENTS = "/sql/v1/organizations/{org}/environments/{env}/statements";

export const ROUTES: readonly Route[] = [
  route("GET", "/org/v2/environments", "data.confluent_organization", org.listEnvironments),
  route("POST", "/org/v2/environments", "confluent_environment", org.postEnvironment),
  route("GET", "/org/v2/environments/{id}", "confluent_environment", org.getEnvironment),
  route("PATCH", "/org/v2/environments/{id}", "confluent_environment", org.patchEnvironment),
  route("DELETE", "/org/v2/environments/{id}", "confluent_environment", org.deleteEnvironment),
  route("GET", "/srcm/v3/clusters", "data.confluent_schema_registry_cluster", org.listSchemaRegistries),
  route("GET", "/srcm/v3/clusters/{id}", "data.confluent_schema_registry_cluster", org.getSchemaRegistry),

  route("POST", "/cmk/v2/clusters", "confluent_kafka_cluster", cmk.postCluster),
  route("GET", "/cmk/v2/clusters/{id}", "confluent_kafka_cluster", cmk.getCluster),
  route("PATCH", "/cmk/v2/clusters/{id}", "confluent_kafka_cluster", cmk.patchCluster),
  route("DELETE", "/cmk/v2/clusters/{id}", "confluent_kafka_cluster", cmk.deleteCluster),

  route("GET", "/fcpm/v2/regions", "data.confluent_flink_region", fcpm.listRegions),
  route("POST", "/fcpm/v2/compute-pools", "confluent_flink_compute_pool", fcpm.postComputePool),
  route("GET", "/fcpm/v2/compute-pools/{id}", "confluent_flink_compute_pool", fcpm.getComputePool),
  route("PATCH", "/fcpm/v2/compute-pools/{id}", "confluent_flink_compute_pool", fcpm.patchComputePool),
  route("DELETE", "/fcpm/v2/compute-pools/{id}", "confluent_flink_compute_pool", fcpm.deleteComputePool),

  route("POST", "/iam/v2/service-accounts", "confluent_service_account", iam.postServiceAccount),
  route("GET", "/iam/v2/service-accounts/{id}", "confluent_service_account", iam.getServiceAccount),
  route("PATCH", "/iam/v2/service-accounts/{id}", "confluent_service_account", iam.patchServiceAccount),
  route("DELETE", "/iam/v2/service-accounts/{id}", "confluent_service_account", iam.deleteServiceAccount),
  route("POST", "/iam/v2/api-keys", "confluent_api_key", iam.postApiKey),
  route("GET", "/iam/v2/api-keys/{id}", "confluent_api_key", iam.getApiKey),
  route("PATCH", "/iam/v2/api-keys/{id}", "confluent_api_key", iam.patchApiKey),
  route("DELETE", "/iam/v2/api-keys/{id}", "confluent_api_key", iam.deleteApiKey),
  route("POST", "/iam/v2/role-bindings", "confluent_role_binding", iam.postRoleBinding),
  route("GET", "/iam/v2/role-bindings/{id}", "confluent_role_binding", iam.getRoleBinding),
  route("DELETE", "/iam/v2/role-bindings/{id}", "confluent_role_binding", iam.deleteRoleBinding),

  route("GET", TOPICS, "confluent_api_key (Kafka key sync)", kafka.listTopics),
  route("POST", TOPICS, "confluent_kafka_topic", kafka.postTopic),
  route("GET", `${TOPICS}/{topic}`, "confluent_kafka_topic", kafka.getTopic),
  route("PATCH", `${TOPICS}/{topic}`, "confluent_kafka_topic", kafka.patchTopic),
  route("DELETE", `${TOPICS}/{topic}`, "confluent_kafka_topic", kafka.deleteTopic),
  route("GET", `${TOPICS}/{topic}/configs`, "confluent_kafka_topic", kafka.listTopicConfigs),
  route("POST", `${TOPICS}/{topic}/configs:alter`, "confluent_kafka_topic", kafka.alterTopicConfigs),
  route("POST", "/kafka/v3/clusters/{cluster}/acls", "confluent_kafka_acl", kafka.postAcl),
  route("GET", "/kafka/v3/clusters/{cluster}/acls", "confluent_kafka_acl", kafka.searchAcls),
  route("DELETE", "/kafka/v3/clusters/{cluster}/acls", "confluent_kafka_acl", kafka.deleteAcls),

  route("PUT", `${CONNECT}/connector-plugins/{plugin}/config/validate`, "confluent_connector", connect.validateConfig),
  route("POST", `${CONNECT}/connectors`, "confluent_connector", connect.postConnector),
  route("GET", `${CONNECT}/connectors`, "confluent_connector", connect.listConnectors),
  route("GET", `${CONNECT}/connectors/{name}/status`, "confluent_connector", connect.connectorStatus),
  route("PUT", `${CONNECT}/connectors/{name}/config`, "confluent_connector", connect.putConnectorConfig),
  route("PUT", `${CONNECT}/connectors/{name}/pause`, "confluent_connector", connect.pauseConnector),
  route("PUT", `${CONNECT}/connectors/{name}/resume`, "confluent_connector", connect.resumeConnector),
  route("DELETE", `${CONNECT}/connectors/{name}`, "confluent_connector", connect.deleteConnector),

  route("POST", `${SR}/compatibility/subjects/{subject}/versions`, "confluent_schema", sr.testCompatibility),
  route("POST", `${SR}/compatibility/subjects/{subject}/versions/{version}`, "confluent_schema", sr.testCompatibility),
  route("POST", `${SR}/subjects/{subject}/versions`, "confluent_schema", sr.registerSchema),
  route("POST", `${SR}/subjects/{subject}`, "confluent_schema", sr.lookUpSchema),
  route("GET", `${SR}/subjects/{subject}/versions/{version}`, "confluent_schema", sr.getVersion),
  route("DELETE", `${SR}/subjects/{subject}/versions/{version}`, "confluent_schema", sr.deleteVersion),
  route("GET", `${SR}/schemas`, "confluent_schema", sr.listSchemas),
  route("GET", `${SR}/config`, "confluent_schema_registry_cluster_config", sr.getRegistryConfig),
  route("GET", `${SR}/config/{subject}`, "confluent_subject_config", sr.getSubjectConfig),
  route("PUT", `${SR}/config/{subject}`, "confluent_subject_config", sr.putSubjectConfig),
  route("DELETE", `${SR}/config/{subject}`, "confluent_subject_config", sr.deleteSubjectConfig),

  route("POST", STATEMENTS, "confluent_flink_statement", flink.postStatement),
  route("GET", `${STATEMENTS}/{name}`, "confluent_flink_statement", flink.getStatement),
  route("PUT", `${STATEMENTS}/{name}`, "confluent_flink_statement", flink.putStatement),
  route("DELETE", `${STATEMENTS}/{name}`, "confluent_flink_statement", flink.deleteStatement),

  // What monitoring and `cdc-routing status` read (docs/monitoring.md), beyond the provider's calls.
  route("GET", `${STATEMENTS}/{name}/exceptions`, "cdc-routing status", health.getStatementExceptions),
  route("GET", metrics.EXPORT_PATH, "metrics export", metrics.exportMetrics),
];
