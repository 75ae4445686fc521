/** Files written whole or not at all. */
import { renameSync, writeFileSync } from "node:fs";

/** Written to a temporary file beside it and renamed: an interrupted run never leaves half a file behind. */
export function writeFileAtomically(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}
