/**
 * The offline plan's names that `cdc-routing` prints in its usage: apart from offline-plan.ts, which loads cdktf
 * and the API double, so that the CLI's other verbs start without them.
 */
export const ENDPOINT_ENV = "CDC_ROUTING_CONFLUENT_ENDPOINT";
export const DEFAULT_OFFLINE_OUT = ".offline-plan";
