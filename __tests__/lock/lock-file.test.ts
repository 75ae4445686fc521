/** The lock file (lock/lock-file.ts): a lock left at its place before the move to lock/ is refused, not ignored. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../lib/errors";
import { DEFAULT_LOCK_FILE, movedLockProblem, readLock } from "../../lock/lock-file";
import { temporaryDirectory } from "../support/helpers";

const LEGACY = "flink-sql/statements.lock.json";
const MOVE_IT =
  "the lock file moved from flink-sql/statements.lock.json to lock/statements.lock.json; " +
  "run `git mv flink-sql/statements.lock.json lock/statements.lock.json` and commit it";
/** A file system holding exactly these paths. */
const holding =
  (...paths: string[]) =>
  (p: string) =>
    paths.includes(p);

describe("a lock left at flink-sql/statements.lock.json", () => {
  test("is a problem for the default path while lock/ has none, naming the git mv that fixes it", () => {
    expect(movedLockProblem(DEFAULT_LOCK_FILE, holding(LEGACY))).toBe(MOVE_IT);
  });

  test("is no problem once the lock is in lock/, for another lock path, or when there is no old lock", () => {
    expect(movedLockProblem(DEFAULT_LOCK_FILE, holding(LEGACY, DEFAULT_LOCK_FILE))).toBeUndefined();
    expect(movedLockProblem("elsewhere/statements.lock.json", holding(LEGACY))).toBeUndefined();
    expect(movedLockProblem(DEFAULT_LOCK_FILE, holding())).toBeUndefined();
  });

  test("readLock refuses it as an input error instead of reading every stage as never deployed", () => {
    const checkout = temporaryDirectory("moved-lock");
    mkdirSync(join(checkout, "flink-sql"));
    writeFileSync(join(checkout, LEGACY), "{}\n");
    const cwd = process.cwd();
    // The lock paths are relative to the checkout, as when synth or the lock tool runs.
    process.chdir(checkout);
    try {
      expect(() => readLock(DEFAULT_LOCK_FILE)).toThrow(InputError);
      expect(() => readLock(DEFAULT_LOCK_FILE)).toThrow(MOVE_IT);
      expect(readLock("other.lock.json")).toEqual({});
    } finally {
      process.chdir(cwd);
    }
  });
});
