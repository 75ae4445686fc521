/** cdktf without archiver loaded up front (app/archiver-on-first-use.ts), in a process of its own. */
import { execFileSync } from "node:child_process";
import { join } from "node:path";

const root = join(__dirname, "..", "..");

test("cdktf loads without archiver; the first call loads the real one and returns its archive", () => {
  const script = `
    require(${JSON.stringify(join(root, "app", "archiver-on-first-use.ts"))});
    const loaded = () => Object.keys(require.cache).some((f) => /node_modules\\/archiver\\/lib\\//.test(f));
    require("cdktf");
    const before = loaded();
    const archiver = require(require.resolve("archiver", { paths: [require("node:path").dirname(require.resolve("cdktf"))] }));
    const archive = archiver("zip", { zlib: { level: 9 } });
    console.log(JSON.stringify({ before, after: loaded(), append: typeof archive.append, finalize: typeof archive.finalize }));`;
  // tsx's hook without its cache, which it keeps in the system temp dir.
  const out = execFileSync(process.execPath, ["--require", "tsx/cjs", "-e", script], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, TSX_DISABLE_CACHE: "1" },
  });
  expect(JSON.parse(out)).toEqual({ before: false, after: true, append: "function", finalize: "function" });
}, 60_000);
