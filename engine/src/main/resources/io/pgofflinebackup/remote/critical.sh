#!/bin/sh
# pg-offline-backup: the machinery of a critical section, shared by the backup runner and the
# restore runner. Sourced after lib.sh; it defines functions and reads the common params.
#
# The including script sets RUN_DIR, LOG, LOCK, PHASE and defines after_failure(), which brings
# PostgreSQL back (backup: start it again; restore: roll back, then start).

PARAMS=$RUN_DIR/params
STATE=$RUN_DIR/state

# --- small helpers ---------------------------------------------------------------------------

# Value of a key in the params file. Keys are literals of this script; values are taken verbatim.
param() {
    sed -n "s/^$1=//p" "$PARAMS" | head -n 1
}

event() {
    printf '%s %s\n' "$(now_ms)" "$*" >> "$STATE"
}

log() {
    printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >> "$LOG"
}

# Runs "$@" in the background and waits for it, so that a signal (abort, maximum downtime) is
# handled at once instead of after the command ends. Output goes to the backup log.
CHILD=
CHILD_OUT=
run_child() {
    "$@" >> "${CHILD_OUT:-$LOG}" 2>&1 < /dev/null &
    CHILD=$!
    child_rc=0
    # An abort that came before the child was there (the trap found no CHILD to end) ends it now;
    # a later one finds CHILD set. Otherwise wait would sit on a stuck child with the abort ignored.
    if [ -n "$ABORT" ] && [ "$PHASE" = copy ]; then
        abandon_child
        CHILD=
        return "$child_rc"
    fi
    wait "$CHILD" || child_rc=$?
    # A trapped signal interrupts wait. Unless we are aborting, wait again for the child's own status.
    while kill -0 "$CHILD" 2>/dev/null; do
        if [ -n "$ABORT" ] && [ "$PHASE" = copy ]; then
            abandon_child
            break
        fi
        child_rc=0
        wait "$CHILD" || child_rc=$?
    done
    CHILD=
    return "$child_rc"
}

# Ends an abandoned copy without waiting on it for long: a copy stuck in the kernel (a hung
# mount) must not keep PostgreSQL down. It only reads PGDATA, so starting the server beside a
# straggler is safe.
abandon_child() {
    pkill -TERM -P "$CHILD" 2>/dev/null
    kill -TERM "$CHILD" 2>/dev/null
    kill -CONT "$CHILD" 2>/dev/null
    tries=0
    while kill -0 "$CHILD" 2>/dev/null && [ "$tries" -lt 25 ]; do
        sleep 0.2
        tries=$((tries + 1))
    done
    kill -KILL "$CHILD" 2>/dev/null
    child_rc=143
}

# Ends a background helper loop and the sleep it may be waiting in.
stop_bg() {
    [ -n "$1" ] || return 0
    pkill -P "$1" 2>/dev/null
    kill "$1" 2>/dev/null
}

ABORT=
# shellcheck disable=SC2317  # called from traps
on_abort() {
    [ -n "$ABORT" ] || ABORT=$1
    if [ -n "$CHILD" ] && [ "$PHASE" = copy ]; then
        kill -TERM "$CHILD" 2>/dev/null
        kill -CONT "$CHILD" 2>/dev/null
    fi
}

# --- PostgreSQL ------------------------------------------------------------------------------

controldata() {
    "$PG_BIN/pg_controldata" -D "$PGDATA" 2>> "$LOG"
}

# Value of one pg_controldata field, e.g. control_field 'Database cluster state'.
control_field() {
    printf '%s\n' "$CONTROL" | sed -n "s/^$1: *//p" | head -n 1
}

# PID of a live postmaster for PGDATA, or nothing. A postmaster.pid whose process is gone (crash,
# kill -9) or belongs to another program (PID reuse) does not count.
live_postmaster() {
    [ -f "$PGDATA/postmaster.pid" ] || return 0
    pid=$(head -n 1 "$PGDATA/postmaster.pid" 2>/dev/null)
    case $pid in ''|*[!0-9]*) return 0 ;; esac
    comm=$(ps -o comm= -p "$pid" 2>/dev/null)
    case $comm in postgres|postmaster) printf '%s\n' "$pid" ;; esac
}

pidfile_line() {
    sed -n "${1}p" "$PGDATA/postmaster.pid" 2>/dev/null
}

stop_cluster() {
    if [ -n "$STOP_COMMAND" ]; then
        log "stopping PostgreSQL with the given stop command"
        run_child sh -c "$STOP_COMMAND"
        return $?
    fi
    log "stopping PostgreSQL: pg_ctl stop -m $STOP_MODE (waiting up to ${STOP_TIMEOUT}s)"
    run_child "$PG_BIN/pg_ctl" stop -D "$PGDATA" -m "$STOP_MODE" -w -t "$STOP_TIMEOUT"
}

# Waits until no postmaster is alive and pg_control says the cluster was shut down cleanly.
# Absence of postmaster.pid alone proves nothing: an immediate stop or a crash removes it or leaves
# it stale while pg_control still says "in production", and a copy of that is not consistent.
prove_stopped() {
    deadline=$(( $(date +%s) + STOP_TIMEOUT ))
    while :; do
        if [ -z "$(live_postmaster)" ]; then
            CONTROL=$(controldata)
            STATE_AT_COPY=$(control_field 'Database cluster state')
            case $STATE_AT_COPY in
                'shut down'|'shut down in recovery') return 0 ;;
            esac
        fi
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        [ -z "$ABORT" ] || return 1
        sleep 0.2
    done
}

start_cluster() {
    if [ -n "$START_COMMAND" ]; then
        log "starting PostgreSQL with the given start command"
        run_child sh -c "$START_COMMAND"
        return $?
    fi
    mkdir -p "$(dirname "$SERVER_LOG")"
    if [ -f "$PGDATA/postmaster.opts" ]; then
        # pg_ctl restart on a stopped cluster starts it with the command line it last ran with
        # (postmaster.opts): the same port, socket directory and -c settings as before.
        log "starting PostgreSQL with the options it last ran with (pg_ctl restart, server log $SERVER_LOG)"
        CHILD_OUT=$RUN_DIR/pg_ctl.out
        : > "$CHILD_OUT"
        start_rc=0
        run_child "$PG_BIN/pg_ctl" restart -D "$PGDATA" -w -t "$START_TIMEOUT" -l "$SERVER_LOG" || start_rc=$?
        CHILD_OUT=
        # On a stopped cluster pg_ctl restart warns that there is no PID file; that is expected here.
        grep -v -e 'PID file .* does not exist' -e '^Is server running' -e '^trying to start server anyway' \
            "$RUN_DIR/pg_ctl.out" >> "$LOG"
        return "$start_rc"
    else
        log "starting PostgreSQL: pg_ctl start (server log $SERVER_LOG)"
        run_child "$PG_BIN/pg_ctl" start -D "$PGDATA" -w -t "$START_TIMEOUT" -l "$SERVER_LOG"
    fi
}

# Proves the started server accepts connections on the port and socket it now has.
prove_serving() {
    deadline=$(( $(date +%s) + START_TIMEOUT ))
    while :; do
        pid=$(live_postmaster)
        if [ -n "$pid" ]; then
            port=$(pidfile_line 4)
            sock=$(pidfile_line 5)
            [ -n "$sock" ] || sock=$(pidfile_line 6)
            [ -n "$sock" ] && [ "$sock" != '*' ] || sock=127.0.0.1
            if "$PG_BIN/pg_isready" -q -h "$sock" -p "$port" -t 2 >/dev/null 2>&1; then
                if [ -z "$DB_USER" ] ||
                   "$PG_BIN/psql" -X -A -t -q -h "$sock" -p "$port" -U "$DB_USER" -d "$DB_NAME" \
                       -c 'SELECT 1' < /dev/null >/dev/null 2>> "$LOG"; then
                    log "PostgreSQL serves again (pid $pid, port $port)"
                    return 0
                fi
            fi
        fi
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 0.2
    done
}

# --- bringing PostgreSQL back ----------------------------------------------------------------

DB_STATE=unknown
STOPPED_BY_US=0
START_TRIED=0

# Starts PostgreSQL again if we stopped it. Sets DB_STATE to running or down.
restore_service() {
    if [ "$STOPPED_BY_US" != 1 ]; then
        return 0
    fi
    if [ "$START_TRIED" = 1 ]; then
        # One failed start is reported as it is; starting again in a loop helps nobody.
        [ "$DB_STATE" != down ]
        return
    fi
    START_TRIED=1
    if [ -n "$(live_postmaster)" ]; then
        case $(pidfile_line 8) in
            stopping*)
                # A smart shutdown that timed out leaves a server that refuses new connections and
                # cannot be told to stop shutting down; finish it with a fast shutdown so that it
                # can be started again.
                log "PostgreSQL is still shutting down; finishing the shutdown in fast mode before starting it again"
                STOP_COMMAND=''
                STOP_MODE=fast
                stop_cluster
                ;;
            *)
                # The stop never took effect: it still runs and only needs to prove it serves.
                if prove_serving; then
                    DB_STATE=running
                    STOPPED_BY_US=0
                    event "db running"
                    return 0
                fi
                ;;
        esac
    fi
    PHASE=start
    event "phase start"
    if start_cluster && prove_serving; then
        DB_STATE=running
        STOPPED_BY_US=0
        event "db running"
        return 0
    fi
    DB_STATE=down
    event "db down"
    log "PostgreSQL could NOT be started again: look at $SERVER_LOG and start it by hand"
    return 1
}

FINISHED=0
END_EXTRA=
# fail CODE MESSAGE: record the failure, bring PostgreSQL back, end the run.
fail() {
    code=$1
    shift
    event "failed $code $*"
    log "FAILED ($code): $*"
    finish 1
}

finish() {
    rc=$1
    FINISHED=1
    trap - EXIT
    stop_bg "$WATCHDOG"
    stop_bg "$PROGRESS"
    WATCHDOG=
    PROGRESS=
    if [ "$rc" != 0 ]; then
        after_failure || rc=3
        if [ "$DB_STATE" = unknown ]; then
            if [ -n "$(live_postmaster)" ]; then DB_STATE=running; else DB_STATE=stopped; fi
        fi
        event "end failed db=$DB_STATE$END_EXTRA"
    else
        event "end ok db=$DB_STATE$END_EXTRA"
    fi
    if [ "$(cat "$LOCK/pid" 2>/dev/null)" = "$$" ]; then
        rm -rf "$LOCK"
    fi
    exit "$rc"
}

# shellcheck disable=SC2317  # called from the EXIT trap
on_exit() {
    [ "$FINISHED" = 1 ] || fail RUNNER_ERROR "the runner ended unexpectedly during phase $PHASE"
}


# --- the params every critical section has ----------------------------------------------------

PGDATA=$(param pgdata)
PG_BIN=$(param pg_bin)
STOP_MODE=$(param stop_mode)
STOP_TIMEOUT=$(param stop_timeout)
START_TIMEOUT=$(param start_timeout)
MAX_DOWNTIME=$(param max_downtime)
STOP_COMMAND=$(param stop_command)
START_COMMAND=$(param start_command)
WAS_RUNNING=$(param was_running)
DB_USER=$(param db_user)
DB_NAME=$(param db_name)
SERVER_LOG=$(param server_log)
if [ -z "$SERVER_LOG" ]; then
    # pg_ctl needs a log file so that the server does not hold our output open; we cannot know
    # where the original start sent it, so the default is one file per data directory.
    SERVER_LOG=$HOME/.pg-offline-backup/logs/server$(printf '%s' "$PGDATA" | tr '/' '_').log
fi
WATCHDOG=
PROGRESS=
CONTROL=
STATE_AT_COPY=

# One run at a time per lock; a lock whose holder is gone is taken over. $1 says what is locked.
take_lock() {
    if ! mkdir "$LOCK" 2>/dev/null; then
        holder=$(cat "$LOCK/pid" 2>/dev/null)
        if [ -n "$holder" ] && kill -0 "$holder" 2>/dev/null; then
            FINISHED=1
            event "failed LOCKED another run (pid $holder) is working on $1"
            event "end failed db=unchanged"
            exit 1
        fi
        rm -rf "$LOCK"
        if ! mkdir "$LOCK"; then
            FINISHED=1
            event "failed LOCKED cannot take the lock $LOCK"
            event "end failed db=unchanged"
            exit 1
        fi
    fi
    printf '%s\n' "$$" > "$LOCK/pid"
}

# Fails unless the cluster is still running, or not, as the pre-flight saw it.
check_unchanged() {
    if [ -n "$(live_postmaster)" ]; then running=true; else running=false; fi
    if [ "$running" != "$WAS_RUNNING" ]; then
        fail CLUSTER_CHANGED "PostgreSQL was running=$WAS_RUNNING at the pre-flight check but is running=$running now; nothing was done, run the job again"
    fi
}

# The maximum downtime: a timer that signals us (USR1) when it runs out.
start_watchdog() {
    if [ "${MAX_DOWNTIME:-0}" -gt 0 ]; then
        ( sleep "$MAX_DOWNTIME" && kill -USR1 $$ ) > /dev/null 2>&1 &
        WATCHDOG=$!
    fi
}

# Stops PostgreSQL and proves it is down and cleanly shut down; fails (which brings it back) if not.
stop_and_prove() {
    PHASE=stop
    event "phase stop"
    STOPPED_BY_US=1
    DB_STATE=stopped
    stop_rc=0
    stop_cluster || stop_rc=$?
    if [ -n "$ABORT" ]; then
        fail ABORTED "aborted ($ABORT) while stopping PostgreSQL"
    fi
    if [ "$stop_rc" != 0 ] && [ -n "$(live_postmaster)" ]; then
        fail STOP_TIMEOUT "PostgreSQL did not stop within ${STOP_TIMEOUT}s in $STOP_MODE mode (clients still connected?)"
    fi
    if ! prove_stopped; then
        fail NOT_CLEANLY_STOPPED "PostgreSQL is not cleanly shut down (postmaster alive or cluster state '$STATE_AT_COPY')"
    fi
    event "db stopped"
    log "PostgreSQL is down and pg_control says '$STATE_AT_COPY'"
}

# Fails if an abort or the maximum downtime interrupted what just ran.
check_abort() {
    if [ -n "$ABORT" ]; then
        if [ "$ABORT" = max-downtime ]; then
            fail MAX_DOWNTIME "the maximum downtime of ${MAX_DOWNTIME}s was reached during the $PHASE; it was abandoned"
        fi
        fail ABORTED "aborted during the $PHASE"
    fi
}
