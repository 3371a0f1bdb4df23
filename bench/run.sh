#!/usr/bin/env bash
# Locusta benchmarks against wrk, measured in the same run on the same target.
#
#   bash bench/run.sh [throughput|memory|all]      (default: all)
#
# throughput: wrk -t1 -c50, `bench_users GetUser -u 50 --threads 1` (native Rust users) and
#             `locusta -f bench/lua/get.lua -u 50 --threads 1` (Lua users), one after the other,
#             against the same target process; requests/s, generator CPU seconds (user+sys),
#             requests per CPU-second, and the ratios to wrk.
# memory:     `IdleUser -u 10000` and `-u 100` (baseline), native and Lua; VmRSS of each once
#             every user is spawned and idle on its keep-alive connection; KB per idle user.
#
# The target is nginx (worker_processes 1) when it is installed or installable, else the
# in-repo `locusta-target --fast --threads 1`. The target is pinned to core 0 and the
# generator to core 1. See bench/README.md for how to read the results and the caveats.
#
# Knobs (environment): BENCH_DURATION (s, default 10), BENCH_CONNS (50), BENCH_ROUNDS (1;
# throughput rounds, medians are reported), BENCH_IDLE_USERS (10000), BENCH_BASE_USERS (100),
# BENCH_MEMORY_RUN_TIME (s, default 20), BENCH_TARGET_CORE (0), BENCH_GEN_CORE (1),
# BENCH_TARGET=nginx|locusta-target (default: nginx when available), BENCH_NO_BUILD=1,
# BENCH_RAW=1 (also run the diagnostic RawGetUser class: engine + stats without the HTTP client),
# BENCH_TRIM=1 (memory: also read VmRSS after calling malloc_trim(0) in the generator via gdb).
set -euo pipefail

MODE=${1:-all}
case "$MODE" in
    throughput | memory | all) ;;
    -h | --help)
        awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"
        exit 0
        ;;
    *)
        echo "usage: bash bench/run.sh [throughput|memory|all]" >&2
        exit 2
        ;;
esac

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

DURATION=${BENCH_DURATION:-10}
CONNS=${BENCH_CONNS:-50}
ROUNDS=${BENCH_ROUNDS:-1}
IDLE_USERS=${BENCH_IDLE_USERS:-10000}
BASE_USERS=${BENCH_BASE_USERS:-100}
MEMORY_RUN_TIME=${BENCH_MEMORY_RUN_TIME:-20}
TARGET_CORE=${BENCH_TARGET_CORE:-0}
GEN_CORE=${BENCH_GEN_CORE:-1}
TARGET_KIND=${BENCH_TARGET:-auto}
# Seconds to let idle users settle after "All users spawned" before reading VmRSS.
SETTLE=3

TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BENCH_USERS=$TARGET_DIR/release/examples/bench_users
LOCUSTA=$TARGET_DIR/release/locusta
LUA_GET=$ROOT/bench/lua/get.lua
LUA_IDLE=$ROOT/bench/lua/idle.lua
LOCUSTA_TARGET=$TARGET_DIR/release/locusta-target

WORK=$(mktemp -d "${TMPDIR:-/tmp}/locusta-bench.XXXXXX")
STAMP=$(date +%Y%m%d-%H%M%S)
OUT_DIR=$ROOT/bench/out
REPORT=$OUT_DIR/$STAMP.txt
CLK_TCK=$(getconf CLK_TCK)

log() { printf '[bench] %s\n' "$*" >&2; }
die() {
    printf '[bench] error: %s\n' "$*" >&2
    exit 1
}

# ---------------------------------------------------------------------------------------------
# Cleanup: every process started here is recorded in STARTED and stopped on exit, children
# first (for /usr/bin/time, which would otherwise leave its child running).
STARTED=()
stop_tree() {
    local pid=$1 child
    for child in $(pgrep -P "$pid" 2>/dev/null || true); do
        kill -TERM "$child" 2>/dev/null || true
    done
    kill -TERM "$pid" 2>/dev/null || true
}
cleanup() {
    local pid
    trap - INT TERM
    for pid in "${STARTED[@]}"; do
        stop_tree "$pid"
    done
    local deadline=$((SECONDS + 10))
    for pid in "${STARTED[@]}"; do
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs "$@" in the background and waits for it, so that a signal to this script is handled at
# once (bash runs traps only between foreground commands). Returns the command's status.
run_waited() {
    "$@" &
    local pid=$!
    STARTED+=("$pid")
    local rc=0
    wait "$pid" || rc=$?
    return "$rc"
}

# ---------------------------------------------------------------------------------------------
# Tools: install what is missing (Debian/Ubuntu apt), once.
APT_UPDATED=0
as_root() {
    if [[ $(id -u) == 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo -n "$@"
    else
        return 1
    fi
}
apt_install() {
    command -v apt-get >/dev/null || return 1
    if ((APT_UPDATED == 0)); then
        log "apt-get update"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || return 1
        APT_UPDATED=1
    fi
    log "apt-get install -y $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_tools() {
    local missing=()
    command -v wrk >/dev/null || missing+=(wrk)
    command -v taskset >/dev/null || missing+=(util-linux)
    [[ -x /usr/bin/time ]] || missing+=(time)
    if ((${#missing[@]})); then
        apt_install "${missing[@]}" || die "cannot install ${missing[*]}; install them and rerun"
    fi
    if [[ -n ${BENCH_TRIM:-} ]] && ! command -v gdb >/dev/null; then
        apt_install gdb || die "BENCH_TRIM=1 needs gdb"
    fi
    command -v wrk >/dev/null || die "wrk is missing"
    command -v cargo >/dev/null || die "cargo is missing (install Rust: https://rustup.rs)"
}

# nginx is optional: the in-repo target is the fallback.
nginx_bin() {
    command -v nginx 2>/dev/null || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || true
}
ensure_nginx() {
    [[ -n $(nginx_bin) ]] && return 0
    # Debian 12 has nginx-light; later releases only `nginx`.
    apt_install nginx-light 2>/dev/null || apt_install nginx 2>/dev/null || true
    [[ -n $(nginx_bin) ]]
}

# ---------------------------------------------------------------------------------------------
# Helpers.

# Summed utime+stime of the given processes, in clock ticks.
proc_ticks() {
    local total=0 pid stat rest
    for pid in "$@"; do
        stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
        rest=${stat##*) }  # fields after "(comm) "; utime and stime are fields 14 and 15
        read -r -a f <<<"$rest"
        total=$((total + f[11] + f[12]))
    done
    echo "$total"
}
# Busy (non-idle, non-iowait) ticks of one CPU core, from /proc/stat.
core_busy_ticks() {
    awk -v c="cpu$1" '$1 == c { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}
# Floating point arithmetic: calc '<awk expression>'.
calc() { awk "BEGIN { printf \"%s\", ($1) }"; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

port_is_listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

raise_nofile() {
    # Try to raise the hard limit (root outside a restrictive container), then the soft one.
    ulimit -Hn 1048576 2>/dev/null || ulimit -Hn 65536 2>/dev/null || true
    ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true
    NOFILE=$(ulimit -Sn)
    [[ $NOFILE == unlimited ]] && NOFILE=1048576
    return 0
}

# ---------------------------------------------------------------------------------------------
# Target.
TARGET_PID=
TARGET_URL=
TARGET_DESC=

target_pids() {
    # nginx: the master and its worker; locusta-target: the process itself.
    echo "$TARGET_PID"
    pgrep -P "$TARGET_PID" 2>/dev/null || true
}

# utime+stime of the target's processes, in clock ticks.
target_ticks() {
    local pids
    mapfile -t pids < <(target_pids)
    proc_ticks "${pids[@]}"
}

start_nginx() {
    local bin port conf dir attempt worker_conns
    bin=$(nginx_bin)
    dir=$WORK/nginx
    mkdir -p "$dir/logs" "$dir/tmp"
    # Each idle user holds one connection; keep room for the benchmark's own connections.
    worker_conns=20000
    ((worker_conns > NOFILE - 64)) && worker_conns=$((NOFILE - 64))
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
        port=$((20000 + RANDOM % 12000))
        port_is_listening "$port" && continue
        conf=$dir/nginx.conf
        cat >"$conf" <<EOF
# Written by bench/run.sh: one worker, a tiny fixed body, keep-alive forever.
daemon off;
worker_processes 1;
worker_rlimit_nofile $NOFILE;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events {
    worker_connections $worker_conns;
    multi_accept on;
}
http {
    access_log off;
    keepalive_requests 1000000000;
    keepalive_timeout 3600s;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    server {
        listen 127.0.0.1:$port backlog=65535;
        location / {
            default_type text/plain;
            return 200 "Hello, World!";
        }
    }
}
EOF
        taskset -c "$TARGET_CORE" "$bin" -p "$dir/" -e "$dir/logs/error.log" -c "$conf" \
            >"$dir/logs/stdout.log" 2>&1 &
        TARGET_PID=$!
        STARTED+=("$TARGET_PID")
        for _ in $(seq 50); do
            port_is_listening "$port" && break
            kill -0 "$TARGET_PID" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$TARGET_PID" 2>/dev/null && port_is_listening "$port"; then
            TARGET_URL=http://127.0.0.1:$port
            TARGET_DESC="$("$bin" -v 2>&1 | sed 's/^nginx version: //') (worker_processes 1, worker_connections $worker_conns)"
            return 0
        fi
        log "nginx did not start on port $port (attempt $attempt):"
        sed 's/^/    /' "$dir/logs/error.log" "$dir/logs/stdout.log" >&2 2>/dev/null || true
        kill -KILL "$TARGET_PID" 2>/dev/null || true
        wait "$TARGET_PID" 2>/dev/null || true
    done
    return 1
}

start_locusta_target() {
    local out=$WORK/locusta-target.out
    taskset -c "$TARGET_CORE" "$LOCUSTA_TARGET" --fast --threads 1 >"$out" 2>"$WORK/locusta-target.err" &
    TARGET_PID=$!
    STARTED+=("$TARGET_PID")
    for _ in $(seq 100); do
        TARGET_URL=$(head -n1 "$out" 2>/dev/null || true)
        [[ $TARGET_URL == http://* ]] && break
        kill -0 "$TARGET_PID" 2>/dev/null || die "locusta-target exited: $(cat "$WORK/locusta-target.err")"
        sleep 0.1
    done
    [[ $TARGET_URL == http://* ]] || die "locusta-target printed no URL"
    TARGET_DESC="locusta-target --fast --threads 1"
}

start_target() {
    case "$TARGET_KIND" in
        auto)
            if ensure_nginx && start_nginx; then return; fi
            log "nginx unavailable: using locusta-target --fast --threads 1"
            start_locusta_target
            ;;
        nginx) { ensure_nginx && start_nginx; } || die "cannot start nginx" ;;
        locusta-target) start_locusta_target ;;
        *) die "BENCH_TARGET must be nginx or locusta-target" ;;
    esac
}

# ---------------------------------------------------------------------------------------------
# Throughput.

# Runs "$@" pinned to the generator core under /usr/bin/time, recording CPU of the target and of
# both cores around it. Sets RUN_CPU (generator user+sys s), RUN_WALL, TARGET_CPU_PCT, OTHER_CPU_S.
measure() {
    local name=$1
    shift
    local t0 c0a c0b t1 c1a c1b user sys rc=0
    t0=$(target_ticks)
    c0a=$(core_busy_ticks "$TARGET_CORE")
    c0b=$(core_busy_ticks "$GEN_CORE")
    run_waited /usr/bin/time -f '%e %U %S' -o "$WORK/$name.time" \
        taskset -c "$GEN_CORE" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || rc=$?
    t1=$(target_ticks)
    c1a=$(core_busy_ticks "$TARGET_CORE")
    c1b=$(core_busy_ticks "$GEN_CORE")
    # /usr/bin/time appends "Command exited with non-zero status N" first on failure.
    read -r RUN_WALL user sys < <(tail -n1 "$WORK/$name.time")
    RUN_CPU=$(calc "$user + $sys")
    RUN_USER=$user
    RUN_SYS=$sys
    TARGET_CPU_PCT=$(calc "($t1 - $t0) / $CLK_TCK / $RUN_WALL * 100")
    # CPU time spent on the two cores by anything but the target and the generator.
    OTHER_CPU_S=$(calc "(($c1a - $c0a) + ($c1b - $c0b) - ($t1 - $t0)) / $CLK_TCK - $RUN_CPU")
    RUN_RC=$rc
}

run_wrk() {
    local round=$1
    local name="wrk-$round" reqs rps errors
    measure "$name" wrk -t1 -c"$CONNS" -d"${DURATION}s" "$TARGET_URL/"
    ((RUN_RC == 0)) || die "wrk failed: $(cat "$WORK/$name.err" "$WORK/$name.out")"
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$WORK/$name.out")
    reqs=$(awk '/ requests in / { print $1 }' "$WORK/$name.out")
    errors=$(grep -E 'Socket errors|Non-2xx' "$WORK/$name.out" | tr -s ' ' | paste -sd';' || true)
    [[ -n $rps && -n $reqs ]] || die "cannot parse wrk output: $(cat "$WORK/$name.out")"
    record_throughput wrk "$round" "$reqs" "$rps" "${errors:-0 errors}"
}

# run_locusta TOOL ROUND GENERATOR...: one run of a Locusta program (bench_users with a class,
# or locusta -f FILE), recorded as TOOL.
run_locusta() {
    local tool=$1 round=$2
    shift 2
    local class="$*" name="$tool-$round" row reqs fails rps
    measure "$name" "$@" --headless -H "$TARGET_URL" -u "$CONNS" -r "$CONNS" \
        -t "${DURATION}s" --threads 1 --only-summary
    # The summary goes to stderr, as Locust's does.
    # The first "Aggregated" row is the request table's: # reqs, # fails | avg min max med | req/s ...
    row=$(cat "$WORK/$name.out" "$WORK/$name.err" | grep -m1 -E '^ +Aggregated ' || true)
    [[ -n $row ]] || die "no Aggregated row from $class (exit $RUN_RC): $(tail -n 20 "$WORK/$name.err" "$WORK/$name.out")"
    reqs=$(awk -F'|' '{ split($1, a, " "); print a[2] }' <<<"$row")
    fails=$(awk -F'|' '{ split($1, a, " "); print a[3] }' <<<"$row")
    rps=$(awk -F'|' '{ split($3, a, " "); print a[1] }' <<<"$row")
    ((RUN_RC == 0)) || log "$class exited with $RUN_RC (failures: $fails)"
    record_throughput "$tool" "$round" "$reqs" "$rps" "fails $fails"
}

declare -A RPS=() PER_CPU=() CPU=() USER_US=() SYS_US=()
MAX_OTHER_CPU_S=0
record_throughput() {
    local tool=$1 round=$2 reqs=$3 rps=$4 note=$5 per_cpu
    ((reqs > 0)) || die "$tool made no requests"
    per_cpu=$(calc "$reqs / ($RUN_CPU > 0 ? $RUN_CPU : 0.01)")
    RPS[$tool]+="$rps "
    PER_CPU[$tool]+="$per_cpu "
    CPU[$tool]+="$RUN_CPU "
    USER_US[$tool]+="$(calc "1e6 * $RUN_USER / $reqs") "
    SYS_US[$tool]+="$(calc "1e6 * $RUN_SYS / $reqs") "
    MAX_OTHER_CPU_S=$(calc "$OTHER_CPU_S > $MAX_OTHER_CPU_S ? $OTHER_CPU_S : $MAX_OTHER_CPU_S")
    local line
    line=$(printf '%-8s %5s %10s %11.0f %7.2f %7.2f %7.2f %12.0f %8.0f%% %9.2f  %s' \
        "$tool" "$round" "$reqs" "$rps" "$RUN_USER" "$RUN_SYS" "$RUN_CPU" "$per_cpu" \
        "$TARGET_CPU_PCT" "$OTHER_CPU_S" "$note")
    THROUGHPUT_ROWS+=("$line")
    log "$line"
}

THROUGHPUT_ROWS=()
throughput() {
    log "throughput: warming the target up (2 s of wrk, not measured)"
    run_waited taskset -c "$GEN_CORE" wrk -t1 -c"$CONNS" -d2s "$TARGET_URL/" >/dev/null
    local round
    for round in $(seq "$ROUNDS"); do
        log "throughput round $round/$ROUNDS: wrk -t1 -c$CONNS -d${DURATION}s"
        run_wrk "$round"
        log "throughput round $round/$ROUNDS: bench_users GetUser -u $CONNS -r $CONNS -t ${DURATION}s --threads 1"
        run_locusta locusta "$round" "$BENCH_USERS" GetUser
        log "throughput round $round/$ROUNDS: locusta -f bench/lua/get.lua -u $CONNS -r $CONNS -t ${DURATION}s --threads 1"
        run_locusta lua "$round" "$LOCUSTA" -f "$LUA_GET"
        if [[ -n ${BENCH_RAW:-} ]]; then
            log "throughput round $round/$ROUNDS: bench_users RawGetUser (diagnostic: no HTTP client)"
            run_locusta raw "$round" "$BENCH_USERS" RawGetUser
        fi
    done
    local w_rps w_cpu w_per l_rps l_cpu l_per u_rps u_cpu u_per
    # shellcheck disable=SC2086
    {
        w_rps=$(median ${RPS[wrk]}); w_cpu=$(median ${CPU[wrk]}); w_per=$(median ${PER_CPU[wrk]})
        l_rps=$(median ${RPS[locusta]}); l_cpu=$(median ${CPU[locusta]}); l_per=$(median ${PER_CPU[locusta]})
        u_rps=$(median ${RPS[lua]}); u_cpu=$(median ${CPU[lua]}); u_per=$(median ${PER_CPU[lua]})
    }
    THROUGHPUT_SUMMARY=$(
        printf '%-28s %12s %12s %12s %12s %12s\n' "" wrk "native" "lua" "native/wrk" "lua/wrk"
        printf '%-28s %12.0f %12.0f %12.0f %11.2fx %11.2fx\n' "requests/s" "$w_rps" "$l_rps" "$u_rps" \
            "$(calc "$l_rps / $w_rps")" "$(calc "$u_rps / $w_rps")"
        printf '%-28s %12.2f %12.2f %12.2f %11.2fx %11.2fx\n' "generator CPU s (user+sys)" "$w_cpu" "$l_cpu" "$u_cpu" \
            "$(calc "$l_cpu / $w_cpu")" "$(calc "$u_cpu / $w_cpu")"
        printf '%-28s %12.0f %12.0f %12.0f %11.2fx %11.2fx\n' "requests per CPU-second" "$w_per" "$l_per" "$u_per" \
            "$(calc "$l_per / $w_per")" "$(calc "$u_per / $w_per")"
        # shellcheck disable=SC2086
        printf '%-28s %12.2f %12.2f %12.2f\n' "  user CPU us per request" "$(median ${USER_US[wrk]})" \
            "$(median ${USER_US[locusta]})" "$(median ${USER_US[lua]})"
        # shellcheck disable=SC2086
        printf '%-28s %12.2f %12.2f %12.2f\n' "  sys CPU us per request" "$(median ${SYS_US[wrk]})" \
            "$(median ${SYS_US[locusta]})" "$(median ${SYS_US[lua]})"
        if [[ -n ${BENCH_RAW:-} ]]; then
            local r_per
            # shellcheck disable=SC2086
            r_per=$(median ${PER_CPU[raw]})
            printf '%-28s %12s %12.0f %12s %11.2fx  (RawGetUser: engine+stats, no HTTP client)\n' \
                "  raw-socket user, req/cpu-s" "" "$r_per" "" "$(calc "$r_per / $w_per")"
        fi
    )
}

# ---------------------------------------------------------------------------------------------
# Memory.
MEMORY_ROWS=()
declare -A RSS=() TRIMMED=()

# idle_run KIND USERS GENERATOR...: starts USERS idle users, waits until they are spawned and
# idle, reads VmRSS, waits for the run to end. Sets RSS[KIND-USERS].
idle_run() {
    local kind=$1 users=$2
    shift 2
    local name="idle-$kind-$users" pid deadline sockets rss hwm row reqs fails rc=0
    log "memory: $kind: $* -u $users -r $users -t ${MEMORY_RUN_TIME}s --threads 1"
    taskset -c "$GEN_CORE" "$@" --headless -H "$TARGET_URL" -u "$users" -r "$users" \
        -t "${MEMORY_RUN_TIME}s" --threads 1 --only-summary >"$WORK/$name.out" 2>"$WORK/$name.err" &
    pid=$!
    STARTED+=("$pid")
    deadline=$((SECONDS + MEMORY_RUN_TIME))
    until grep -qs 'All users spawned' "$WORK/$name.err"; do
        kill -0 "$pid" 2>/dev/null || die "bench_users exited early: $(tail -n 20 "$WORK/$name.err")"
        ((SECONDS < deadline)) || die "users not spawned within ${MEMORY_RUN_TIME}s: $(tail -n 5 "$WORK/$name.err")"
        sleep 0.1
    done
    # Spawned is not connected: wait until every user holds its socket (on_start's GET done).
    while :; do
        sockets=$(find "/proc/$pid/fd" -lname 'socket:*' 2>/dev/null | wc -l)
        ((sockets >= users)) && break
        if ((SECONDS + SETTLE + 1 >= deadline)); then
            log "warning: only $sockets of $users users hold a socket; measuring anyway"
            break
        fi
        sleep 0.2
    done
    sleep "$SETTLE"
    [[ -r /proc/$pid/status ]] || die "bench_users IdleUser -u $users ended before it was measured (raise BENCH_MEMORY_RUN_TIME)"
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
    hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
    sockets=$(find "/proc/$pid/fd" -lname 'socket:*' 2>/dev/null | wc -l)
    RSS[$kind-$users]=$rss
    log "memory: $kind, $users users: VmRSS ${rss} KB (peak ${hwm} KB), $sockets sockets"
    if [[ -n ${BENCH_TRIM:-} ]]; then
        # Diagnostic: how much of the RSS is heap that was freed but not returned to the OS.
        gdb -p "$pid" -batch -ex 'call (int)malloc_trim(0)' >/dev/null 2>&1 || log "gdb malloc_trim failed"
        TRIMMED[$kind-$users]=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
        log "memory: $kind, $users users: VmRSS after malloc_trim(0): ${TRIMMED[$kind-$users]} KB"
    fi
    log "memory: waiting for the run to end"
    wait "$pid" || rc=$?
    row=$(cat "$WORK/$name.out" "$WORK/$name.err" | grep -m1 -E '^ +Aggregated ' || true)
    reqs=$(awk -F'|' '{ split($1, a, " "); print a[2] }' <<<"$row")
    fails=$(awk -F'|' '{ split($1, a, " "); print a[3] }' <<<"$row")
    MEMORY_ROWS+=("$(printf '%-7s %-10s %10s %10s %8s %9s %10s  exit %s' \
        "$kind" "$users" "$rss" "$hwm" "$sockets" "${reqs:-?}" "${fails:-?}" "$rc")")
}

memory() {
    if ((NOFILE < IDLE_USERS + 200)); then
        log "warning: open file limit $NOFILE is too low for $IDLE_USERS idle users (raise ulimit -Hn)"
    fi
    local kind
    for kind in native lua; do
        if [[ $kind == native ]]; then
            idle_run native "$BASE_USERS" "$BENCH_USERS" IdleUser
            idle_run native "$IDLE_USERS" "$BENCH_USERS" IdleUser
        else
            idle_run lua "$BASE_USERS" "$LOCUSTA" -f "$LUA_IDLE"
            idle_run lua "$IDLE_USERS" "$LOCUSTA" -f "$LUA_IDLE"
        fi
        PER_USER_KB[$kind]=$(calc "(${RSS[$kind-$IDLE_USERS]} - ${RSS[$kind-$BASE_USERS]}) / ($IDLE_USERS - $BASE_USERS)")
        if [[ -n ${BENCH_TRIM:-} ]]; then
            PER_USER_TRIMMED_KB[$kind]=$(calc "(${TRIMMED[$kind-$IDLE_USERS]} - ${TRIMMED[$kind-$BASE_USERS]}) / ($IDLE_USERS - $BASE_USERS)")
        fi
    done
}
declare -A PER_USER_KB=() PER_USER_TRIMMED_KB=()

# ---------------------------------------------------------------------------------------------
main() {
    ensure_tools
    raise_nofile
    if [[ -z ${BENCH_NO_BUILD:-} ]]; then
        log "cargo build --release -p locusta --bin locusta --example bench_users -p locusta-target"
        run_waited cargo build --release -p locusta --bin locusta --example bench_users -p locusta-target >&2 ||
            die "cargo build failed (BENCH_NO_BUILD=1 runs the binaries already built)"
    fi
    [[ -x $BENCH_USERS ]] || die "$BENCH_USERS is missing"
    [[ -x $LOCUSTA ]] || die "$LOCUSTA is missing"
    start_target
    log "target: $TARGET_DESC at $TARGET_URL (pid $TARGET_PID, core $TARGET_CORE); generator on core $GEN_CORE"

    if [[ $MODE == throughput || $MODE == all ]]; then throughput; fi
    if [[ $MODE == memory || $MODE == all ]]; then memory; fi

    mkdir -p "$OUT_DIR"
    {
        echo "Locusta benchmark $STAMP (mode: $MODE)"
        echo "commit:    $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo " + uncommitted changes (diff sha1 $(git -C "$ROOT" diff HEAD 2>/dev/null | sha1sum | cut -c1-12))")"
        echo "binaries:  $BENCH_USERS, $LOCUSTA (built $(date -r "$LOCUSTA" '+%Y-%m-%d %H:%M:%S'))"
        echo "machine:   $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(uname -sr)"
        echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg) (at the end)"
        echo "target:    $TARGET_DESC, $TARGET_URL, core $TARGET_CORE; generator core $GEN_CORE"
        if [[ $MODE == throughput || $MODE == all ]]; then
            echo
            echo "== Throughput: GET / with $CONNS keep-alive connections, one generator thread, ${DURATION}s, $ROUNDS round(s)"
            printf '%-8s %5s %10s %11s %7s %7s %7s %12s %9s %9s  %s\n' \
                tool round requests "req/s" "user s" "sys s" "cpu s" "req/cpu-s" "target" "other s" notes
            printf '%s\n' "${THROUGHPUT_ROWS[@]}"
            echo
            echo "median over rounds:"
            echo "$THROUGHPUT_SUMMARY"
            echo "(target = target CPU use during the run, 100% = one core saturated;"
            echo " other s = CPU seconds used on both cores by other processes during the run)"
            if [[ $(calc "$MAX_OTHER_CPU_S > 0.1 * $DURATION") == 1 ]]; then
                echo "WARNING: other processes used up to ${MAX_OTHER_CPU_S} CPU-s per run on the benchmark's cores:"
                echo "         absolute req/s are unreliable; compare requests per CPU-second."
            fi
        fi
        if [[ $MODE == memory || $MODE == all ]]; then
            echo
            echo "== Memory: IdleUser (one GET / then idle on its keep-alive connection), one generator thread"
            printf '%-7s %-10s %10s %10s %8s %9s %10s\n' kind users "VmRSS KB" "VmHWM KB" sockets requests failures
            printf '%s\n' "${MEMORY_ROWS[@]}"
            for kind in native lua; do
                printf 'RSS per idle %-6s user: (%s KB - %s KB) / %s = %.2f KB\n' "$kind" \
                    "${RSS[$kind-$IDLE_USERS]}" "${RSS[$kind-$BASE_USERS]}" "$((IDLE_USERS - BASE_USERS))" "${PER_USER_KB[$kind]}"
                if [[ -n ${BENCH_TRIM:-} ]]; then
                    printf '  after malloc_trim(0): %.2f KB (the difference is freed heap glibc kept)\n' \
                        "${PER_USER_TRIMMED_KB[$kind]}"
                fi
            done
        fi
    } | tee "$REPORT"
    log "written to $REPORT"
}

main
