#!/bin/sh
# pg-offline-backup restore runner: puts a verified backup in place of a cluster's data directory,
# on the database host, detached from the SSH connection like the backup runner.
#
# Nothing is ever deleted: the current PGDATA is renamed to PGDATA.pre-restore-<ts>; a restored
# copy that fails is renamed to PGDATA.failed-restore-<ts> and the original is put back and
# started (rollback). global/pg_control is written last (temporary name, fsync, rename, fsync of
# the directory), so a restore cut short can never be started by mistake.
#
# Usage: restore.sh RUN_DIR [restore|recover]; params and state as for runner.sh.

set -u
umask 077
LC_ALL=C
export LC_ALL

RUN_DIR=$1
MODE=${2:-restore}
# shellcheck source=lib.sh
. "$RUN_DIR/lib.sh"
# shellcheck source=critical.sh
. "$RUN_DIR/critical.sh"

BACKUP=$(param backup)
ASIDE=$(param aside)
FAILED_ASIDE=$(param failed_aside)
TARGET_EXISTS=$(param target_exists)
OWNER=$(param owner)
LOG=$RUN_DIR/restore.log
LOCK=$(param lock)
PHASE=prepare
MOVED=0
RESTORED=0

after_failure() {
    if [ "$MOVED" = 1 ] || [ "$RESTORED" = 1 ]; then
        rollback
    else
        restore_service
    fi
}

# Puts the original data directory back and starts it if it ran; the failed copy is kept aside.
rollback() {
    PHASE=rollback
    event "phase rollback"
    log "rolling back: the restored copy goes to $FAILED_ASIDE and the original data directory comes back"
    if [ -n "$(live_postmaster)" ]; then
        stop_cluster
        [ -z "$(live_postmaster)" ] || { STOP_COMMAND=''; STOP_MODE=fast; stop_cluster; }
    fi
    if [ -n "$(live_postmaster)" ]; then
        rollback_failed "the restored cluster could not be stopped"
        return 1
    fi
    if [ "$RESTORED" = 1 ] && [ -e "$PGDATA" ]; then
        mv "$PGDATA" "$FAILED_ASIDE" || { rollback_failed "cannot move $PGDATA to $FAILED_ASIDE"; return 1; }
        END_EXTRA="$END_EXTRA failed_restore=$FAILED_ASIDE"
    fi
    RESTORED=0
    if [ "$MOVED" = 1 ]; then
        mv "$ASIDE" "$PGDATA" || { rollback_failed "cannot move $ASIDE back to $PGDATA"; return 1; }
        MOVED=0
    fi
    END_EXTRA="$END_EXTRA rolled_back=true"
    event "rolled back"
    if [ "$WAS_RUNNING" = true ]; then
        STOPPED_BY_US=1
        START_TRIED=0
        restore_service
    else
        DB_STATE=stopped
        log "the original data directory is back in place; it was not running before the restore and stays stopped"
    fi
}

rollback_failed() {
    DB_STATE=down
    event "db down"
    log "ROLLBACK FAILED: $1. Where everything is now: original data directory $([ "$MOVED" = 1 ] && echo "at $ASIDE" || echo "at $PGDATA"), restored copy $([ "$RESTORED" = 1 ] && echo "at $PGDATA" || echo "at $FAILED_ASIDE"), backup at $BACKUP"
    END_EXTRA="$END_EXTRA rolled_back=false"
}

# Copies a data directory without global/pg_control (that comes last, on its own).
# shellcheck disable=SC2317  # run through run_child
copy_tree() {
    (tar -C "$1" -cf - --exclude=./global/pg_control . ; echo "$?" > "$RUN_DIR/tar.rc") |
        tar -C "$2" -xpf -
    extract_rc=$?
    [ "$extract_rc" = 0 ] && [ "$(cat "$RUN_DIR/tar.rc")" = 0 ]
}

# pg_control last: temporary name, fsync, rename, fsync of the directory.
install_pg_control() {
    cp -p "$BACKUP/data/global/pg_control" "$PGDATA/global/pg_control.pgob-restore" &&
        sync "$PGDATA/global/pg_control.pgob-restore" &&
        mv "$PGDATA/global/pg_control.pgob-restore" "$PGDATA/global/pg_control" &&
        sync "$PGDATA/global"
}

trap on_exit EXIT
trap 'on_abort aborted' TERM INT HUP
trap 'on_abort max-downtime' USR1

event "runner pid=$$ mode=$MODE"

if [ "$MODE" = recover ]; then
    # The Java side found a previous restore runner dead before its end.
    LOCK=$RUN_DIR/.no-lock
    FINISHED=1
    if grep -q '^[0-9]* done ' "$STATE"; then
        DB_STATE=running
    else
        [ "$TARGET_EXISTS" = true ] && [ -e "$ASIDE" ] && MOVED=1
        grep -q '^[0-9]* phase copy' "$STATE" && RESTORED=1
        if [ "$MOVED" = 1 ] || [ "$RESTORED" = 1 ]; then
            rollback
        else
            [ "$WAS_RUNNING" = true ] && STOPPED_BY_US=1
            restore_service
        fi
    fi
    [ "$DB_STATE" != unknown ] || { [ -n "$(live_postmaster)" ] && DB_STATE=running || DB_STATE=stopped; }
    if [ "$DB_STATE" = down ]; then
        event "end failed db=down$END_EXTRA"
        exit 3
    fi
    event "end recovered db=$DB_STATE$END_EXTRA"
    exit 0
fi

take_lock "$PGDATA"
log "restore runner started on $(hostname) as $(id -un) (pid $$): $BACKUP -> $PGDATA"
check_unchanged
start_watchdog
if [ "$WAS_RUNNING" = true ]; then
    stop_and_prove
else
    DB_STATE=stopped
fi

PHASE=move
if [ "$TARGET_EXISTS" = true ]; then
    event "phase move"
    if [ -e "$ASIDE" ]; then
        fail MOVE_FAILED "$ASIDE already exists; nothing was changed"
    fi
    mv "$PGDATA" "$ASIDE" || fail MOVE_FAILED "cannot rename $PGDATA to $ASIDE"
    MOVED=1
    event "moved_aside path=$ASIDE"
    log "the current data directory is now $ASIDE (kept; nothing is deleted)"
fi

PHASE=copy
TOTAL=$(du -s -B1 --apparent-size "$BACKUP/data" | cut -f1)
event "phase copy total=$TOTAL"
log "copying $BACKUP/data ($TOTAL bytes) to $PGDATA"
mkdir -m 700 "$PGDATA" || fail COPY_FAILED "cannot create $PGDATA"
RESTORED=1
(
    # $$ is the runner: a runner killed outright must not leave this loop behind.
    while sleep 1 && kill -0 $$ 2>/dev/null; do
        printf '%s progress bytes=%s total=%s\n' "$(now_ms)" \
            "$(du -s -B1 --apparent-size "$PGDATA" 2>/dev/null | cut -f1)" "$TOTAL" >> "$STATE"
    done
) < /dev/null > /dev/null 2>&1 &
PROGRESS=$!
copy_rc=0
run_child copy_tree "$BACKUP/data" "$PGDATA" || copy_rc=$?
stop_bg "$PROGRESS"
PROGRESS=
check_abort
[ "$copy_rc" = 0 ] || fail COPY_FAILED "the copy into $PGDATA failed (see the messages above)"
install_pg_control || fail COPY_FAILED "cannot install global/pg_control"
# The restored cluster starts with the command line the original last ran with.
if [ "$MOVED" = 1 ] && [ -f "$ASIDE/postmaster.opts" ]; then
    cp -p "$ASIDE/postmaster.opts" "$PGDATA/postmaster.opts"
fi
chmod 700 "$PGDATA"
if [ -n "$OWNER" ]; then
    chown -R "$OWNER" "$PGDATA" || fail COPY_FAILED "cannot give $PGDATA to $OWNER"
fi

PHASE=verify
event "phase verify"
sh "$RUN_DIR/verify.sh" "$BACKUP" sizes "$PGDATA" > "$RUN_DIR/verify.out" 2>> "$LOG"
if ! grep -q '^status=ok$' "$RUN_DIR/verify.out"; then
    log "the restored files differ from the manifest:"
    grep '^problem=' "$RUN_DIR/verify.out" | head -n 20 | tr '\037' ' ' >> "$LOG"
    fail VERIFY_FAILED "the restored data directory does not match the backup's manifest"
fi
FILES=$(sed -n 's/^files=//p' "$RUN_DIR/verify.out")
BYTES=$(sed -n 's/^bytes=//p' "$RUN_DIR/verify.out")
event "verified files=$FILES bytes=$BYTES"
log "verified: $FILES files, $BYTES bytes, as the manifest lists them"
check_abort

PHASE=start
stop_bg "$WATCHDOG"
WATCHDOG=
event "phase start"
START_TRIED=1
if ! { start_cluster && prove_serving; }; then
    fail START_FAILED "the restored cluster did not start or does not answer (see $SERVER_LOG)"
fi
DB_STATE=running
STOPPED_BY_US=0
RESTORED=0
MOVED=0
event "db running"
STOP_AT=$(sed -n 's/^\([0-9]*\) phase stop$/\1/p' "$STATE" | head -n 1)
DOWNTIME=0
[ -n "$STOP_AT" ] && DOWNTIME=$(( $(now_ms) - STOP_AT ))
log "restore complete; the original data directory stays at $ASIDE until you remove it"
event "done files=$FILES bytes=$BYTES downtime=$DOWNTIME moved_aside=$([ "$TARGET_EXISTS" = true ] && printf '%s' "$ASIDE")"
finish 0
