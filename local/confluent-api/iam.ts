/**
 * iam/v2 service accounts, API keys and role bindings (confluent_service_account, confluent_api_key,
 * confluent_role_binding). Shapes: testdata/service_account, apikey, role_binding. A deleted API key or role
 * binding reads as 403 with Confluent's body (read_deleted_kafka_api_key.json, read_deleted_role_binding.json):
 * the provider takes that as gone (utils.go isNonKafkaRestApiResourceNotFound).
 */
import { randomBytes } from "node:crypto";
import { kafkaCluster } from "./cmk";
import { ApiError, badRequest, notFound, requireFields } from "./errors";
import { regionById } from "./fcpm";
import { type Answer, noContent, ok, type Request } from "./http";
import type { Json, Store } from "./store";

const forbidden = () => new ApiError(403, "forbidden_access", "Forbidden Access");

function serviceAccount(store: Store, id: string): Json {
  const sa = store.serviceAccounts.get(id);
  if (!sa) throw notFound(`Service account ${id}`);
  return sa;
}

export function postServiceAccount(req: Request): Answer {
  requireFields(req.body, ["display_name"]);
  // Names are unique in an organization: Confluent answers "409 Conflict: Service name is already in use"
  // (confluentinc/terraform-provider-confluent issues #28, #185).
  if ([...req.store.serviceAccounts.values()].some((s) => s.display_name === req.body.display_name)) {
    throw new ApiError(409, "conflict", "Service name is already in use.");
  }
  const id = req.store.nextId("sa-");
  const sa = {
    api_version: "iam/v2",
    kind: "ServiceAccount",
    id,
    metadata: {
      self: `${req.store.baseUrl}/iam/v2/service-accounts/${id}`,
      created_at: req.store.now(),
      updated_at: req.store.now(),
      resource_name: `crn://confluent.cloud/organization=${req.store.organizationId}/service-account=${id}`,
    },
    display_name: req.body.display_name,
    description: req.body.description ?? "",
  };
  req.store.serviceAccounts.set(id, sa);
  return ok(sa, 201);
}

export const getServiceAccount = (req: Request): Answer => ok(serviceAccount(req.store, req.params.id));

export function patchServiceAccount(req: Request): Answer {
  const sa = serviceAccount(req.store, req.params.id);
  if (req.body.description !== undefined) sa.description = req.body.description;
  return ok(sa);
}

export function deleteServiceAccount(req: Request): Answer {
  serviceAccount(req.store, req.params.id);
  req.store.serviceAccounts.delete(req.params.id);
  return noContent();
}

/** What the key is for, as the API key management API names it (the provider's sync step follows this). */
function managedResource(store: Store, resource: Json): Json {
  const { id, kind } = resource;
  if (kind === "Cluster" && id.startsWith("lkc-")) {
    const cluster = kafkaCluster(store, id, null);
    return {
      api_version: "cmk/v2",
      id,
      kind,
      related: cluster.metadata.self,
      resource_name: cluster.metadata.resource_name,
    };
  }
  if (kind === "Cluster" && id.startsWith("lsrc-")) {
    const sr = store.schemaRegistries.get(id);
    if (!sr) throw notFound(`Schema Registry cluster ${id}`);
    return { api_version: "srcm/v3", id, kind, related: sr.metadata.self, resource_name: sr.metadata.resource_name };
  }
  if (kind === "Region" && regionById(store, id)) {
    const env = resource.environment ?? "";
    if (!store.environments.has(env)) throw badRequest(`Flink API key needs spec.resource.environment (got "${env}")`);
    return {
      api_version: "fcpm/v2",
      id,
      environment: env,
      kind,
      related: `${store.baseUrl}/fcpm/v2/regions`,
      resource_name: `${store.environmentCrn(env)}/flink-region=${id}`,
    };
  }
  throw badRequest(`Unsupported API key resource ${kind} ${id}`);
}

/**
 * A key without a resource is a Cloud API key (the provider sends none for one, resource_api_key.go apiKeyCreate);
 * Confluent answers its resource as `cloud` (testdata/apikey/create_cloud_api_key.json).
 */
const CLOUD_RESOURCE = { api_version: "iam/v2", id: "cloud", kind: "Cloud", related: "cloud", resource_name: "cloud" };

export function postApiKey(req: Request): Answer {
  requireFields(req.body, ["spec.owner.id"]);
  const spec = req.body.spec;
  if (spec.resource !== undefined) requireFields(req.body, ["spec.resource.id", "spec.resource.kind"]);
  return ok(mintApiKey(req.store, spec.owner.id, spec.resource, spec), 201);
}

/** A new API key of `owner` for `resource`, with its secret, as the API answers its creation. */
export function mintApiKey(
  store: Store,
  ownerId: string,
  /** What the key is for; undefined for a Cloud API key. */
  resource: Json | undefined,
  names: { display_name?: string; description?: string } = {},
): Json {
  const owner = serviceAccount(store, ownerId);
  const id = randomBytes(8).toString("hex").toUpperCase();
  const key = {
    api_version: "iam/v2",
    id,
    kind: "ApiKey",
    metadata: {
      created_at: store.now(),
      updated_at: store.now(),
      self: `${store.baseUrl}/iam/v2/api-keys/${id}`,
      resource_name: `${owner.metadata.resource_name}/api-key=${id}`,
    },
    spec: {
      description: names.description ?? "",
      display_name: names.display_name ?? "",
      owner: {
        api_version: "iam/v2",
        id: owner.id,
        kind: "ServiceAccount",
        related: owner.metadata.self,
        resource_name: owner.metadata.resource_name,
      },
      resource: resource === undefined ? CLOUD_RESOURCE : managedResource(store, resource),
      secret: randomBytes(32).toString("base64"),
    },
  };
  store.apiKeys.set(id, key);
  return key;
}

function apiKey(store: Store, id: string): Json {
  const key = store.apiKeys.get(id);
  if (!key) throw forbidden();
  return key;
}

/** The secret is shown once, on creation (docs: "API keys": "the secret ... cannot be retrieved later"). */
export function getApiKey(req: Request): Answer {
  const key = apiKey(req.store, req.params.id);
  return ok({ ...key, spec: { ...key.spec, secret: "" } });
}

export function patchApiKey(req: Request): Answer {
  const key = apiKey(req.store, req.params.id);
  if (req.body.spec?.display_name !== undefined) key.spec.display_name = req.body.spec.display_name;
  if (req.body.spec?.description !== undefined) key.spec.description = req.body.spec.description;
  return ok({ ...key, spec: { ...key.spec, secret: "" } });
}

export function deleteApiKey(req: Request): Answer {
  apiKey(req.store, req.params.id);
  req.store.apiKeys.delete(req.params.id);
  return noContent();
}

/** The key that authenticates a data-plane call, if its secret matches and it is for this resource. */
export function keyFor(store: Store, auth: Request["auth"], resourceId: string): Json | undefined {
  const key = auth && store.apiKeys.get(auth.user);
  return key && key.spec.secret === auth.password && key.spec.resource.id === resourceId ? key : undefined;
}

export function postRoleBinding(req: Request): Answer {
  requireFields(req.body, ["principal", "role_name", "crn_pattern"]);
  const { principal, role_name, crn_pattern } = req.body;
  if (!/^User:(sa|u|pool|group)-[a-z0-9]+$/.test(principal))
    throw badRequest(`Invalid principal "${principal}"; expected User:<service account or user id>`);
  if (!String(crn_pattern).startsWith("crn://")) throw badRequest(`Invalid crn_pattern "${crn_pattern}"`);
  const id = req.store.nextId("rb-");
  const binding = {
    kind: "RoleBinding",
    id,
    metadata: {
      self: `${req.store.baseUrl}/iam/v2/role-bindings/${id}`,
      created_at: req.store.now(),
      resource_name: `crn://confluent.cloud/organization=${req.store.organizationId}/role-binding=${id}`,
    },
    principal,
    role_name,
    crn_pattern,
  };
  req.store.roleBindings.set(id, binding);
  return ok(binding, 201);
}

function roleBinding(store: Store, id: string): Json {
  const binding = store.roleBindings.get(id);
  if (!binding)
    throw new ApiError(403, 40301, "Either unauthorized to access role binding or role binding does not exist", "rest");
  return binding;
}

export const getRoleBinding = (req: Request): Answer => ok(roleBinding(req.store, req.params.id));

export function deleteRoleBinding(req: Request): Answer {
  roleBinding(req.store, req.params.id);
  req.store.roleBindings.delete(req.params.id);
  return noContent();
}
