// The shared fake API, with the shell tests' project.
import { summary as sessionSummary } from '../../../shared/testing/fake-api';
import type { SessionSummary } from '../../../shared/session';

export { createFakeApi, exitInfo, type FakeApi } from '../../../shared/testing/fake-api';

export function summary(patch: Partial<SessionSummary> = {}): SessionSummary {
  return sessionSummary({ startedAt: '2026-11-25T10:00:00.000Z', ...patch }, 'shop');
}
