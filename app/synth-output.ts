/**
 * After a synth, the output directory holds exactly the stacks just synthesized: cdktf's App writes the new
 * stacks and a manifest of them but leaves other stacks of an earlier run in place (a reviewer or `cdktf deploy
 * --skip-synth` would then find a stale stack). A kept stack's directory stays (its .terraform cache included).
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

interface ManifestStack {
  synthesizedStackPath: string;
  stackMetadataPath?: string;
}

/** The manifest without `stackMetadataPath` where that file does not exist (cdktf only writes it for HCL output). */
export function withoutMissingMetadata(
  manifest: { stacks: Record<string, ManifestStack> },
  exists: (relativePath: string) => boolean,
): typeof manifest {
  const stacks = Object.fromEntries(
    Object.entries(manifest.stacks).map(([name, stack]) => {
      if (stack.stackMetadataPath === undefined || exists(stack.stackMetadataPath)) return [name, stack];
      const { stackMetadataPath: _missing, ...rest } = stack;
      return [name, rest];
    }),
  );
  return { ...manifest, stacks };
}

export function keepOnlySynthesizedStacks(outdir: string, stages: readonly string[]): void {
  const stacksDir = join(outdir, "stacks");
  if (existsSync(stacksDir)) {
    for (const entry of readdirSync(stacksDir, { withFileTypes: true })) {
      if (entry.isDirectory() && !stages.includes(entry.name))
        rmSync(join(stacksDir, entry.name), { recursive: true, force: true });
    }
  }
  const manifestPath = join(outdir, "manifest.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { stacks: Record<string, ManifestStack> };
  writeFileSync(
    manifestPath,
    JSON.stringify(
      withoutMissingMetadata(manifest, (p) => existsSync(join(outdir, p))),
      null,
      2,
    ),
  );
}
