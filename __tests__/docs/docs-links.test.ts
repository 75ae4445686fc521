/**
 * The docs name only what exists. In README.md, CONTRIBUTING.md and docs/**: every repository path (checked against
 * the working tree), every relative link and its #anchor, every `npm run <script>` (against package.json) and every
 * `cdc-routing <verb>` (against the CLI's verb table). In the code: every README section it cites ("See README,
 * Replication slot" is in the synthesized alarm descriptions) is named in the README, and no file outside the
 * repository is cited but the provider sources. A page of known-stale references shows the checks can fail.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { COMMANDS } from "../../cli/cdc-routing";
import { SAMPLE_BEGIN, SAMPLE_END } from "../../review/sample-comment";

const ROOT = join(__dirname, "..", "..");
/** Made by the tools, not in git: paths under them name output, not repository files. */
const GENERATED = new Set([
  "node_modules",
  ".gen",
  ".compiled",
  "cdktf.out",
  "coverage",
  ".offline-plan",
  ".terraform",
  ".git",
]);
/** The one place outside the repository the docs may name: the provider sources (providers/mirror.ts). */
const PROVIDER_SOURCES = "../shared/provider-src";

function walk(dir: string, keep: (path: string) => boolean, found: string[] = []): string[] {
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (GENERATED.has(entry.name)) continue;
    if (entry.isDirectory()) walk(path, keep, found);
    else if (keep(path)) found.push(path);
  }
  return found;
}

const repositoryFiles = walk("", () => true);
const basenames = new Set(repositoryFiles.map((f) => f.slice(f.lastIndexOf("/") + 1)));
const topLevel = new Set(readdirSync(ROOT).filter((name) => !GENERATED.has(name)));
const scripts = new Set(Object.keys(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts as object));
const docFiles = ["README.md", "CONTRIBUTING.md", ...walk("docs", (p) => p.endsWith(".md"))];

interface Markdown {
  /** Inline code spans and the lines of fenced blocks. */
  code: string[];
  /** Link targets outside code. */
  links: string[];
  /** Everything but the generated sample comment (which its own test compares with the code). */
  text: string;
  anchors: Set<string>;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(headings: string[]): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const heading of headings) {
    const base = heading
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

function parseMarkdown(source: string): Markdown {
  const begin = source.indexOf(SAMPLE_BEGIN);
  const end = source.indexOf(SAMPLE_END);
  const text = begin >= 0 && end > begin ? source.slice(0, begin) + source.slice(end) : source;
  const code: string[] = [];
  const headings: string[] = [];
  const prose: string[] = [];
  let fence: string | undefined;
  for (const line of text.split("\n")) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker)
        fence = undefined;
      else code.push(line);
    } else if (marker) {
      fence = marker;
    } else {
      if (/^#{1,6} /.test(line)) headings.push(line.replace(/^#+ /, ""));
      prose.push(line);
    }
  }
  const outsideFences = prose.join("\n");
  const spans = [...outsideFences.matchAll(/(`+)([^`][\s\S]*?)\1(?!`)/g)];
  code.push(...spans.map((m) => m[2].replace(/\s*\n\s*/g, " ")));
  const withoutSpans = outsideFences.replace(/(`+)([^`][\s\S]*?)\1(?!`)/g, "");
  const links = [...withoutSpans.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  return { code, links, text, anchors: anchorsOf(headings) };
}

const pages = new Map(docFiles.map((file) => [file, parseMarkdown(readFileSync(join(ROOT, file), "utf8"))]));

interface Found {
  problems: string[];
  paths: string[];
  links: string[];
  scripts: string[];
  verbs: string[];
}

/** A word of code that names a file or folder of this repository, or one outside it; undefined for anything else. */
function pathOf(word: string): string | undefined {
  const path = word
    .replace(/^[(["']+|[)\]"',.;:]+$/g, "")
    .replace(/:\d+(-\d+)?(,\d+)*$/, "")
    .replace(/^\.\//, "");
  if (!path || /[<>${}~*?|=]|:\/\/|^-/.test(path)) return undefined;
  if (path.startsWith("../")) return path;
  const slash = path.indexOf("/");
  if (slash > 0) return topLevel.has(path.slice(0, slash)) ? path : undefined;
  // A bare name: a source file, or a document such as NOTES.md (not an output file such as review.md).
  return /\.ts$|^[A-Z][A-Z0-9_-]*\.md$/.test(path) ? path : undefined;
}

/** Every reference a page makes, and what is wrong with each. */
function check(file: string, page: Markdown): Found {
  const found: Found = { problems: [], paths: [], links: [], scripts: [], verbs: [] };
  const problem = (what: string) => found.problems.push(`${file}: ${what}`);
  for (const word of page.code.flatMap((c) => c.split(/[\s,()]+/))) {
    const path = pathOf(word);
    if (!path) continue;
    found.paths.push(path);
    if (path.startsWith("../")) {
      if (path.replace(/\/$/, "") !== PROVIDER_SOURCES) problem(`${path} is outside the repository`);
    } else if (!path.includes("/")) {
      if (!basenames.has(path)) problem(`no file is named ${path}`);
    } else if (!existsSync(join(ROOT, path))) {
      problem(`${path} does not exist`);
    }
  }
  for (const link of page.links.filter((l) => !/^[a-z]+:/.test(l))) {
    found.links.push(link);
    const [target, anchor] = link.split("#");
    const path = target
      ? relative(ROOT, join(ROOT, dirname(file), target))
          .split(sep)
          .join("/")
      : file;
    if (path.startsWith("../")) problem(`link ${link} leaves the repository`);
    else if (!existsSync(join(ROOT, path))) problem(`link ${link}: ${path} does not exist`);
    else if (anchor && path.endsWith(".md")) {
      const target = pages.get(path) ?? parseMarkdown(readFileSync(join(ROOT, path), "utf8"));
      if (!target.anchors.has(anchor)) problem(`link ${link}: ${path} has no heading #${anchor}`);
    }
  }
  for (const m of page.text.matchAll(/\bnpm run(?: -s)? ([a-z][\w:.-]*\w)|\bnpm (test)\b/g)) {
    const script = m[1] ?? m[2];
    found.scripts.push(script);
    if (!scripts.has(script)) problem(`npm run ${script}: package.json has no such script`);
  }
  for (const [, verb] of page.code.join("\n").matchAll(/(?:^|npx[ \t]+)cdc-routing[ \t]+([a-z][a-z-]*)(?![\w:])/gm)) {
    found.verbs.push(verb);
    if (!COMMANDS.includes(verb))
      problem(`cdc-routing ${verb}: the CLI has no such verb (it has ${COMMANDS.join(", ")})`);
  }
  return found;
}

const results = [...pages].map(([file, page]) => check(file, page));
const all = (key: Exclude<keyof Found, "problems">) => results.flatMap((r) => r[key]);

describe("the docs name only what exists", () => {
  test("every repository path, link, npm script and cdc-routing verb they name exists", () => {
    expect(results.flatMap((r) => r.problems)).toEqual([]);
  });

  test("the check read the docs (not vacuous)", () => {
    expect(docFiles.length).toBeGreaterThanOrEqual(12);
    expect(new Set(all("paths")).size).toBeGreaterThanOrEqual(100);
    expect(new Set(all("links")).size).toBeGreaterThanOrEqual(30);
    expect(new Set(all("scripts")).size).toBeGreaterThanOrEqual(15);
    // Every command is documented somewhere.
    expect(new Set(all("verbs"))).toEqual(new Set(COMMANDS.filter((c) => c !== "help")));
  });

  test("stale paths, links, scripts and verbs are caught", () => {
    const stale = [
      "Tested in `__tests__/workflow-artifacts.test.ts` and `kept-statement-import.test.ts`; the lock is",
      "`flink-sql/statements.lock.json`, written by `cli/main.ts` (see `NOTES.md`, `../shared/confluent-api-calls.md`).",
      "Run `npm run statements:lok`, then `npx cdc-routing deploy --stage dev`.",
      "See [the runbook](docs/runbooks/replication-slot.md#no-such-heading) and [the notes](docs/notes.md).",
      "```sh",
      "npx tsx local/cli.ts up     # and npm run local:up",
      "```",
    ].join("\n");
    expect(check("README.md", parseMarkdown(stale)).problems).toEqual([
      "README.md: local/cli.ts does not exist",
      "README.md: __tests__/workflow-artifacts.test.ts does not exist",
      "README.md: no file is named kept-statement-import.test.ts",
      "README.md: flink-sql/statements.lock.json does not exist",
      "README.md: cli/main.ts does not exist",
      "README.md: no file is named NOTES.md",
      "README.md: ../shared/confluent-api-calls.md is outside the repository",
      "README.md: link docs/runbooks/replication-slot.md#no-such-heading: docs/runbooks/replication-slot.md has no heading #no-such-heading",
      "README.md: link docs/notes.md: docs/notes.md does not exist",
      "README.md: npm run statements:lok: package.json has no such script",
      `README.md: cdc-routing deploy: the CLI has no such verb (it has ${COMMANDS.join(", ")})`,
    ]);
  });

  test("the README's folder map names every top-level folder", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const folders = [...topLevel].filter((name) => statSync(join(ROOT, name)).isDirectory());
    expect(folders.length).toBeGreaterThanOrEqual(15);
    expect(folders.filter((name) => !readme.includes(`${name}/`))).toEqual([]);
  });
});

describe("the code cites only what exists", () => {
  const self = relative(ROOT, __filename).split(sep).join("/");
  const sources = walk(
    "",
    (p) =>
      p !== self &&
      !p.startsWith("docs/") &&
      !/\.(md|snap)$/.test(p) &&
      !p.includes("package-lock") &&
      /\.(ts|js|ya?ml|sh|json)$|^\.ci\/run$/.test(p),
  );
  const texts = sources.map((file) => [file, readFileSync(join(ROOT, file), "utf8")] as const);

  test("every README section the code cites is named in the README", () => {
    // A line break in Markdown is a space.
    const readme = readFileSync(join(ROOT, "README.md"), "utf8").replace(/\s+/g, " ");
    const cited = texts.flatMap(([file, text]) =>
      [
        ...text.matchAll(/README[,:]?\s+"([^"\n]+)"/g),
        ...text.matchAll(/README[,:]\s+([A-Za-z][\w ]*?)(?=[).;:,]|$)/gm),
        ...text.matchAll(/README\s+\(([^)\n]+)\)/g),
      ].map((m) => ({ file, section: m[1] })),
    );
    expect(cited.length).toBeGreaterThanOrEqual(10);
    expect(cited.map((c) => c.section)).toContain("Replication slot");
    expect(cited.filter((c) => !readme.includes(c.section)).map((c) => `${c.file}: README, ${c.section}`)).toEqual([]);
  });

  test("no file outside the repository is cited, but the provider sources", () => {
    const outside = texts.flatMap(([file, text]) =>
      [...text.matchAll(/\.\.\/shared\/[\w./-]+|\bNOTES\.md\b/g)]
        .filter((m) => !m[0].startsWith(PROVIDER_SOURCES))
        .map((m) => `${file}: ${m[0]}`),
    );
    expect(sources.length).toBeGreaterThanOrEqual(150);
    expect(outside).toEqual([]);
  });
});
