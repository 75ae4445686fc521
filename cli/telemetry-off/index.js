// Preloaded into every Node process npm starts from this project (.npmrc `node-options`): npm run scripts,
// `npx cdktf ...`, and what they start (Terraform included). cdktf's CLI and Terraform report to HashiCorp's
// checkpoint service unless CHECKPOINT_DISABLE is set. An explicit value is kept.
//
// Why a linked package (a `file:` dependency): `--require <name>` is then found from the project root, from any
// subdirectory and from a dependency's directory (where npm runs install scripts), by walking up to
// node_modules. A relative path breaks outside the root; an `--import` data: URL would make Node load every main
// module through the ESM loader, which breaks `node -r tsx/cjs x.ts` and ts-node.
if (!process.env.CHECKPOINT_DISABLE) process.env.CHECKPOINT_DISABLE = "1";
