/**
 * The stack on CDK Terrain (docs/cdktf-sunset.md): every stage synthesized through main.ts on cdktf and on cdktn
 * (npm run cdktn:setup installs cdktn outside the repository and generates its bindings; cached, so only a first
 * run downloads) and the cdk.tf.json pairs compared: identical apart from the library version in the metadata.
 * The synth on cdktn fails by itself if it loaded any file of cdktf, its constructs or the cdktf-generated
 * bindings (cdktn/preload.ts), so its exit code is part of the proof.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compareStacks } from "../../cdktn/compare";
import { POSTGRESQL_SCHEMA_PATH, pinnedPostgresqlSchema } from "../../cdktn/postgresql-schema";
import { prepareCdktn } from "../../cdktn/setup";
import { cdktfVersion, LIBRARIES, type Library, synthesizeAllStages } from "../../cdktn/synth";
import type { Run } from "../../lib/run";
import { dumpProviderSchemas } from "../../providers/mirror";
import { POSTGRESQL_PROVIDER } from "../../providers/pins";
import { STAGE_NAMES } from "../../stages/names";
import { temporaryDirectory } from "../support/helpers";
import { describeWithRealProviders } from "../support/real-providers";
import { SNAPSHOT_DATE } from "../support/stack-helpers";

const ROOT = join(__dirname, "..", "..");
const folders = (dir: string) =>
  readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

describe("the stack on cdktf and on cdktn", () => {
  let build: Awaited<ReturnType<typeof prepareCdktn>>;
  const out = temporaryDirectory("cdktn-compare");
  const runs = {} as Record<Library, Run>;

  beforeAll(async () => {
    // Without a cached install this downloads cdktn (about 150 MB unpacked) once.
    build = await prepareCdktn((line) => console.log(line));
    const env = { CDC_ROUTING_NOW: SNAPSHOT_DATE };
    const done = await Promise.all(LIBRARIES.map((l) => synthesizeAllStages(l, build, join(out, l), env)));
    LIBRARIES.forEach((l, i) => {
      runs[l] = done[i];
    });
  }, 300_000);

  test.each(LIBRARIES)("the synth on %s succeeds through main.ts", (library) => {
    expect({ code: runs[library].code, output: runs[library].output }).toMatchObject({ code: 0 });
    expect(runs[library].output).toContain(`synthesized ${STAGE_NAMES.join(", ")}`);
  });

  test.each(STAGE_NAMES)("stage %s: cdk.tf.json is the same apart from the library version", (stage) => {
    const [cdktf, cdktn] = LIBRARIES.map((l) => readFileSync(join(out, l, "stacks", stage, "cdk.tf.json"), "utf8"));
    expect(cdktf.length).toBeGreaterThan(10_000);
    expect(compareStacks(cdktf, cdktn)).toEqual({
      unexplained: [],
      versions: { cdktf: cdktfVersion(), cdktn: build.cdktnVersion },
      sameText: true,
    });
  });

  test("each library is the version its package.json pins", () => {
    const pinned = (file: string, name: string) =>
      (JSON.parse(readFileSync(join(ROOT, file), "utf8")) as { dependencies: Record<string, string> }).dependencies[
        name
      ];
    expect(cdktfVersion()).toBe(pinned("package.json", "cdktf"));
    expect(build.cdktnVersion).toBe(pinned("cdktn/package.json", "cdktn"));
    expect(build.cdktnVersion).not.toBe(cdktfVersion());
  });

  test("cdktn's generator made every postgresql binding the prebuilt @cdktf/provider-postgresql has", () => {
    const prebuilt = join(require.resolve("@cdktf/provider-postgresql/package.json"), "..", "lib");
    const generated = folders(join(build.layout.bindings, "postgresql"));
    expect(generated).toEqual(folders(prebuilt));
    expect(generated).toEqual(expect.arrayContaining(["grant", "provider", "publication", "replication-slot", "role"]));
  });
});

describeWithRealProviders("the postgresql schema of the cdktn build", () => {
  test(`${POSTGRESQL_SCHEMA_PATH} is what the real binary reports, byte for byte`, () => {
    const dumped = JSON.parse(dumpProviderSchemas([POSTGRESQL_PROVIDER]));
    expect(pinnedPostgresqlSchema(dumped)).toBe(readFileSync(join(ROOT, POSTGRESQL_SCHEMA_PATH), "utf8"));
  });
});
