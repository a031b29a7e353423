#!/bin/sh
# pg-offline-backup: the machinery of a critical section, shared by the backup runner and the
# restore runner. Sourced after lib.sh; it defines functions and reads the common params.
#
# The including script sets RUN_DIR, LOG, LOCK, PHASE and defines after_failure(), which brings
# PostgreSQL back (backup: start it again; restore: roll back, then start).

PARAMS=$RUN_DIR/params
STATE=$RUN_DIR/state

# --- small helpers ---------------------------------------------------------------------------

# Value of a key in the params file (its first line). Keys are literals of this script; values are
# taken verbatim. Read by the shell itself: the runner asks for parameters dozens of times, and a sed
# and a head each time added up to a second on a slow host.
param() {
    while IFS= read -r pm_line || [ -n "$pm_line" ]; do
        case $pm_line in
            "$1="*)
                printf '%s\n' "${pm_line#*=}"
                return 0
                ;;
        esac
    done < "$PARAMS"
}

event() {
    clock_ms
    printf '%s %s\n' "$NOW_MS" "$*" >> "$STATE"
}

log() {
    utc_time
    printf '%s %s\n' "$UTC_TIME" "$*" >> "$LOG"
}

# Runs "$@" in the background and waits for it, so that a signal (abort, maximum downtime) is
# handled at once instead of after the command ends. Output goes to the backup log.
CHILD=
CHILD_OUT=
run_child() {
    "$@" >> "${CHILD_OUT:-$LOG}" 2>&1 < /dev/null &
    CHILD=$!
    child_rc=0
    if [ -n "$ABORT" ] && [ "$PHASE" = copy ]; then
        # The abort (or the maximum downtime) arrived before this child existed, so the trap had no
        # child to stop: a copy that then hung would keep PostgreSQL down for good. Stop it now.
        abandon_child
    else
        wait "$CHILD" || child_rc=$?
    fi
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

# start_progress MEASURE: in the background, every second or so (progress_pause), appends
# "<ms> progress bytes=<what the function MEASURE prints> total=$TOTAL" to the state file, the
# progress the Java side reports. PROGRESS is its pid, for stop_bg. $$ is the runner: a runner
# killed outright must not leave the loop behind.
start_progress() {
    (
        sp_pause=1
        while sleep "$sp_pause" && kill -0 $$ 2>/dev/null; do
            sp_start=$(now_ms)
            sp_bytes=$("$1")
            printf '%s progress bytes=%s total=%s\n' "$(now_ms)" "$sp_bytes" "$TOTAL" >> "$STATE"
            sp_pause=$(progress_pause "$sp_start")
        done
    ) < /dev/null > /dev/null 2>&1 &
    PROGRESS=$!
}

# start_writeback DIR: in the background, every second, the file system of DIR writes out what has
# been written to it (sync -f), while a copy runs with PostgreSQL serving (a snapshot's copy, a
# pre-copy). A host with much memory otherwise keeps gigabytes of the copy in its page cache until
# the sync before the seal, which then waits for all of them after the copy: on the benchmark
# machine 0.4-0.6 s for 2 GB, against nothing once the writing out runs beside the copy. A copy
# while PostgreSQL is stopped gets none, so that it does not share the disk with it: after it, the
# checksum pass hides the writing out. WRITEBACK is its pid, for stop_bg.
WRITEBACK=
start_writeback() {
    (
        while sleep 1 && kill -0 $$ 2>/dev/null; do
            sync -f "$1" 2>/dev/null || exit 0
        done
    ) < /dev/null > /dev/null 2>&1 &
    WRITEBACK=$!
}

# wait_bg PID: waits until a background job of ours has ended, also when a trapped signal
# interrupts the wait.
wait_bg() {
    [ -n "$1" ] || return 0
    while kill -0 "$1" 2>/dev/null; do wait "$1" 2>/dev/null; done
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
    while IFS= read -r cf_line; do
        case $cf_line in
            "$1:"*)
                cf_line=${cf_line#"$1:"}
                printf '%s\n' "${cf_line#"${cf_line%%[! ]*}"}"
                return 0
                ;;
        esac
    done <<EOF
$CONTROL
EOF
}

# PID of a live postmaster for PGDATA, or nothing. A postmaster.pid whose process is gone (crash,
# kill -9) or belongs to another program (PID reuse) does not count.
live_postmaster() {
    [ -f "$PGDATA/postmaster.pid" ] || return 0
    pid=$(line_of 1 "$PGDATA/postmaster.pid")
    case $pid in ''|*[!0-9]*) return 0 ;; esac
    proc_name "$pid"
    case $PROC_NAME in postgres|postmaster) printf '%s\n' "$pid" ;; esac
}

pidfile_line() {
    line_of "$1" "$PGDATA/postmaster.pid"
}

# as_root COMMAND...: a command that needs root (systemctl), through "sudo -n" when the job was
# given --sudo: never a password prompt; a missing sudoers rule fails at once (and was probed by
# the pre-flight).
as_root() {
    if [ -n "$(sudo_word)" ]; then
        sudo -n -- "$@"
    else
        "$@"
    fi
}

# Stops PostgreSQL through the service manager the pre-flight chose (SERVICE). Whatever the manager,
# prove_stopped decides afterwards whether it really stopped.
stop_cluster() {
    if [ "$SERVICE" = custom ] && [ -n "$STOP_COMMAND" ]; then
        log "stopping PostgreSQL with the given stop command"
        run_child sh -c "$STOP_COMMAND"
        return $?
    fi
    case $SERVICE in
        pg_ctlcluster)
            log "stopping PostgreSQL: pg_ctlcluster -m $STOP_MODE $SERVICE_VERSION $SERVICE_CLUSTER stop (waiting up to ${STOP_TIMEOUT}s)"
            run_child pg_ctlcluster -m "$STOP_MODE" "$SERVICE_VERSION" "$SERVICE_CLUSTER" stop -- -t "$STOP_TIMEOUT"
            ;;
        systemd)
            log "stopping PostgreSQL: $(sudo_word)systemctl stop $SERVICE_UNIT (the unit decides the shutdown mode)"
            run_child as_root systemctl stop "$SERVICE_UNIT"
            ;;
        *)
            # pg_ctl -w looks for the end of the shutdown every 100 ms. A wait of our own looking
            # every 10 ms (pg_ctl -W, then postmaster.pid gone) was measured on the benchmark's 2 GiB
            # cluster: the stop took 30-70 ms instead of 110-130 ms and a snapshot's downtime fell
            # by about 70 ms, but a full copy's copy phase that followed took about 250 ms longer
            # (two interleaved rounds, 8 runs each; the cause was not found), so pg_ctl's wait stays.
            # Never wait for the postmaster's /proc entry instead: the exited postmaster is a zombie
            # until its parent (init, which pg_ctl leaves it to) reaps it, 1-2 s on that VM.
            log "stopping PostgreSQL: pg_ctl stop -m $STOP_MODE (waiting up to ${STOP_TIMEOUT}s)"
            run_child "$PG_BIN/pg_ctl" stop -D "$PGDATA" -m "$STOP_MODE" -w -t "$STOP_TIMEOUT"
            ;;
    esac
}

# Finishes a shutdown in fast mode with pg_ctl itself, whatever the manager: the last word when the
# manager's own stop did not end the postmaster. The start that follows goes through the manager again.
stop_fast_with_pg_ctl() {
    log "finishing the shutdown: pg_ctl stop -m fast"
    run_child "$PG_BIN/pg_ctl" stop -D "$PGDATA" -m fast -w -t "$STOP_TIMEOUT"
}

# "sudo -n " when as_root goes through sudo (--sudo, and we are not root already), else nothing:
# as_root asks it, and the log says the command as it ran.
sudo_word() {
    if [ "$SUDO" = true ] && [ "$(id -u)" != 0 ]; then printf 'sudo -n '; fi
}

# Waits until no postmaster is alive and pg_control says the cluster was shut down cleanly.
# Absence of postmaster.pid alone proves nothing: an immediate stop or a crash removes it or leaves
# it stale while pg_control still says "in production", and a copy of that is not consistent.
prove_stopped() {
    clock_ms
    deadline=$((NOW_MS + STOP_TIMEOUT * 1000))
    while :; do
        if [ -z "$(live_postmaster)" ]; then
            CONTROL=$(controldata)
            STATE_AT_COPY=$(control_field 'Database cluster state')
            case $STATE_AT_COPY in
                'shut down'|'shut down in recovery') return 0 ;;
            esac
        fi
        clock_ms
        [ "$NOW_MS" -lt "$deadline" ] || return 1
        [ -z "$ABORT" ] || return 1
        sleep 0.2
    done
}

# Starts PostgreSQL through the chosen service manager; prove_serving decides whether it serves.
start_cluster() {
    if [ "$SERVICE" = custom ] && [ -n "$START_COMMAND" ]; then
        log "starting PostgreSQL with the given start command"
        run_child sh -c "$START_COMMAND"
        return $?
    fi
    case $SERVICE in
        pg_ctlcluster)
            log "starting PostgreSQL: pg_ctlcluster $SERVICE_VERSION $SERVICE_CLUSTER start"
            run_child pg_ctlcluster "$SERVICE_VERSION" "$SERVICE_CLUSTER" start -- -t "$START_TIMEOUT"
            return $?
            ;;
        systemd)
            log "starting PostgreSQL: $(sudo_word)systemctl start $SERVICE_UNIT"
            run_child as_root systemctl start "$SERVICE_UNIT"
            return $?
            ;;
    esac
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
    clock_ms
    deadline=$((NOW_MS + START_TIMEOUT * 1000))
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
        clock_ms
        [ "$NOW_MS" -lt "$deadline" ] || return 1
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
                stop_fast_with_pg_ctl
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
    stop_bg "$WRITEBACK"
    # The runner's hashing of the copy (start_copy_sums) and page check of a staging clone, which
    # after_failure removes.
    stop_bg "${COPY_SUMS:-}"
    stop_bg "${CLONE_PC:-}"
    # Nothing of ours uses the scratch directory any more (a backup runner's, see make_scratch).
    remove_scratch "$RUN_DIR"
    WATCHDOG=
    PROGRESS=
    WRITEBACK=
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
    release_cluster_lock
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
# The service manager the pre-flight chose: pg_ctl, pg_ctlcluster (SERVICE_VERSION, SERVICE_CLUSTER),
# systemd (SERVICE_UNIT) or custom (the two commands); params of older clients name none.
SERVICE=$(param service)
SERVICE_VERSION=$(param service_version)
SERVICE_CLUSTER=$(param service_cluster)
SERVICE_UNIT=$(param service_unit)
SUDO=$(param sudo)
if [ -z "$SERVICE" ]; then
    if [ -n "$STOP_COMMAND" ]; then SERVICE=custom; else SERVICE=pg_ctl; fi
fi
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
# The lock names its holder by pid and that pid's start time (pid_start), so that a pid reused by
# another process since is no holder (see holder_alive).
take_lock() {
    if ! mkdir "$LOCK" 2>/dev/null; then
        holder=$(cat "$LOCK/pid" 2>/dev/null)
        if holder_alive "$holder" "$(cat "$LOCK/pid_start" 2>/dev/null)"; then
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
    proc_start "$$" > "$LOCK/pid_start"
    printf '%s\n' "$$" > "$LOCK/pid"
}

# --- one run per cluster ------------------------------------------------------------------------
#
# The lock above is per destination; two runs on one cluster (two destinations, or a backup and a
# restore) are kept apart by a lock per cluster: a directory in $HOME/.pg-offline-backup/locks (ours
# alone: owned by us, mode 0700), named after a hash of PGDATA's canonical path, which a restore keeps
# while it swaps the directory underneath. Its holder file names the run: id, kind, pid, the start
# time of that pid (a pid reused by another process is not the holder), host and time. A lock whose
# holder is gone is stale and taken over, with a line in the log. Looking at the lock and taking it
# happen under flock on a guard file, so two runs can never both take over one stale lock; nothing
# long-lived inherits that descriptor.
CLUSTER_LOCK=

# The start time of a live process in clock ticks since boot (field 22 of /proc/PID/stat), or
# nothing. A zombie is no holder: a runner killed outright stays one until its parent (often the
# machine's init, which may reap late) collects it, and it can never run again.
proc_start() {
    sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '$1 != "Z" && $1 != "X" { print $20 }'
}

# holder_alive PID START: whether the holder a lock names still runs: PID is a live process (not a
# zombie, see proc_start) that started at START. Both locks (destination and cluster) ask this.
holder_alive() {
    [ -n "$1" ] && [ -n "$2" ] && [ "$(proc_start "$1")" = "$2" ]
}

# Prints the lock directory after making sure nobody but us can write it (or where it lies).
lock_home() {
    [ -n "${HOME:-}" ] && [ -d "$HOME" ] || return 1
    for lh_dir in "$HOME/.pg-offline-backup" "$HOME/.pg-offline-backup/locks"; do
        [ -L "$lh_dir" ] && return 1
        [ -d "$lh_dir" ] || (umask 077 && mkdir "$lh_dir") || return 1
        [ "$(stat -c %u -- "$lh_dir")" = "$(id -u)" ] || return 1
        chmod 700 "$lh_dir" || return 1
    done
    printf '%s' "$HOME/.pg-offline-backup/locks"
}

# lock_claim LOCK KIND ID: run under the guard; prints "taken", "held <holder>" or "stale <holder>"
# (then taken over). A holder is "key=value" lines; shown on one line.
lock_claim() {
    if ! mkdir "$1" 2>/dev/null; then
        lc_holder=$(tr '\n' ' ' < "$1/holder" 2>/dev/null)
        lc_pid=$(sed -n 's/^pid=//p' "$1/holder" 2>/dev/null)
        lc_start=$(sed -n 's/^pid_start=//p' "$1/holder" 2>/dev/null)
        if holder_alive "$lc_pid" "$lc_start"; then
            printf 'held %s\n' "$lc_holder"
            return 0
        fi
        rm -rf "$1" && mkdir "$1" || return 1
        printf 'stale %s\n' "${lc_holder:-(no holder recorded)}"
    else
        printf 'taken\n'
    fi
    printf 'run=%s\nkind=%s\npid=%s\npid_start=%s\nhost=%s\nstarted=%s\npgdata=%s\n' "$3" "$2" "$$" \
        "$(proc_start "$$")" "$(hostname)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$PGDATA" > "$1/holder"
}

cluster_key() {
    realpath -m -- "$PGDATA" | sha256sum | cut -c 1-32
}

# release_lock_of_dead_run ID: a recovering run gives back the cluster lock its dead runner held
# (if the holder is that run and its pid is gone), so that no stale lock outlives a recovered run.
release_lock_of_dead_run() {
    rdl_dir=$(lock_home) || return 0
    rdl_lock=$rdl_dir/cluster-$(cluster_key)
    {
        flock -w 60 8
        if [ "$(sed -n 's/^run=//p' "$rdl_lock/holder" 2>/dev/null)" = "$1" ]; then
            rdl_pid=$(sed -n 's/^pid=//p' "$rdl_lock/holder")
            if ! holder_alive "$rdl_pid" "$(sed -n 's/^pid_start=//p' "$rdl_lock/holder")"; then
                rm -rf "$rdl_lock"
                log "gave back the cluster lock of the dead runner (pid $rdl_pid)"
            fi
        fi
    } 8>> "$rdl_dir/.guard"
}

# take_cluster_lock KIND ID: takes the lock of $PGDATA's cluster or ends the run, untouched.
take_cluster_lock() {
    if ! tcl_dir=$(lock_home); then
        FINISHED=1
        event "failed LOCKED cannot use $HOME/.pg-offline-backup/locks for the cluster lock: it must be a directory of $(id -un)'s own that nobody else can write"
        locked_exit
    fi
    tcl_lock=$tcl_dir/cluster-$(cluster_key)
    tcl_out=$({ flock -w 60 8 && lock_claim "$tcl_lock" "$1" "$2"; } 8>> "$tcl_dir/.guard")
    case $tcl_out in
        taken*) ;;
        stale*)
            log "took over the stale lock of the cluster $PGDATA; its holder is gone: ${tcl_out#stale }"
            ;;
        held*)
            FINISHED=1
            tcl_holder=${tcl_out#held }
            event "failed LOCKED another run is working on the cluster $PGDATA: $tcl_holder(lock $tcl_lock). Nothing was done; wait for it to end"
            locked_exit
            ;;
        *)
            FINISHED=1
            event "failed LOCKED cannot take the cluster lock $tcl_lock"
            locked_exit
            ;;
    esac
    CLUSTER_LOCK=$tcl_lock
}

# Ends a run that could not take the cluster lock: it touched nothing, and gives back the destination's lock.
locked_exit() {
    event "end failed db=unchanged"
    if [ "$(cat "$LOCK/pid" 2>/dev/null)" = "$$" ]; then
        rm -rf "$LOCK"
    fi
    exit 1
}

release_cluster_lock() {
    [ -n "$CLUSTER_LOCK" ] || return 0
    rcl_dir=${CLUSTER_LOCK%/*}
    {
        flock -w 60 8
        if [ "$(sed -n 's/^pid=//p' "$CLUSTER_LOCK/holder" 2>/dev/null)" = "$$" ]; then
            rm -rf "$CLUSTER_LOCK"
        fi
    } 8>> "$rcl_dir/.guard"
    CLUSTER_LOCK=
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

# Whether the file system of a directory has (almost) no room left for us: less than 1 MiB.
destination_full() {
    df_avail=$(df -P -B1 -- "$1" 2>/dev/null | awk 'NR == 2 { print $4 }')
    [ -n "$df_avail" ] && [ "$df_avail" -lt 1048576 ]
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
