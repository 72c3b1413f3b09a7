#!/bin/bash
# detach.sh COMMAND [ARG...]: runs COMMAND as a daemon that outlives its caller: its own session,
# stdin from /dev/null, and none of the descriptors above 2 that the caller passed down (a caller
# running under `flock LOCK ...` passes the lock down; a daemon keeping it would hold the lock for
# its whole life). The pid stays the caller's `$!` (exec chain). Output: redirect it at the call.
for fd in /proc/$$/fd/*; do
  fd=${fd##*/}
  # 255 is bash's own handle on this script, close-on-exec already
  if [ "$fd" -gt 2 ] 2>/dev/null && [ "$fd" -ne 255 ]; then eval "exec $fd>&-"; fi
done
exec setsid nohup "$@" < /dev/null
