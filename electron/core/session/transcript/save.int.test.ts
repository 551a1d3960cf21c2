// Saving a conversation over a real ssh connection (sftp against a real sshd, the test user's home
// standing in for the VM user's): only Claude's files, regular files only, and the bounds.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectSsh, type SshConnection } from '../../host/ssh';
import { startSshd, type Sshd } from '../../host/testing/sshd';
import { saveTranscript } from './save';
import { MAX_SIDECAR_DEPTH, MAX_TRANSCRIPT_BYTES, TranscriptStore } from './store';

const SID = '0b4c7f2e-1111-4a2b-9c3d-123456789abc';
const DIR = '.claude/projects/-srv-project';
let sshd: Sshd;
let ssh: SshConnection;
const local = mkdtempSync(path.join(tmpdir(), 'clave-save-'));
let store: TranscriptStore;
let n = 0;

beforeAll(async () => {
  sshd = await startSshd();
  ssh = await connectSsh({
    host: sshd.address,
    port: sshd.port,
    username: sshd.user,
    password: sshd.password,
    deadlineMs: 10_000,
  });
});

afterAll(async () => {
  await ssh?.close();
  await sshd?.stop();
  rmSync(local, { recursive: true, force: true });
});

beforeEach(async () => {
  store = new TranscriptStore(path.join(local, `t${n++}`));
  await ssh.run(`rm -rf .claude && mkdir -p ${DIR}`, 'reset');
});

const inHome = (cmd: string) => ssh.run(cmd, cmd);

describe('saveTranscript over ssh', () => {
  it('takes the jsonl and its sidecar, never a symlink, a credential or another folder', async () => {
    await inHome(
      [
        `printf '{"sessionId":"${SID}"}\\n' > ${DIR}/${SID}.jsonl`,
        `mkdir -p ${DIR}/${SID}/subagents ${DIR}/memory`,
        `echo sub > ${DIR}/${SID}/subagents/a.jsonl`,
        `echo secret > .claude/.credentials.json`,
        `ln -s "$HOME/.claude/.credentials.json" ${DIR}/${SID}/creds`,
        `ln -s "$HOME/.claude" ${DIR}/${SID}/home-link`,
        `echo mem > ${DIR}/memory/MEMORY.md`,
      ].join(' && '),
    );
    const saved = await saveTranscript(ssh, store, 'aaaa1111', null);
    expect(saved).toEqual({
      claudeSessionId: SID,
      bytes: `{"sessionId":"${SID}"}\n`.length + 'sub\n'.length,
    });
    expect(readdirSync(store.dir('aaaa1111'), { recursive: true }).sort()).toEqual([
      SID,
      `${SID}.jsonl`,
      `${SID}/subagents`,
      `${SID}/subagents/a.jsonl`,
    ]);
    expect(readFileSync(path.join(store.dir('aaaa1111'), `${SID}.jsonl`), 'utf8')).toContain(SID);
  });

  it('saves nothing (and keeps the last save) when the VM has no conversation', async () => {
    await inHome(`echo '{}' > ${DIR}/${SID}.jsonl`);
    await saveTranscript(ssh, store, 'bbbb2222', null);
    await inHome(`rm -rf .claude`);
    expect(await saveTranscript(ssh, store, 'bbbb2222', SID)).toBeNull();
    await inHome(`mkdir -p ${DIR} && ln -s /etc/passwd ${DIR}/x.jsonl && echo > ${DIR}/..jsonl`);
    expect(await saveTranscript(ssh, store, 'bbbb2222', null)).toBeNull();
    expect(readdirSync(store.dir('bbbb2222'))).toEqual([`${SID}.jsonl`]);
  });

  it(`refuses a conversation over ${MAX_TRANSCRIPT_BYTES / 1024 / 1024} MiB or nested too deep, keeping the last save`, async () => {
    await inHome(`echo '{}' > ${DIR}/${SID}.jsonl`);
    await saveTranscript(ssh, store, 'cccc3333', null);
    await inHome(`truncate -s ${MAX_TRANSCRIPT_BYTES + 1} ${DIR}/${SID}.jsonl`);
    await expect(saveTranscript(ssh, store, 'cccc3333', SID)).rejects.toMatchObject({
      problem: { what: "The agent's conversation was not saved: it is too large" },
    });
    await inHome(
      `echo '{}' > ${DIR}/${SID}.jsonl && mkdir -p ${DIR}/${SID}/${'d/'.repeat(MAX_SIDECAR_DEPTH)} && touch ${DIR}/${SID}/${'d/'.repeat(MAX_SIDECAR_DEPTH)}f`,
    );
    await expect(saveTranscript(ssh, store, 'cccc3333', SID)).rejects.toMatchObject({
      problem: { why: `Its folder nests over ${MAX_SIDECAR_DEPTH} deep.` },
    });
    // The first save is still there, whole; no half-written folder is left beside it.
    expect(readdirSync(store.root)).toEqual(['cccc3333']);
    expect(readFileSync(path.join(store.dir('cccc3333'), `${SID}.jsonl`), 'utf8')).toBe('{}\n');
  }, 60_000);
});
