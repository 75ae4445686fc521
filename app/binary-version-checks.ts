/**
 * cdktf adds a validation to every `terraform_data` resource (DataResource; one per stage here) that runs
 * `terraform version` as a child process at synth (cdktf/lib/validations/validate-binary-version.js): three
 * processes for a synth of every stage, each the cost of a Terraform start. The answer cannot change within one
 * synth, so the first run's answer serves every later check of the same command and constraint.
 */
interface BinaryVersionCheck {
  versionCommand: string;
  versionConstraint: string;
  validate(): string[];
}

export function checkBinaryVersionsOnce(): void {
  const { ValidateBinaryVersion } = require("cdktf/lib/validations/validate-binary-version") as {
    ValidateBinaryVersion: { prototype: BinaryVersionCheck };
  };
  const validate = ValidateBinaryVersion.prototype.validate;
  const answers = new Map<string, string[]>();
  ValidateBinaryVersion.prototype.validate = function (this: BinaryVersionCheck): string[] {
    const key = `${this.versionCommand}\0${this.versionConstraint}`;
    if (!answers.has(key)) answers.set(key, validate.call(this));
    return [...(answers.get(key) ?? [])];
  };
}
