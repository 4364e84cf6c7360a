# Shared by the load harnesses (sourced): background servers, wrk figures, ratios. Needs WORK (a scratch folder)
# and the PIDS array to be set by the caller, whose EXIT trap kills what is in PIDS.

# start NAME COMMAND...: runs it in the background, waits for the first http:// or https:// URL it prints, sets URL
# and PID.
start() {
    local name=$1; shift
    "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" &
    PIDS+=($!); PID=$!
    for _ in $(seq 1 300); do
        if grep -qE "https?://" "$WORK/$name.out" 2>/dev/null; then break; fi
        sleep 0.05
    done
    URL=$(grep -oE "https?://[0-9.:]*" "$WORK/$name.out" | head -1)
    [ -n "$URL" ] || { echo "$name did not start: $(cat "$WORK/$name.err")" >&2; exit 1; }
}

# stop PID: SIGTERM, then SIGKILL after 5 s (the bare baseline does not end open event streams on shutdown).
stop() {
    kill "$1" 2>/dev/null || return 0
    for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    kill -9 "$1" 2>/dev/null || true
}

# Requests/sec of a wrk report on standard input.
rate() { awk '/Requests\/sec/ {printf "%.0f", $2}'; }

# ratio A B: A/B as "1.23x".
ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/b:.2f}x' if b else '-')" "$1" "$2"; }
