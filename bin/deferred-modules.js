/**
 * Modules loaded on first use instead of when required. cdktf's CLI requires three packages at the top level of
 * every command's code that `cdktf synth` never calls: `@cdktf/hcl2cdk`, the engine of `cdktf convert` (loading it
 * loads jsii-rosetta, Babel and prettier and runs `terraform version -json`), and `@cdktf/hcl2json` and
 * `@cdktf/hcl-tools`, which start their Go WebAssembly modules when loaded. Together about 0.8 s of a 2.05 s `cdktf
 * synth` of every stage (docs/performance.md, "The CLI"). Installed in cdktf's CLI alone, by the preload npm gives
 * it (cli/telemetry-off). CDC_ROUTING_DEFER_MODULES=off turns it off.
 *
 * require() then returns a stand-in for the module's exports that loads the module at the first read of an export.
 * What the CLI's bundle does at require time is answered without loading: esbuild's and TypeScript's interop helpers
 * ask for `__esModule`, the prototype, the export names and their descriptors (to copy them as getters). The
 * answers are the module's own, kept from the last process that loaded it, under its file's identity
 * (packageFileIdentity): a changed or reinstalled file is loaded at once, as without this, and its names kept anew.
 */
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const { packageFileIdentity, writeReplacing } = require("./code-cache");

/** The modules cdktf's CLI loads on first use (a command that calls one, as `cdktf convert` does, loads it then). */
const CDKTF_CLI_DEFERRED = ["@cdktf/hcl2cdk", "@cdktf/hcl2json", "@cdktf/hcl-tools"];

/** Where a module file's export names are kept, or undefined for a file outside node_modules. */
function shapeFile(filename) {
  const identity = packageFileIdentity(filename);
  if (!identity) return undefined;
  const name = `${identity.hash}-${encodeURIComponent(path.basename(filename)).slice(0, 100)}.json`;
  return path.join(identity.nodeModules, ".cache", "cdc-routing-deferred-modules", name);
}

/**
 * What the stand-in answers for: the exports' own names with their enumerability and `__esModule`. Only a plain
 * object of string names can be stood in for (a function or a class instance cannot, without loading it).
 */
function shapeOf(exports) {
  if (exports === null || typeof exports !== "object" || Object.getPrototypeOf(exports) !== Object.prototype)
    return undefined;
  if (Object.getOwnPropertySymbols(exports).length > 0) return undefined;
  const names = Object.getOwnPropertyNames(exports).map((name) => ({
    name,
    enumerable: Object.getOwnPropertyDescriptor(exports, name).enumerable,
  }));
  return { esModule: exports.__esModule === true, names };
}

/** The kept shape, or undefined when none is kept or the file is not one (then the module is loaded at once). */
function readShape(file) {
  let shape;
  try {
    shape = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
  const valid =
    typeof shape?.esModule === "boolean" &&
    Array.isArray(shape.names) &&
    shape.names.every((n) => typeof n?.name === "string" && typeof n.enumerable === "boolean");
  return valid ? shape : undefined;
}

/** Not written (a read-only install): the module is loaded at once next time too. */
function writeShape(file, shape) {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  } catch {
    return;
  }
  writeReplacing(file, JSON.stringify(shape));
}

/**
 * A stand-in for exports of the given shape: answers for the names from the shape until load() has run, forwards
 * everything to the module's exports once it has. Descriptors are reported configurable (a proxy may not report a
 * non-configurable property its empty target lacks); before loading, an export is reported as a getter that loads.
 */
function standIn(shape, load) {
  let exports;
  const loaded = () => {
    exports ??= load();
    return exports;
  };
  const known = new Map(shape.names.map(({ name, enumerable }) => [name, enumerable]));
  return new Proxy(
    {},
    {
      get: (_, key) => (key === "__esModule" && !exports ? shape.esModule : Reflect.get(loaded(), key)),
      has: (_, key) => (exports ? Reflect.has(exports, key) : known.has(key)),
      ownKeys: () => (exports ? Reflect.ownKeys(exports) : [...known.keys()]),
      getOwnPropertyDescriptor: (_, key) => {
        if (exports || (key !== "__esModule" && !known.has(key))) {
          const descriptor = Reflect.getOwnPropertyDescriptor(loaded(), key);
          return descriptor && { ...descriptor, configurable: true };
        }
        if (key === "__esModule")
          return { value: shape.esModule, writable: false, enumerable: false, configurable: true };
        return { get: () => loaded()[key], set: undefined, enumerable: known.get(key), configurable: true };
      },
      getPrototypeOf: () => Object.prototype,
      set: (_, key, value) => Reflect.set(loaded(), key, value),
      defineProperty: (_, key, descriptor) => Reflect.defineProperty(loaded(), key, descriptor),
      deleteProperty: (_, key) => Reflect.deleteProperty(loaded(), key),
    },
  );
}

/**
 * From now on in this process, require() of one of these module names returns a stand-in that loads it on first
 * use, once a process has kept its export names; a process with none kept loads it at once and keeps them.
 */
function deferModules(requests) {
  if (process.env.CDC_ROUTING_DEFER_MODULES === "off") return;
  const deferred = new Set(requests);
  const standIns = new Map();
  const load = Module._load;
  Module._load = function loadDeferred(...args) {
    const [request, parent, isMain] = args;
    if (!deferred.has(request)) return load.apply(this, args);
    let filename;
    try {
      filename = Module._resolveFilename(request, parent, isMain);
    } catch {
      return load.apply(this, args);
    }
    if (standIns.has(filename)) return standIns.get(filename);
    const file = Module._cache[filename] ? undefined : shapeFile(filename);
    if (!file) return load.apply(this, args);
    const shape = readShape(file);
    if (!shape) {
      const exports = load.apply(this, args);
      const seen = shapeOf(exports);
      if (seen) writeShape(file, seen);
      return exports;
    }
    const exports = standIn(shape, () => load.apply(this, args));
    standIns.set(filename, exports);
    return exports;
  };
}

module.exports = { CDKTF_CLI_DEFERRED, deferModules };
