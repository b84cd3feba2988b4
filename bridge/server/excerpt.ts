/**
 * Quotes untrusted input in an error message: a short, escaped excerpt, never the whole of it, so
 * that an 8 MB payload cannot become an 8 MB log line, feed message or reply.
 */

/** Longest excerpt of untrusted text quoted in a message, characters. */
export const EXCERPT_CHARS = 64

/** Longest error message the bridge reports, characters (what the reporter cuts to, whatever the caller built). */
export const MAX_MESSAGE_CHARS = 600

/** `value` as a JSON string of at most `max` characters of it, saying how much was left out. */
export function excerpt(value: string, max = EXCERPT_CHARS): string {
  if (value.length <= max) return JSON.stringify(value)
  return `${JSON.stringify(value.slice(0, max))}... (${value.length - max} more characters)`
}

/** A message cut to MAX_MESSAGE_CHARS (control characters escaped): the last guard before a log line, a feed message or a reply. */
export function boundedMessage(message: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = message.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  return clean.length <= MAX_MESSAGE_CHARS ? clean : `${clean.slice(0, MAX_MESSAGE_CHARS)}... (${clean.length - MAX_MESSAGE_CHARS} more characters)`
}
