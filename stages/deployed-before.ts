import { z } from "zod";

/**
 * State addresses that moved after a stage was deployed. `grantRenaming`: the stage was applied before grants were
 * named by what they cover (commit 74c8c4a); the stack then declares a `moved` block from each grant's old
 * index-named address (access/legacy-grant-ids.ts). Once that stage has applied them, set it to false: the blocks
 * have done their work, and the scanner (Checkov's terraform_json parser) cannot read them.
 */
export const deployedBeforeSchema = z
  .strictObject({ grantRenaming: z.boolean().default(false) })
  .default({ grantRenaming: false });
