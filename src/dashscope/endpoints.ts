/**
 * Which base URLs the API key may be sent to. Every request carries `Authorization: Bearer <key>`,
 * so an address is accepted only over TLS, or in plain `http:` only on this machine's loopback
 * (the simulator, a local gateway): a key sent in the clear across a network is a key given away.
 */

/** A checked base URL, or why it cannot carry the key. */
export type BaseUrlCheck = { readonly ok: true; readonly url: string } | { readonly ok: false; readonly reason: string };

/** Whether a URL hostname is this machine: `localhost`, 127.0.0.0/8 or `[::1]`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return Boolean(v4 && v4.slice(1).every((octet) => Number(octet) <= 255));
}

/**
 * Checks a base URL the key would be sent to (`--base-url`, `bailian.customBaseUrl`,
 * `bailian.regionBaseUrls`): `https:` anywhere, `http:` only on loopback, no user name or
 * password in it. The reason says what to change.
 */
export function checkBaseUrl(value: string): BaseUrlCheck {
  const text = value.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: `"${text}" is not a URL; use one like https://dashscope.aliyuncs.com/api/v1` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: `"${text}" is not an http(s) URL; use one like https://dashscope.aliyuncs.com/api/v1` };
  if (url.username || url.password) return { ok: false, reason: `"${url.host}…" carries a user name or password; the API key is the only credential, remove them from the URL` };
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return { ok: false, reason: `"${text}" is plain http to another machine, which would send the API key unencrypted; use https, or http only for localhost / 127.0.0.1 / [::1]` };
  }
  return { ok: true, url: text.replace(/\/+$/, '') };
}
