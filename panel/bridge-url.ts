/** Where the bridge lives, relative to the page that served the panel, and the access token it asked for. */

/** The page's `?token=` value, or null when the bridge needs none. */
export function tokenFromSearch(search: string): string | null {
  const token = new URLSearchParams(search).get('token')
  return token ? token : null
}

/** The feed URL on the page's own host: ws(s)://host/ws, with `?token=` when one is given. */
export function feedUrl(page: { protocol: string; host: string }, token: string | null): string {
  const scheme = page.protocol === 'https:' ? 'wss:' : 'ws:'
  const query = token ? `?token=${encodeURIComponent(token)}` : ''
  return `${scheme}//${page.host}/ws${query}`
}

/** A same-origin API path with its query, the token appended when one is given. */
export function apiUrl(path: string, params: Record<string, string>, token: string | null): string {
  const query = new URLSearchParams(params)
  if (token) query.set('token', token)
  const text = query.toString()
  return text ? `${path}?${text}` : path
}
