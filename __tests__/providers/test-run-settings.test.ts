import { TEST_RUN_TERRAFORM_SETTINGS, testRunTerraformSettings } from "../../providers/mirror";

describe("the settings test runs give terraform and its providers", () => {
  test("all of them where the environment sets none", () => {
    expect(testRunTerraformSettings({})).toEqual(TEST_RUN_TERRAFORM_SETTINGS);
  });

  test("a setting the caller made is kept, the others added", () => {
    const settings = testRunTerraformSettings({ GOGC: "100", TF_DISABLE_PLUGIN_TLS: "" });
    expect(settings).toEqual({ TF_LOG_SDK: "off" });
  });

  test.each([["TF_LOG"], ["TF_LOG_PROVIDER"]])("logs asked for with %s keep the SDK's logs on", (name) => {
    const settings = testRunTerraformSettings({ [name]: "trace" });
    expect(settings).not.toHaveProperty("TF_LOG_SDK");
    expect(settings).toMatchObject({ GOGC: "400", TF_DISABLE_PLUGIN_TLS: "1" });
  });
});
