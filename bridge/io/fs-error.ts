/** Plain words for the file-system errors a user meets on the command line (ENOENT: "no such file"). */

const reasons: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
  EROFS: 'the disk is read-only',
  ENOSPC: 'the disk is full',
  EMFILE: 'too many open files',
}

/** Why a file operation failed, in words, without the paths Node puts in its messages (e.g. a temporary file's). */
export function fsReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code
  if (code && reasons[code]) return `${reasons[code]} (${code})`
  return code ?? (err instanceof Error ? err.message : String(err))
}
