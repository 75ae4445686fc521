import { withoutAws } from "../support/stack-helpers";

type Config = Record<string, any>;

/**
 * Only the postgresql provider's part of a synthesized stage, and the variables it references, with the
 * provider's connection pointed at a local server (loopback, no TLS): what the real provider applies here.
 */
export function databaseConfig(synth: Config, connection: { port: number }): Config {
  const config = withoutAws(synth);
  const only = (section: Config = {}) =>
    Object.fromEntries(Object.entries(section).filter(([type]) => type.startsWith("postgresql")));
  const resource = only(config.resource);
  const [provider] = config.provider.postgresql;
  const used = JSON.stringify({ resource, provider });
  return {
    terraform: { required_providers: only(config.terraform.required_providers) },
    provider: { postgresql: [{ ...provider, host: "127.0.0.1", port: connection.port, sslmode: "disable" }] },
    variable: Object.fromEntries(Object.entries(config.variable).filter(([name]) => used.includes(`var.${name}`))),
    resource,
  };
}
