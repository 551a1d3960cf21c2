// The environment a local tool (tart, git, herd, a login shell, `claude setup-token`) runs with:
// Clave's own, minus every secret. The agent's credential reaches the VM over ssh only; a local
// tool never needs it, and its logs, crash reports and children must not be able to carry it.

/** A secret by name: Clave's Claude credentials and anything named like a key, token or password. */
const SECRET_NAME =
  /^(ANTHROPIC_.*|CLAUDE_CODE_OAUTH_TOKEN)$|(^|_)(API_?KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?|PRIVATE_KEY)(S?)(_|$)/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * `env` without secrets, except the ones this tool needs by name (Tart's registry password).
 * Every local process Clave starts gets its environment from here.
 */
export function childEnv(env: NodeJS.ProcessEnv, needs: readonly string[] = []): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && (!isSecretName(key) || needs.includes(key))) out[key] = value;
  }
  return out;
}
