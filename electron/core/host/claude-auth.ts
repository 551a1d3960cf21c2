import { setTimeout as sleep } from 'node:timers/promises';
import os from 'node:os';
import path from 'node:path';
import * as pty from 'node-pty';
import stripAnsi from 'strip-ansi';
import { childEnv } from './child-env';
import { HostError, tail } from './errors';
import { findBinary, LoginShellPath, mergePath, type FindBinaryResult } from './find-binary';
import { extractToken, maskSecret, normaliseOAuthToken, TokenRedactor } from './claude-token';
import type { SecretStore } from './secret-store';

/**
 * Claude Code credentials for the VMs. Resolution order (as the seed's AuthManager):
 * `ANTHROPIC_API_KEY` → `CLAUDE_CODE_OAUTH_TOKEN` → the token stored by `setupToken`/`storeToken`.
 * Values leave this module only through `resolve()` (for writing a 0600 env file in the VM);
 * everything else sees `maskSecret` hints. Nothing here logs.
 */

export const STORED_TOKEN_KEY = 'claude.oauth-token';

export type ClaudeAuthErrorCode =
  | 'claude.not-installed'
  | 'claude.setup-failed'
  | 'claude.setup-timeout'
  | 'claude.setup-cancelled'
  | 'claude.no-token'
  | 'claude.invalid-token';

export class ClaudeAuthError extends HostError<ClaudeAuthErrorCode> {}

export type ResolvedAuth =
  | { method: 'api-key'; envVar: 'ANTHROPIC_API_KEY'; value: string; source: 'env' }
  | {
      method: 'oauth-token';
      envVar: 'CLAUDE_CODE_OAUTH_TOKEN';
      value: string;
      source: 'env' | 'store';
    };

/** What the adapter knows (with the env var and a masked hint); faces see shared/api's AuthStatus. */
export type ClaudeAuthState =
  | { authenticated: false }
  | {
      authenticated: true;
      method: ResolvedAuth['method'];
      source: ResolvedAuth['source'];
      envVar: ResolvedAuth['envVar'];
      /** e.g. `sk-ant-oat01-…WXYZ`. */
      hint: string;
    };

export interface ClaudeAuthOptions {
  store: SecretStore;
  /** Where ANTHROPIC_API_KEY / CLAUDE_CODE_OAUTH_TOKEN and PATH come from. */
  env?: NodeJS.ProcessEnv;
  /** A `claude` path configured by the user. */
  claudeBinary?: string;
  home?: string;
  /** Time the user has to finish the browser login. Default 10 minutes. */
  setupTimeoutMs?: number;
}

export interface SetupTokenOptions {
  cols?: number;
  rows?: number;
  /** Terminal output for the user to see (tokens are already hidden in it). */
  onData?: (data: string) => void;
  signal?: AbortSignal;
}

/** A running `claude setup-token`: show its output, forward the user's keys, await the result. */
export interface SetupTokenSession {
  write(data: string): void;
  resize(cols: number, rows: number): void;
  cancel(): void;
  /** Resolves once the token is captured and stored. */
  readonly result: Promise<ClaudeAuthState>;
}

export class ClaudeAuth {
  private readonly store: SecretStore;
  private readonly env: NodeJS.ProcessEnv;
  private readonly home: string;
  private readonly setupTimeoutMs: number;
  private readonly claudeBinary: string | undefined;
  private readonly loginShell: LoginShellPath;

  constructor(options: ClaudeAuthOptions) {
    this.store = options.store;
    this.env = options.env ?? process.env;
    this.home = options.home ?? os.homedir();
    this.setupTimeoutMs = options.setupTimeoutMs ?? 10 * 60_000;
    this.claudeBinary = options.claudeBinary;
    this.loginShell = new LoginShellPath({ shell: this.env.SHELL, env: this.env });
  }

  /** The credential a VM should get, or null when there is none. */
  async resolve(): Promise<ResolvedAuth | null> {
    const apiKey = this.env.ANTHROPIC_API_KEY?.trim();
    if (apiKey)
      return { method: 'api-key', envVar: 'ANTHROPIC_API_KEY', value: apiKey, source: 'env' };
    const envToken = this.env.CLAUDE_CODE_OAUTH_TOKEN?.trim();
    if (envToken) {
      return {
        method: 'oauth-token',
        envVar: 'CLAUDE_CODE_OAUTH_TOKEN',
        value: envToken,
        source: 'env',
      };
    }
    const stored = await this.store.get(STORED_TOKEN_KEY);
    if (stored) {
      return {
        method: 'oauth-token',
        envVar: 'CLAUDE_CODE_OAUTH_TOKEN',
        value: stored,
        source: 'store',
      };
    }
    return null;
  }

  async status(): Promise<ClaudeAuthState> {
    const auth = await this.resolve();
    if (auth === null) return { authenticated: false };
    return {
      authenticated: true,
      method: auth.method,
      source: auth.source,
      envVar: auth.envVar,
      hint: maskSecret(auth.value),
    };
  }

  /** Store a token the user pasted (whitespace from wrapping is removed). */
  async storeToken(raw: string): Promise<ClaudeAuthState> {
    const check = normaliseOAuthToken(raw);
    if (!check.ok) {
      const why = {
        empty: 'Nothing was pasted.',
        'not-a-token': 'That is not a Claude token (it should start with sk-ant-oat01-).',
        'api-key':
          'That is an API key, not a subscription token. Set it as ANTHROPIC_API_KEY instead.',
      }[check.reason];
      throw new ClaudeAuthError({
        code: 'claude.invalid-token',
        what: 'The token was not saved',
        why,
        fix: 'Run `claude setup-token` and paste the token it prints.',
      });
    }
    await this.store.set(STORED_TOKEN_KEY, check.token);
    return this.status();
  }

  /** Forget the stored token. Environment variables are the user's and stay. */
  async clear(): Promise<void> {
    await this.store.delete(STORED_TOKEN_KEY);
  }

  /** Where the host's `claude` is, even when the app was started from Finder. */
  findClaude(): Promise<FindBinaryResult> {
    return findBinary({
      name: 'claude',
      override: this.claudeBinary,
      order: ['path', 'well-known', 'login-shell'],
      pathEnv: this.env.PATH,
      wellKnown: [
        path.join(this.home, '.local/bin/claude'),
        path.join(this.home, '.claude/local/claude'),
        '/opt/homebrew/bin/claude',
        '/usr/local/bin/claude',
      ],
      loginShell: this.loginShell,
    });
  }

  /**
   * Run the host's `claude setup-token` in a PTY (it needs a real terminal and a browser), show
   * its output with the token hidden, capture the token and store it.
   */
  async setupToken(options: SetupTokenOptions = {}): Promise<SetupTokenSession> {
    const found = await this.findClaude();
    if (!found.found) {
      throw new ClaudeAuthError({
        code: 'claude.not-installed',
        what: 'Claude Code is not installed on this Mac',
        why: `No \`claude\` found (looked in ${found.searched.join(', ')}).`,
        fix: 'Install it (curl -fsSL https://claude.ai/install.sh | bash), or paste a token from `claude setup-token`, or set ANTHROPIC_API_KEY.',
      });
    }
    const loginPath = await this.loginShell.get();
    // It makes a new token: an old one in its environment is not its business.
    const env = childEnv(this.env) as Record<string, string>;
    // The claude launcher needs node (and a browser opener) from the user's PATH.
    env.PATH = mergePath([path.dirname(found.path)], this.env.PATH, loginPath ?? undefined);
    env.TERM = 'xterm-256color';
    env.COLORTERM = 'truecolor';
    // Wide enough that the ~110-character token is never wrapped by the TUI.
    const cols = Math.max(options.cols ?? 200, 160);
    const rows = options.rows ?? 30;
    const child = pty.spawn(found.path, ['setup-token'], {
      name: 'xterm-256color',
      cols,
      rows,
      cwd: this.home,
      env,
    });
    const redactor = new TokenRedactor();
    let raw = '';
    let finished = false;
    let failure: ClaudeAuthError | null = null;
    const stop = (error: ClaudeAuthError) => {
      if (finished) return;
      failure ??= error;
      try {
        child.kill('SIGTERM');
      } catch {
        // already gone
      }
      setTimeout(() => {
        try {
          if (!finished) child.kill('SIGKILL');
        } catch {
          // already gone
        }
      }, 2000).unref();
    };
    let lastData = Date.now();
    const dataSub = child.onData((data) => {
      lastData = Date.now();
      raw += data;
      if (raw.length > 1_000_000) raw = raw.slice(-500_000);
      const visible = redactor.push(data);
      if (visible !== '') options.onData?.(visible);
    });
    const timer = setTimeout(
      () =>
        stop(
          new ClaudeAuthError({
            code: 'claude.setup-timeout',
            what: 'Claude sign-in took too long',
            why: `No token after ${Math.round(this.setupTimeoutMs / 60_000)} minute(s).`,
            fix: 'Start the sign-in again and finish it in the browser, or run `claude setup-token` in Terminal and paste the token.',
          }),
        ),
      this.setupTimeoutMs,
    );
    const onAbort = () =>
      stop(
        new ClaudeAuthError({
          code: 'claude.setup-cancelled',
          what: 'Claude sign-in was cancelled',
          why: 'It was stopped before a token was printed.',
          fix: 'Start the sign-in again when you are ready.',
        }),
      );
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const result = new Promise<ClaudeAuthState>((resolve, reject) => {
      child.onExit(async ({ exitCode, signal }) => {
        finished = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        // node-pty can report the exit before the last output has been read from the PTY (seen on
        // Linux): wait until the output has been quiet for a moment before judging it.
        const exitAt = Date.now();
        while (Date.now() - Math.max(lastData, exitAt) < 150 && Date.now() - exitAt < 2000) {
          await sleep(50);
        }
        dataSub.dispose();
        const rest = redactor.flush();
        if (rest !== '') options.onData?.(rest);
        const output = tail(redactAll(stripAnsi(raw)), 1500);
        if (failure !== null) {
          reject(failure);
          return;
        }
        const token = extractToken(raw);
        raw = '';
        const check = token === null ? null : normaliseOAuthToken(token);
        if (check?.ok === true) {
          this.store
            .set(STORED_TOKEN_KEY, check.token)
            .then(() => this.status().then(resolve), reject);
          return;
        }
        if (exitCode !== 0 || (signal !== undefined && signal !== 0)) {
          reject(
            new ClaudeAuthError({
              code: 'claude.setup-failed',
              what: 'Claude sign-in failed',
              why: `claude setup-token exited with ${exitCode}${signal ? ` (signal ${signal})` : ''}.`,
              fix: 'Read its output for the reason, then try again; you can also run `claude setup-token` in Terminal and paste the token.',
              detail: output,
            }),
          );
          return;
        }
        reject(
          new ClaudeAuthError({
            code: 'claude.no-token',
            what: 'Claude sign-in finished without a token',
            why: 'claude setup-token ended, but its output contained no sk-ant- token.',
            fix: 'Run `claude setup-token` in Terminal and paste the token it prints.',
            detail: output,
          }),
        );
      });
    });

    // The caller awaits `result`; this keeps a cancelled, never-awaited session from crashing.
    result.catch(() => {});
    return {
      write: (data) => {
        if (!finished) child.write(data);
      },
      resize: (c, r) => {
        if (!finished) child.resize(Math.max(c, 160), r);
      },
      cancel: onAbort,
      result,
    };
  }
}

function redactAll(text: string): string {
  const redactor = new TokenRedactor();
  return redactor.push(text) + redactor.flush();
}
