/**
 * The construct ids grants had before they were named by what they cover: their position in the old access
 * plan (`rb-kafka-<i>-<principal>`, `acl-<i>-<principal>-<op>`, `rb-schema-<i>-<principal>`). A grant that
 * still exists under its new id gets a Terraform `moved` block from the old address, so a deployed stage keeps
 * its role bindings and ACLs instead of deleting and re-creating them (a running statement would lose its sink
 * grants for the time that takes). Only a stage that declares `deployedBefore.grantRenaming` (stages/deployed-before.ts)
 * gets them, and drops the flag once it has applied them. Remove this file once no stage can predate the renaming.
 */

import type { Filter } from "../filters/model";
import { valueSubject } from "../filters/topic-scopes";
import { consumerGroupPrefix, FLINK_INTERNAL_PREFIX, type PrincipalKey } from "./grants";

/** What a literal-or-prefixed grant covers, as the old plan listed it. */
export const grantKey = (principal: PrincipalKey, role: string, resource: string, name: string): string =>
  `${principal}|${role}|${resource}|${name}`;

export interface LegacyGrantIndexes {
  /** Kafka grants (role bindings or ACLs) by grantKey (role "none" for the cluster DESCRIBE ACL). */
  kafka: Map<string, number>;
  /** Schema Registry role bindings by grantKey with resource "subject". */
  schemas: Map<string, number>;
}

/** No grant had an old address: a stage deployed after the renaming, or never deployed. */
export const NO_LEGACY_GRANTS: LegacyGrantIndexes = { kafka: new Map(), schemas: new Map() };

/**
 * The old plan's order: fixed grants, then per deployed filter Flink's and the consumer's, Flink's DeveloperRead on
 * transactional ids last.
 */
export function legacyGrantIndexes(sourceTopic: string, deployed: readonly Filter[]): LegacyGrantIndexes {
  const kafka: string[] = [
    grantKey("connector", "none", "cluster", "kafka-cluster"),
    grantKey("connector", "DeveloperWrite", "topic", sourceTopic),
    grantKey("flink", "DeveloperRead", "topic", sourceTopic),
    grantKey("flink", "DeveloperManage", "group", FLINK_INTERNAL_PREFIX),
    grantKey("flink", "DeveloperWrite", "transactional-id", FLINK_INTERNAL_PREFIX),
  ];
  const schemas: string[] = [
    grantKey("connector", "DeveloperWrite", "subject", valueSubject(sourceTopic)),
    grantKey("flink", "DeveloperRead", "subject", valueSubject(sourceTopic)),
  ];
  const seen = new Set<string>();
  for (const f of deployed) {
    const who: PrincipalKey = `consumer:${f.consumer}`;
    kafka.push(
      grantKey("flink", "DeveloperWrite", "topic", f.outputTopic),
      grantKey(who, "DeveloperRead", "topic", f.outputTopic),
    );
    schemas.push(
      grantKey("flink", "DeveloperWrite", "subject", valueSubject(f.outputTopic)),
      grantKey(who, "DeveloperRead", "subject", valueSubject(f.outputTopic)),
    );
    if (!seen.has(f.consumer)) kafka.push(grantKey(who, "DeveloperRead", "group", consumerGroupPrefix(f.consumer)));
    seen.add(f.consumer);
  }
  kafka.push(grantKey("flink", "DeveloperRead", "transactional-id", FLINK_INTERNAL_PREFIX));
  const indexed = (keys: string[]) => new Map(keys.map((k, i) => [k, i]));
  return { kafka: indexed(kafka), schemas: indexed(schemas) };
}
