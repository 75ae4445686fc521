/**
 * The version each changed filter needs: a filter whose meaning differs from its locked definition at the same
 * version gets one above the highest version any stage locked, so `cdc-routing lock` numbers it instead of sending
 * the user back to filters.yaml. A version written by hand that is already higher is left as it is.
 */
import { definitionChanges, filterDefinition } from "../filters/canonical";
import { type FilterSet, filtersForStage } from "../filters/model";
import type { LockFile } from "./lock-file";
import { withLockedDefaultColumns } from "./source-columns";

export interface VersionBump {
  readonly filter: string;
  readonly from: number;
  readonly to: number;
  /** What changed, as `key was X, now Y`, from the first stage that locked it. */
  readonly changes: readonly string[];
}

export function versionBumps(lock: LockFile, set: FilterSet): VersionBump[] {
  const bumps = new Map<string, VersionBump>();
  for (const [stage, entry] of Object.entries(lock)) {
    for (const f of filtersForStage(withLockedDefaultColumns(set, entry), stage)) {
      const locked = entry.definitions?.[f.name];
      if (!locked || locked.version !== f.version) continue;
      const changes = definitionChanges(locked, filterDefinition(f));
      if (changes.length === 0) continue;
      const highest = Math.max(...Object.values(lock).map((l) => l.definitions?.[f.name]?.version ?? 0));
      const known = bumps.get(f.name);
      bumps.set(f.name, {
        filter: f.name,
        from: f.version,
        to: Math.max(highest + 1, known?.to ?? 0),
        changes: known?.changes ?? changes,
      });
    }
  }
  return [...bumps.values()];
}
