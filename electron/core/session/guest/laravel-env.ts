// The VM's copy of `.env`: points the app at the host's services through the NAT gateway and at
// its own `.test` URL. Keys are replaced where set, uncommented where commented out (newer Laravel
// skeletons ship `# DB_HOST=…` under DB_CONNECTION=sqlite), and appended where absent.

export type EnvOverrides = Readonly<Record<string, string>>;

function formatValue(value: string): string {
  return /^[A-Za-z0-9_.:/@+-]*$/.test(value) ? value : `"${value.replace(/(["\\$`])/g, '\\$1')}"`;
}

export function patchEnv(text: string, overrides: EnvOverrides): string {
  const lines = text.length ? text.replace(/\r\n/g, '\n').split('\n') : [];
  if (lines.at(-1) === '') lines.pop();
  const done = new Set<string>();
  const assignment = /^\s*(#\s*)?(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/;
  // First pass: live assignments win over commented ones.
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < lines.length; i++) {
      const m = assignment.exec(lines[i]!);
      if (!m) continue;
      const commented = Boolean(m[1]);
      const key = m[2]!;
      if (!(key in overrides) || done.has(key) || commented !== (pass === 1)) continue;
      lines[i] = `${key}=${formatValue(overrides[key]!)}`;
      done.add(key);
    }
  }
  const missing = Object.keys(overrides).filter((k) => !done.has(k));
  if (missing.length) {
    lines.push('', '# Added by Clave for this session VM');
    for (const k of missing) lines.push(`${k}=${formatValue(overrides[k]!)}`);
  }
  return lines.join('\n') + '\n';
}

export function readEnvValue(text: string, key: string): string | undefined {
  const re = new RegExp(`^\\s*(?:export\\s+)?${key}\\s*=\\s*(.*)$`, 'm');
  const raw = re.exec(text)?.[1]?.trim();
  if (raw === undefined) return undefined;
  return raw.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
}

export interface ServiceConfig {
  mysqlHost: string;
  mysqlPort: number;
  redisHost: string;
  redisPort: number;
}

/** The seed's ServiceConfig: host services through the gateway, or services inside the VM. */
export function hostServices(
  gateway: string,
  ports: { mysql: number; redis: number },
): ServiceConfig {
  return { mysqlHost: gateway, mysqlPort: ports.mysql, redisHost: gateway, redisPort: ports.redis };
}
export function localServices(): ServiceConfig {
  return { mysqlHost: '127.0.0.1', mysqlPort: 3306, redisHost: '127.0.0.1', redisPort: 6379 };
}

export function sessionEnvOverrides(services: ServiceConfig, appUrl: string): EnvOverrides {
  return {
    DB_HOST: services.mysqlHost,
    DB_PORT: String(services.mysqlPort),
    REDIS_HOST: services.redisHost,
    REDIS_PORT: String(services.redisPort),
    APP_URL: appUrl,
  };
}
