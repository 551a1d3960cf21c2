// The simulated `herd` executable (Laravel Herd's CLI, which is Valet underneath): proxy, unproxy,
// proxies, links, link, unlink, tld, --version — with Valet's semantics (see contracts/herd.md):
// the tld is appended, several domains split on commas, the target must be http(s)://…, the last
// writer wins silently, and unproxy of an unknown name succeeds.
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { findFault, loadFaults, FaultSyntaxError } from '../faults';
import { ValetHome, herdHome } from './store';
import { consoleTable } from './table';

const out = (s: string) => process.stdout.write(s);
const err = (s: string) => process.stderr.write(s);

/** Symfony Console's rendering of an uncaught exception. */
function exception(where: string, message: string, usage: string): number {
  const w = message.length + 4;
  err(`\nIn ${where}:\n${' '.repeat(w)}\n  ${message}  \n${' '.repeat(w)}\n\n${usage}\n\n`);
  return 1;
}

function notEnough(missing: string[], usage: string): number {
  const msg = `Not enough arguments (missing: "${missing.join(', ')}").`;
  const w = msg.length + 4;
  err(`\n${' '.repeat(w)}\n  ${msg}  \n${' '.repeat(w)}\n\n${usage}\n\n`);
  return 1;
}

function main(argv: string[]): number {
  const flags = argv.filter((a) => a.startsWith('--'));
  const args = argv.filter((a) => !a.startsWith('--'));
  const [cmd, ...rest] = args;
  if (flags.includes('--version') || flags.includes('-V')) {
    out('Laravel Herd 1.22.0\n');
    return 0;
  }
  try {
    if (findFault(loadFaults(), 'herd-fail')) {
      err('Herd is not running. Start Laravel Herd and try again.\n');
      return 1;
    }
  } catch (e) {
    if (e instanceof FaultSyntaxError) {
      err(`tart-sim: ${e.message}\n`);
      return 70;
    }
    throw e;
  }
  const valet = new ValetHome(herdHome());
  switch (cmd) {
    case undefined:
    case 'list':
      out(
        'Laravel Herd 1.22.0\n\nUsage:\n  command [options] [arguments]\n\nAvailable commands:\n  links  link  unlink  proxy  unproxy  proxies  tld\n',
      );
      return 0;
    case 'proxy': {
      const usage = 'proxy [--secure] [--] <domain> <host>';
      const [domains, host] = rest;
      if (domains === undefined || host === undefined) {
        return notEnough(domains === undefined ? ['domain', 'host'] : ['host'], usage);
      }
      if (!/^https?:\/\/.*$/.test(host))
        return exception('Site.php line 1023', `"${host}" is not a valid URL`, usage);
      const secure = flags.includes('--secure');
      for (const name of domains.split(',')) {
        const domain = valet.domain(name);
        valet.writeProxy(domain, host, secure);
        out(
          `Valet will now proxy [${secure ? 'https' : 'http'}://${domain}] traffic to [${host}].\n`,
        );
      }
      return 0;
    }
    case 'unproxy': {
      const [domains] = rest;
      if (domains === undefined) return notEnough(['domain'], 'unproxy <domain>');
      for (const name of domains.split(',')) {
        const domain = valet.domain(name);
        valet.unsecure(domain);
        out(`Valet will no longer proxy [https://${domain}].\n`);
      }
      return 0;
    }
    case 'proxies':
      out(
        consoleTable(
          ['Site', 'SSL', 'URL', 'Host'],
          valet.proxies().map((p) => [p.site, p.secured ? ' X' : '', p.url, p.host]),
        ),
      );
      return 0;
    case 'links':
      out(
        consoleTable(
          ['Site', 'SSL', 'URL', 'Path', 'PHP Version'],
          valet.links().map((l) => [l.site, l.secured ? ' X' : '', l.url, l.path, '8.4']),
        ),
      );
      return 0;
    case 'link': {
      const name = rest[0] ?? basename(process.cwd());
      mkdirSync(valet.sitesDir, { recursive: true });
      rmSync(join(valet.sitesDir, name), { force: true });
      symlinkSync(process.cwd(), join(valet.sitesDir, name));
      out(`A [${name}] symbolic link has been created in [${valet.sitesDir}/${name}].\n`);
      return 0;
    }
    case 'unlink': {
      const name = rest[0] ?? basename(process.cwd());
      if (existsSync(join(valet.sitesDir, name)))
        rmSync(join(valet.sitesDir, name), { force: true });
      out(`The [${name}] symbolic link has been removed.\n`);
      return 0;
    }
    case 'tld': {
      const c = valet.config();
      if (rest[0] === undefined) {
        out(c.tld + '\n');
        return 0;
      }
      c.tld = rest[0];
      valet.saveConfig(c);
      out(`Your Valet TLD has been updated to [${rest[0]}].\n`);
      return 0;
    }
    default:
      err(
        `\n                                   \n  Command "${cmd}" is not defined.  \n                                   \n\n`,
      );
      return 1;
  }
}

process.exit(main(process.argv.slice(2)));
