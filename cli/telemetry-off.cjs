// Preloaded into every Node process npm starts from this project (.npmrc `node-options`), `npx cdktf ...`
// included: cdktf's CLI and Terraform check for updates and send usage data to HashiCorp's checkpoint service
// unless CHECKPOINT_DISABLE is set (https://developer.hashicorp.com/terraform/cli/commands#upgrade-and-security-bulletin-checks).
// Set here, it also reaches every child process (terraform, the synth app). An explicit value is kept.
if (process.env.CHECKPOINT_DISABLE === undefined) process.env.CHECKPOINT_DISABLE = "1";
