// From inside a VM: does host:port accept a TCP connection? bash's /dev/tcp needs no netcat in
// the image; `timeout` bounds a filtered port.
import { command } from '../../host/shell-quote';

export function tcpProbeCommand(host: string, port: number, seconds = 3): string {
  return command(['timeout', String(seconds), 'bash', '-c', `</dev/tcp/${host}/${port}`]);
}
