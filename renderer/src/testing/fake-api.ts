// The shared fake API, answering what every rendered session needs by default.
import {
  createFakeApi as createSharedFakeApi,
  orchardStatus,
  type FakeApi,
} from '../../../shared/testing/fake-api';

export { exitInfo, orchardStatus, summary, type FakeApi } from '../../../shared/testing/fake-api';

export function createFakeApi(): FakeApi {
  let terminals = 0;
  return createSharedFakeApi({
    'app.info': () => ({ name: 'Clave', version: '9.9.9', platform: 'linux', face: 'web' }),
    'sessions.list': () => [],
    'doctor.run': () => [],
    'orchard.status': () => orchardStatus(),
    'terminal.open': () => ({ terminalId: `term-${++terminals}` }),
    'terminal.write': () => null,
    'terminal.resize': () => null,
    'terminal.ack': () => null,
    'terminal.close': () => null,
  });
}
