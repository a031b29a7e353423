#!/bin/sh
# pg-offline-backup runner: the critical section of a backup, run on the database host.
#
# It is started detached (setsid, all descriptors redirected) by the Java side so that a dropped
# SSH connection, a killed Jenkins agent or a killed client cannot leave PostgreSQL down: from the
# moment it stops PostgreSQL, every way out of this script (success, failure, a signal, the
# maximum downtime) starts PostgreSQL again if it was running when we found it.
#
# Usage: runner.sh RUN_DIR [backup|recover]
#   RUN_DIR/params  key=value lines written by the Java side (values never pass through a shell)
#   RUN_DIR/state   append-only event lines "<epoch-ms> <event> <details>", followed by the Java side
#   <partial>/backup.log  the human log, kept with the backup
#
# POSIX sh plus GNU coreutils/findutils, as on every Linux database host we support.

set -u
umask 077
LC_ALL=C
export LC_ALL

RUN_DIR=$1
MODE=${2:-backup}
PARAMS=$RUN_DIR/params
STATE=$RUN_DIR/state

# --- small helpers ---------------------------------------------------------------------------

now_ms() { date +%s%3N; }

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
        restore_service || rc=3
        if [ "$DB_STATE" = unknown ]; then
            if [ -n "$(live_postmaster)" ]; then DB_STATE=running; else DB_STATE=stopped; fi
        fi
        event "end failed db=$DB_STATE"
    else
        event "end ok db=$DB_STATE"
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

# --- the run ---------------------------------------------------------------------------------

PGDATA=$(param pgdata)
PG_BIN=$(param pg_bin)
PARTIAL=$(param partial)
FINAL=$(param final)
DEST=$(param dest)
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
LOG=$PARTIAL/backup.log
LOCK=$DEST/.pg-offline-backup.lock
PHASE=prepare
WATCHDOG=
PROGRESS=
CONTROL=
STATE_AT_COPY=

trap on_exit EXIT
trap 'on_abort aborted' TERM INT HUP
trap 'on_abort max-downtime' USR1

event "runner pid=$$ mode=$MODE"

if [ "$MODE" = recover ]; then
    # The Java side found a previous runner dead with PostgreSQL stopped by it: start it again.
    [ -d "$PARTIAL" ] || LOG=$RUN_DIR/recover.log
    STOPPED_BY_US=1
    LOCK=$RUN_DIR/.no-lock
    if restore_service; then
        FINISHED=1
        event "end recovered db=$DB_STATE"
        exit 0
    fi
    FINISHED=1
    event "end failed db=$DB_STATE"
    exit 3
fi

# One run per destination at a time; a lock whose holder is gone is taken over.
if ! mkdir "$LOCK" 2>/dev/null; then
    holder=$(cat "$LOCK/pid" 2>/dev/null)
    if [ -n "$holder" ] && kill -0 "$holder" 2>/dev/null; then
        FINISHED=1
        event "failed LOCKED another run (pid $holder) is writing to $DEST"
        event "end failed db=unchanged"
        exit 1
    fi
    rm -rf "$LOCK"
    mkdir "$LOCK" || { FINISHED=1; event "failed LOCKED cannot take the lock $LOCK"; event "end failed db=unchanged"; exit 1; }
fi
printf '%s\n' "$$" > "$LOCK/pid"

log "runner started on $(hostname) as $(id -un) (pid $$)"

# The cluster must still be as the pre-flight saw it.
if [ -n "$(live_postmaster)" ]; then running=true; else running=false; fi
if [ "$running" != "$WAS_RUNNING" ]; then
    fail CLUSTER_CHANGED "PostgreSQL was running=$WAS_RUNNING at the pre-flight check but is running=$running now; nothing was done, run the backup again"
fi

if [ "$WAS_RUNNING" = true ]; then
    if [ "${MAX_DOWNTIME:-0}" -gt 0 ]; then
        ( sleep "$MAX_DOWNTIME" && kill -USR1 $$ ) > /dev/null 2>&1 &
        WATCHDOG=$!
    fi
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
else
    CONTROL=$(controldata)
    STATE_AT_COPY=$(control_field 'Database cluster state')
    case $STATE_AT_COPY in
        'shut down'|'shut down in recovery') ;;
        *) fail NOT_CLEANLY_STOPPED "PostgreSQL is not running and its cluster state is '$STATE_AT_COPY'" ;;
    esac
    log "PostgreSQL was already stopped (cluster state '$STATE_AT_COPY'); backing it up as found and leaving it stopped"
    DB_STATE=stopped
fi

SYSTEM_ID=$(control_field 'Database system identifier')
CHECKPOINT=$(control_field 'Latest checkpoint location')
REDO=$(control_field "Latest checkpoint's REDO location")
TIMELINE=$(control_field "Latest checkpoint's TimeLineID")
CATALOG=$(control_field 'Catalog version number')
CHECKSUMS=$(control_field 'Data page checksum version')
PG_VERSION=$(cat "$PGDATA/PG_VERSION")
event "control system_id=$SYSTEM_ID checkpoint=$CHECKPOINT redo=$REDO timeline=$TIMELINE"

# --- copy ---
PHASE=copy
TOTAL=$(du -s -B1 --apparent-size "$PGDATA" | cut -f1)
event "phase copy total=$TOTAL"
log "copying $PGDATA ($TOTAL bytes) to $PARTIAL/data"
COPY_START=$(now_ms)
mkdir -m 700 "$PARTIAL/data" || fail COPY_FAILED "cannot create $PARTIAL/data"
(
    while sleep 1; do
        printf '%s progress bytes=%s total=%s\n' "$(now_ms)" \
            "$(du -s -B1 --apparent-size "$PARTIAL/data" 2>/dev/null | cut -f1)" "$TOTAL" >> "$STATE"
    done
) < /dev/null > /dev/null 2>&1 &
PROGRESS=$!
copy_rc=0
run_child cp -a "$PGDATA/." "$PARTIAL/data/" || copy_rc=$?
stop_bg "$PROGRESS"
PROGRESS=
if [ -n "$ABORT" ]; then
    if [ "$ABORT" = max-downtime ]; then
        fail MAX_DOWNTIME "the maximum downtime of ${MAX_DOWNTIME}s was reached during the copy; the copy was abandoned"
    fi
    fail ABORTED "aborted during the copy"
fi
[ "$copy_rc" = 0 ] || fail COPY_FAILED "cp exited with status $copy_rc (see the messages above)"
# Never part of a backup: they describe the server process that ran from the source.
rm -f "$PARTIAL/data/postmaster.pid" "$PARTIAL/data/postmaster.opts"
COPY_END=$(now_ms)

# --- verify (still stopped, so the source cannot change under us) ---
PHASE=verify
event "phase verify"
# One line per entry: type, size (0 for directories, whose sizes differ between file systems),
# path, link target. Omitted files are left out of the source side.
listing() {
    find "$1" -mindepth 1 -printf '%y\t%s\t%P\t%l\n' |
        awk -F '\t' 'BEGIN { OFS = "\t" }
            $3 == "postmaster.pid" || $3 == "postmaster.opts" { next }
            { if ($1 == "d") $2 = 0; print }' |
        sort
}
listing "$PGDATA" > "$RUN_DIR/source.list"
listing "$PARTIAL/data" > "$RUN_DIR/copy.list"
if ! cmp -s "$RUN_DIR/source.list" "$RUN_DIR/copy.list"; then
    log "the copy differs from the source (first differences, '<' source, '>' copy):"
    diff "$RUN_DIR/source.list" "$RUN_DIR/copy.list" | head -n 20 >> "$LOG"
    fail VERIFY_FAILED "the copy does not match the source (file list or sizes differ)"
fi
FILES=$(awk -F '\t' '$1 == "f"' "$RUN_DIR/copy.list" | wc -l)
BYTES=$(awk -F '\t' '$1 == "f" { s += $2 } END { printf "%.0f", s }' "$RUN_DIR/copy.list")
if [ -n "$ABORT" ]; then
    fail ABORTED "aborted ($ABORT) during verification"
fi
VERIFY_END=$(now_ms)
event "verified files=$FILES bytes=$BYTES"
log "verified: $FILES files, $BYTES bytes, every file present with the size it has in PGDATA"

# --- start ---
SERVING_AT=
if [ "$WAS_RUNNING" = true ]; then
    stop_bg "$WATCHDOG"
    WATCHDOG=
    if ! restore_service; then
        fail START_FAILED "PostgreSQL did not start again after the copy"
    fi
    SERVING_AT=$(now_ms)
fi

# --- record ---
PHASE=record
event "phase record"
STOP_AT=$(sed -n 's/^\([0-9]*\) phase stop$/\1/p' "$STATE" | head -n 1)
START_AT=$(sed -n 's/^\([0-9]*\) phase start$/\1/p' "$STATE" | tail -n 1)
if [ -n "$SERVING_AT" ]; then DOWNTIME=$((SERVING_AT - STOP_AT)); else DOWNTIME=0; fi

# JSON-escapes stdin lines: backslash, quote and control characters.
json_escape_awk='
function esc(s,    out, i, c) {
    gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, "\\t", s); gsub(/\r/, "\\r", s)
    if (s !~ /[[:cntrl:]]/) return s
    out = ""
    for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (c in ctl) out = out ctl[c]; else out = out c
    }
    return out
}
BEGIN { for (i = 1; i < 32; i++) ctl[sprintf("%c", i)] = sprintf("\\u%04x", i) }'

js() { # one JSON string
    printf '%s\n' "$1" | awk "$json_escape_awk"' { printf "\"%s\"", esc($0) }'
}

{
    printf '{\n'
    printf '  "formatVersion": 1,\n'
    printf '  "tool": {"name": "pg-offline-backup", "version": %s},\n' "$(js "$(param tool_version)")"
    printf '  "backupId": %s,\n' "$(js "$(param id)")"
    printf '  "kind": "offline-full",\n'
    printf '  "host": {"name": %s, "sshHost": %s, "sshUser": %s},\n' \
        "$(js "$(hostname)")" "$(js "$(param ssh_host)")" "$(js "$(id -un)")"
    printf '  "postgres": {"majorVersion": %s, "systemIdentifier": %s, "catalogVersion": %s, "pgdata": %s,\n' \
        "$(js "$PG_VERSION")" "$(js "$SYSTEM_ID")" "$(js "$CATALOG")" "$(js "$PGDATA")"
    printf '    "clusterStateAtCopy": %s, "latestCheckpoint": %s, "redo": %s, "timeline": %s, "dataChecksums": %s,\n' \
        "$(js "$STATE_AT_COPY")" "$(js "$CHECKPOINT")" "$(js "$REDO")" "${TIMELINE:-0}" \
        "$([ "${CHECKSUMS:-0}" != 0 ] && echo true || echo false)"
    printf '    "wasRunning": %s, "stopMode": %s},\n' "$WAS_RUNNING" "$(js "$STOP_MODE")"
    printf '  "layout": {"data": "data"},\n'
    printf '  "omitted": ["postmaster.pid", "postmaster.opts"],\n'
    printf '  "totals": {"files": %s, "bytes": %s},\n' "$FILES" "$BYTES"
    printf '  "phases": [\n'
    java_phases=$(param java_phases)
    [ -z "$java_phases" ] || printf '    %s,\n' "$java_phases"
    if [ "$WAS_RUNNING" = true ]; then
        printf '    {"name": "stop", "startMillis": %s, "endMillis": %s},\n' "$STOP_AT" "$COPY_START"
    fi
    printf '    {"name": "copy", "startMillis": %s, "endMillis": %s},\n' "$COPY_START" "$COPY_END"
    printf '    {"name": "verify", "startMillis": %s, "endMillis": %s}' "$COPY_END" "$VERIFY_END"
    if [ -n "$SERVING_AT" ]; then
        printf ',\n    {"name": "start", "startMillis": %s, "endMillis": %s}' "$START_AT" "$SERVING_AT"
    fi
    printf '\n  ],\n'
    printf '  "downtimeMillis": %s,\n' "$DOWNTIME"
    printf '  "verification": {"method": "file list, total bytes and each file size of the copy against PGDATA, while PostgreSQL was stopped", "passed": true, "files": %s, "bytes": %s},\n' "$FILES" "$BYTES"
    printf '  "files": [\n'
    find "$PARTIAL/data" -mindepth 1 -printf '%y\t%s\t%T@\t%m\t%P\t%l\n' | sort -t "$(printf '\t')" -k5,5 |
        awk -F '\t' "$json_escape_awk"'
            {
                type = ($1 == "f") ? "file" : ($1 == "d") ? "directory" : ($1 == "l") ? "symlink" : "other"
                line = sprintf("    {\"path\": \"%s\", \"type\": \"%s\", \"mode\": \"%04d\"", esc($5), type, $4)
                if ($1 == "f") line = line sprintf(", \"size\": %s, \"mtime\": \"%s\"", $2, $3)
                if ($1 == "l") line = line sprintf(", \"target\": \"%s\"", esc($6))
                if (NR > 1) printf ",\n"
                printf "%s}", line
            }
            END { printf "\n" }'
    printf '  ]\n'
    printf '}\n'
} > "$PARTIAL/manifest.json.tmp" || fail RECORD_FAILED "cannot write the manifest"
mv "$PARTIAL/manifest.json.tmp" "$PARTIAL/manifest.json"

log "backup complete: $FILES files, $BYTES bytes, downtime ${DOWNTIME} ms; renaming to $FINAL"
# The copy must be on disk before the name says it is complete.
sync -f "$PARTIAL/data" 2>/dev/null || sync
if [ -e "$FINAL" ]; then
    fail RECORD_FAILED "$FINAL already exists; the complete copy stays at $PARTIAL"
fi
mv "$PARTIAL" "$FINAL" || fail RECORD_FAILED "cannot rename $PARTIAL to $FINAL"
LOG=$FINAL/backup.log
sync -f "$FINAL" 2>/dev/null || sync
event "done files=$FILES bytes=$BYTES downtime=$DOWNTIME path=$FINAL"
finish 0
