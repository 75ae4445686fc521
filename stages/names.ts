/** Stage names, in deployment order. The default stage (first) is what a plain synth builds. */
export const STAGE_NAMES = ["dev", "staging", "prod"] as const;
export type StageName = (typeof STAGE_NAMES)[number];
export const DEFAULT_STAGE: StageName = "dev";
