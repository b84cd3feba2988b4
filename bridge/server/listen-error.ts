/** Why a port could not be listened on, in words a user can act on (EADDRINUSE names the option that picks another port). */
export function listenReason(err: NodeJS.ErrnoException, port: number | null | undefined, option: string, otherUser = 'another emolane serve?'): string {
  if (err.code === 'EADDRINUSE') return `port ${port} is already in use (${otherUser}); pick another with ${option} (0: any free port)`
  if (err.code === 'EACCES') return `no permission to listen on port ${port} (ports under 1024 need privileges); pick another with ${option}`
  return err.message
}
