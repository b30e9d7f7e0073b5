#!/usr/bin/env bash
# Raises the open-file limit to the hard limit (5,000 idle sockets need about as many descriptors in the
# client and in the server process), then runs the compiled harness. run.ts lowers the socket count with a
# warning if the limit is still too low.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || echo "bench: could not raise ulimit -n (now $(ulimit -n))" >&2
exec node "$(dirname "$0")/../dist-bench/bench/run.js" "$@"
