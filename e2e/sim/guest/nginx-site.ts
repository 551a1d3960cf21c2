// What the guest's nginx stand-in understands of a site file (/etc/nginx/sites-enabled/*): its
// `root`, the `map` blocks beside the server block (http context), and the FastCGI locations with
// their `fastcgi_param`s — so a PHP page sees the $_SERVER that real nginx + PHP-FPM would give it:
// Debian's `fastcgi_params` for `include fastcgi_params`, every request header as HTTP_* (unless
// `fastcgi_pass_request_headers off`), then the site's own params in order, a later one of the same
// name overriding an earlier one as PHP-FPM does; `if_not_empty` params are left out when empty.

interface Directive {
  name: string;
  args: string[];
  block?: Directive[];
}

/** nginx's own `fastcgi_params` as Ubuntu 24.04's nginx-common ships it. */
const FASTCGI_PARAMS: Array<[string, string, boolean?]> = [
  ['QUERY_STRING', '$query_string'],
  ['REQUEST_METHOD', '$request_method'],
  ['CONTENT_TYPE', '$content_type'],
  ['CONTENT_LENGTH', '$content_length'],
  ['SCRIPT_NAME', '$fastcgi_script_name'],
  ['REQUEST_URI', '$request_uri'],
  ['DOCUMENT_URI', '$document_uri'],
  ['DOCUMENT_ROOT', '$document_root'],
  ['SERVER_PROTOCOL', '$server_protocol'],
  ['REQUEST_SCHEME', '$scheme'],
  ['HTTPS', '$https', true],
  ['GATEWAY_INTERFACE', 'CGI/1.1'],
  ['SERVER_SOFTWARE', 'nginx/$nginx_version'],
  ['REMOTE_ADDR', '$remote_addr'],
  ['REMOTE_PORT', '$remote_port'],
  ['SERVER_ADDR', '$server_addr'],
  ['SERVER_PORT', '$server_port'],
  ['SERVER_NAME', '$server_name'],
  ['REDIRECT_STATUS', '200'],
];

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /#[^\n]*|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([{};])|([^\s{};"'#]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    if (m[0].startsWith('#')) continue;
    // Quoted words keep a marker so '' stays a (empty) word.
    tokens.push(m[1] !== undefined || m[2] !== undefined ? `\0${m[1] ?? m[2]}` : m[0]);
  }
  return tokens;
}

function parseBlock(tokens: string[], at: { i: number }): Directive[] {
  const out: Directive[] = [];
  let words: string[] = [];
  while (at.i < tokens.length) {
    const t = tokens[at.i++]!;
    if (t === '}') break;
    if (t === ';' || t === '{') {
      const [name = '', ...args] = words.map((w) => w.replace(/^\0/, ''));
      out.push(t === '{' ? { name, args, block: parseBlock(tokens, at) } : { name, args });
      words = [];
    } else words.push(t);
  }
  return out;
}

export interface FastcgiLocation {
  pattern: RegExp;
  passHeaders: boolean;
  params: Array<{ name: string; value: string; ifNotEmpty: boolean }>;
}

export interface Site {
  root: string;
  serverName: string;
  maps: Map<string, { source: string; values: Map<string, string>; fallback: string }>;
  /** Regex locations with `fastcgi_pass`; empty = the simulator's bare default site (any .php). */
  fastcgi: FastcgiLocation[];
}

export function parseSite(text: string, defaultRoot: string): Site {
  const top = parseBlock(tokenize(text), { i: 0 });
  const site: Site = { root: defaultRoot, serverName: '_', maps: new Map(), fastcgi: [] };
  for (const d of top) {
    if (d.name === 'map' && d.block && d.args.length === 2) {
      const values = new Map<string, string>();
      let fallback = '';
      for (const e of d.block) {
        if (e.name === 'default') fallback = e.args[0] ?? '';
        else values.set(e.name.replace(/^\\/, ''), e.args[0] ?? '');
      }
      site.maps.set(d.args[1]!.replace(/^\$/, ''), { source: d.args[0]!, values, fallback });
    }
  }
  const server = top.find((d) => d.name === 'server' && d.block)?.block ?? [];
  for (const d of server) {
    if (d.name === 'root' && d.args[0]) site.root = d.args[0];
    if (d.name === 'server_name' && d.args[0]) site.serverName = d.args[0];
    if (d.name !== 'location' || !d.block?.some((x) => x.name === 'fastcgi_pass')) continue;
    const [modifier, regex] = d.args;
    if ((modifier !== '~' && modifier !== '~*') || regex === undefined) continue;
    const location: FastcgiLocation = {
      pattern: new RegExp(regex, modifier === '~*' ? 'i' : ''),
      passHeaders: true,
      params: [],
    };
    for (const x of d.block) {
      if (x.name === 'include' && x.args[0] === 'fastcgi_params') {
        for (const [name, value, ifNotEmpty] of FASTCGI_PARAMS)
          location.params.push({ name, value, ifNotEmpty: ifNotEmpty ?? false });
      }
      if (x.name === 'fastcgi_param' && x.args[0] !== undefined) {
        const ifNotEmpty = x.args[2] === 'if_not_empty';
        location.params.push({ name: x.args[0], value: x.args[1] ?? '', ifNotEmpty });
      }
      if (x.name === 'fastcgi_pass_request_headers') location.passHeaders = x.args[0] !== 'off';
    }
    site.fastcgi.push(location);
  }
  return site;
}

export interface RequestFacts {
  method: string;
  /** The original request URI (with query). */
  requestUri: string;
  /** The URI after try_files, e.g. /index.php. */
  uri: string;
  headers: Record<string, string | string[] | undefined>;
  remoteAddr: string;
  remotePort: number;
  serverAddr: string;
  serverPort: number;
  realRoot: string;
}

/** The location a URI reaches PHP-FPM through, or undefined when nginx would not pass it on. */
export function fastcgiLocation(site: Site, uri: string): FastcgiLocation | undefined {
  return site.fastcgi.find((l) => l.pattern.test(uri));
}

/** $_SERVER as PHP-FPM would build it from what nginx sends for this request. */
export function fastcgiParams(
  site: Site,
  location: FastcgiLocation | undefined,
  r: RequestFacts,
): Record<string, string> {
  const query = r.requestUri.includes('?') ? r.requestUri.slice(r.requestUri.indexOf('?') + 1) : '';
  const header = (name: string): string => {
    const v = r.headers[name.toLowerCase().replace(/_/g, '-')];
    return Array.isArray(v) ? v.join(', ') : (v ?? '');
  };
  const builtin: Record<string, string> = {
    query_string: query,
    args: query,
    request_method: r.method,
    content_type: header('content-type'),
    content_length: header('content-length'),
    fastcgi_script_name: r.uri,
    request_uri: r.requestUri,
    document_uri: r.uri,
    uri: r.uri,
    document_root: site.root,
    realpath_root: r.realRoot,
    server_protocol: 'HTTP/1.1',
    scheme: 'http',
    https: '',
    nginx_version: '1.24.0',
    remote_addr: r.remoteAddr,
    remote_port: String(r.remotePort),
    server_addr: r.serverAddr,
    server_port: String(r.serverPort),
    server_name: site.serverName,
    host: header('host').replace(/:\d+$/, '').toLowerCase() || site.serverName,
  };
  const variable = (name: string, depth = 0): string => {
    if (name.startsWith('http_')) return header(name.slice(5));
    const map = site.maps.get(name);
    if (map && depth < 8) {
      const source = expand(map.source, depth + 1);
      return expand(map.values.get(source) ?? map.fallback, depth + 1);
    }
    return builtin[name] ?? '';
  };
  const expand = (value: string, depth = 0): string =>
    value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string, b: string) => variable(a ?? b, depth));

  const out: Record<string, string> = {};
  const params =
    location?.params ??
    FASTCGI_PARAMS.map(([name, value, e]) => ({ name, value, ifNotEmpty: e ?? false }));
  if (location?.passHeaders ?? true) {
    for (const [k, v] of Object.entries(r.headers)) {
      if (v !== undefined)
        out[`HTTP_${k.toUpperCase().replace(/-/g, '_')}`] = Array.isArray(v) ? v.join(', ') : v;
    }
  }
  for (const p of params) {
    const value = expand(p.value);
    if (p.ifNotEmpty && value === '') continue;
    out[p.name] = value;
  }
  return out;
}
