// What the bench reads in its pages: the app's terminal probe and the bare-xterm page's controls.
import type { TerminalProbe } from '../../renderer/src/terminal/registry';

declare global {
  interface Window {
    __clave?: TerminalProbe;
    bench: {
      renderer(): 'webgl' | 'dom';
      resize(cols: number, rows: number): void;
      load(url: string): Promise<number>;
      write(): Promise<number>;
      socket(url: string, total: number): Promise<number>;
    };
  }
}
