#!/bin/sh
# pg-offline-backup restore runner: puts a verified backup in place of a cluster's data directory,
# on the database host, detached from the SSH connection like the backup runner.
#
# Nothing is ever deleted: the current PGDATA is renamed to PGDATA.pre-restore-<ts>, and so is
# each directory where a tablespace or the WAL directory is restored; a restored copy that fails is
# renamed to <dir>.failed-restore-<ts> and the originals are put back and started (rollback). global/pg_control is written last (temporary name, fsync, rename, fsync of
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
STAMP=${ASIDE##*.pre-restore-}
# The tablespaces and WAL directory, where each goes: "area<TAB>link<TAB>target" (decided by the
# pre-flight: the original location, or where --tablespace-map / --wal-dir sends it).
AREA_COUNT=$(param areas)
: > "$RUN_DIR/areas.tsv"
i=1
while [ "$i" -le "${AREA_COUNT:-0}" ]; do
    printf '%s\t%s\t%s\n' "$(param "area_${i}")" "$(param "area_${i}_link")" "$(param "area_${i}_target")" \
        >> "$RUN_DIR/areas.tsv"
    i=$((i + 1))
done
# Configuration files outside PGDATA are put back only when the pre-flight says so (not with
# --keep-config, nor onto another data directory than the one they served). What was done to each
# is noted in RUN_DIR/config.actions ("moved" or "restored", and the path) for a rollback,
# also by a recovering runner.
RESTORE_CONFIG=$(param restore_config)
: > "$RUN_DIR/config.tsv"
[ "$RESTORE_CONFIG" = true ] && manifest_config "$BACKUP/manifest.json" > "$RUN_DIR/config.tsv"
[ -f "$RUN_DIR/config.actions" ] || : > "$RUN_DIR/config.actions"

# Whether a tablespace or WAL directory of this run was moved aside.
areas_moved() {
    while IFS="$TAB" read -r _ _ target; do
        if [ -e "$target.pre-restore-$STAMP" ] || [ -L "$target.pre-restore-$STAMP" ]; then
            return 0
        fi
    done < "$RUN_DIR/areas.tsv"
    return 1
}

after_failure() {
    if [ "$MOVED" = 1 ] || [ "$RESTORED" = 1 ] || areas_moved || [ -s "$RUN_DIR/config.actions" ]; then
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
        [ -z "$(live_postmaster)" ] || stop_fast_with_pg_ctl
    fi
    if [ -n "$(live_postmaster)" ]; then
        rollback_failed "the restored cluster could not be stopped"
        return 1
    fi
    if [ "$RESTORED" = 1 ] && [ -e "$PGDATA" ]; then
        mv "$PGDATA" "$FAILED_ASIDE" || { rollback_failed "cannot move $PGDATA to $FAILED_ASIDE"; return 1; }
        END_EXTRA="$END_EXTRA failed_restore=$FAILED_ASIDE"
    fi
    # Every restored area directory goes aside too, and what was there before comes back. Before
    # the copy, a target that exists is the original one, never ours: it stays.
    while IFS="$TAB" read -r _ _ target; do
        if [ "$RESTORED" = 1 ] && { [ -e "$target" ] || [ -L "$target" ]; }; then
            mv "$target" "$target.failed-restore-$STAMP" ||
                { rollback_failed "cannot move $target to $target.failed-restore-$STAMP"; return 1; }
        fi
        if [ -e "$target.pre-restore-$STAMP" ] || [ -L "$target.pre-restore-$STAMP" ]; then
            mv "$target.pre-restore-$STAMP" "$target" ||
                { rollback_failed "cannot move $target.pre-restore-$STAMP back to $target"; return 1; }
        fi
    done < "$RUN_DIR/areas.tsv"
    # Configuration: a restored file goes aside as failed, the one it replaced comes back.
    while IFS="$TAB" read -r action path; do
        case $action in
            restored)
                mv -- "$path" "$path.failed-restore-$STAMP" ||
                    { rollback_failed "cannot move $path to $path.failed-restore-$STAMP"; return 1; } ;;
        esac
    done < "$RUN_DIR/config.actions"
    while IFS="$TAB" read -r action path; do
        case $action in
            moved)
                mv -- "$path.pre-restore-$STAMP" "$path" ||
                    { rollback_failed "cannot move $path.pre-restore-$STAMP back to $path"; return 1; } ;;
        esac
    done < "$RUN_DIR/config.actions"
    : > "$RUN_DIR/config.actions"
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
    release_lock_of_dead_run "$STAMP"
    if grep -q '^[0-9]* done ' "$STATE"; then
        DB_STATE=running
    else
        [ "$TARGET_EXISTS" = true ] && [ -e "$ASIDE" ] && MOVED=1
        grep -q '^[0-9]* phase copy' "$STATE" && RESTORED=1
        if [ "$MOVED" = 1 ] || [ "$RESTORED" = 1 ] || areas_moved || [ -s "$RUN_DIR/config.actions" ]; then
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
take_cluster_lock restore "$STAMP"
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
MOVE_EVENT=$TARGET_EXISTS
while IFS="$TAB" read -r area _ target; do
    [ -e "$target" ] || [ -L "$target" ] || continue
    [ "$MOVE_EVENT" = true ] || event "phase move"
    MOVE_EVENT=true
    if [ -e "$target.pre-restore-$STAMP" ] || [ -L "$target.pre-restore-$STAMP" ]; then
        fail MOVE_FAILED "$target.pre-restore-$STAMP already exists"
    fi
    mv "$target" "$target.pre-restore-$STAMP" || fail MOVE_FAILED "cannot rename $target to $target.pre-restore-$STAMP"
    event "moved_aside_area path=$target.pre-restore-$STAMP"
    log "the directory $target (where $area goes) is now $target.pre-restore-$STAMP (kept; nothing is deleted)"
done < "$RUN_DIR/areas.tsv"

# Configuration files that differ from the backup's go aside; identical ones stay as they are.
while IFS="$TAB" read -r _ type path; do
    [ "$type" = file ] || continue
    if [ -e "$path" ] || [ -L "$path" ]; then
        cmp -s -- "$BACKUP/config$path" "$path" && continue
        [ "$MOVE_EVENT" = true ] || event "phase move"
        MOVE_EVENT=true
        mv -- "$path" "$path.pre-restore-$STAMP" || fail MOVE_FAILED "cannot rename $path to $path.pre-restore-$STAMP"
        printf 'moved\t%s\n' "$path" >> "$RUN_DIR/config.actions"
        log "the configuration file $path is now $path.pre-restore-$STAMP (kept; nothing is deleted)"
    fi
done < "$RUN_DIR/config.tsv"

PHASE=copy
TOTAL=$(du -s -B1 --apparent-size "$BACKUP/data" | cut -f1)
while IFS="$TAB" read -r area _; do
    TOTAL=$((TOTAL + $(du -s -B1 --apparent-size "$BACKUP/$area" | cut -f1)))
done < "$RUN_DIR/areas.tsv"
event "phase copy total=$TOTAL"
RESTORED=1
# What the restored directories hold so far, in bytes (start_progress).
# shellcheck disable=SC2317  # called through start_progress
restored_bytes() {
    rb_bytes=$(du -s -B1 --apparent-size "$PGDATA" 2>/dev/null | cut -f1)
    while IFS="$TAB" read -r _ _ rb_target; do
        rb_bytes=$((rb_bytes + $(du -s -B1 --apparent-size "$rb_target" 2>/dev/null | cut -f1)))
    done < "$RUN_DIR/areas.tsv"
    echo "$rb_bytes"
}
start_progress restored_bytes
# restore_area SOURCE TARGET [EXCLUDE]: a new directory (mode 0700, as PostgreSQL wants its own) with a copy of SOURCE.
restore_area() {
    log "copying $1 to $2"
    mkdir -m 700 "$2" || fail COPY_FAILED "cannot create $2"
    copy_rc=0
    run_child copy_area "$1" "$2" all "$RUN_DIR/copy.names" ${3:+"$3"} || copy_rc=$?
    check_abort
    [ "$copy_rc" = 0 ] || fail COPY_FAILED "the copy into $2 failed (see the messages above)"
}
# global/pg_control comes last, on its own.
restore_area "$BACKUP/data" "$PGDATA" global/pg_control
while IFS="$TAB" read -r area link target; do
    restore_area "$BACKUP/$area" "$target"
    # The link in the restored PGDATA names the original location; it now leads where the area went.
    { rm -f "$PGDATA/$link" && ln -s "$target" "$PGDATA/$link"; } ||
        fail COPY_FAILED "cannot link $PGDATA/$link to $target"
done < "$RUN_DIR/areas.tsv"
stop_bg "$PROGRESS"
PROGRESS=
# Configuration: directories first (an include_dir may be missing on this host), then each file
# under a temporary name, renamed into place once complete.
while IFS="$TAB" read -r setting type path; do
    if [ "$type" != directory ] || [ -d "$path" ]; then continue; fi
    mkdir -p -- "$path" || fail COPY_FAILED "cannot create the configuration directory $path"
    log "created the configuration directory $path ($setting)"
done < "$RUN_DIR/config.tsv"
while IFS="$TAB" read -r setting type path; do
    [ "$type" = file ] || continue
    grep -q -x -F "moved$TAB$path" "$RUN_DIR/config.actions" || [ ! -e "$path" ] || continue
    { cp -p -- "$BACKUP/config$path" "$path.pgob-restore" && mv -- "$path.pgob-restore" "$path"; } ||
        fail COPY_FAILED "cannot put the configuration file $path back"
    printf 'restored\t%s\n' "$path" >> "$RUN_DIR/config.actions"
    cmp -s -- "$BACKUP/config$path" "$path" || fail VERIFY_FAILED "the restored $path differs from the backup's"
    log "restored the configuration file $path ($setting)"
done < "$RUN_DIR/config.tsv"
install_pg_control || fail COPY_FAILED "cannot install global/pg_control"
# The restored cluster starts with the command line the original last ran with.
if [ "$MOVED" = 1 ] && [ -f "$ASIDE/postmaster.opts" ]; then
    cp -p "$ASIDE/postmaster.opts" "$PGDATA/postmaster.opts"
fi
chmod 700 "$PGDATA"
if [ -n "$OWNER" ]; then
    chown -R "$OWNER" "$PGDATA" || fail COPY_FAILED "cannot give $PGDATA to $OWNER"
    while IFS="$TAB" read -r _ _ target; do
        chown -R "$OWNER" "$target" || fail COPY_FAILED "cannot give $target to $OWNER"
    done < "$RUN_DIR/areas.tsv"
fi

PHASE=verify
event "phase verify"
sh "$RUN_DIR/verify.sh" "$BACKUP" sizes "$PGDATA" "" "$RUN_DIR/areas.tsv" > "$RUN_DIR/verify.out" 2>> "$LOG"
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
# What else was moved aside, for the client's result: "what<TAB>original<TAB>where it is now".
: > "$RUN_DIR/moved-aside.tsv"
while IFS="$TAB" read -r area _ target; do
    if [ -e "$target.pre-restore-$STAMP" ] || [ -L "$target.pre-restore-$STAMP" ]; then
        log "the directory that was at $target stays at $target.pre-restore-$STAMP until you remove it"
        printf '%s\t%s\t%s\n' "$area" "$target" "$target.pre-restore-$STAMP" >> "$RUN_DIR/moved-aside.tsv"
    fi
done < "$RUN_DIR/areas.tsv"
while IFS="$TAB" read -r action path; do
    if [ "$action" = moved ]; then
        log "the configuration file that was at $path stays at $path.pre-restore-$STAMP"
        printf 'config\t%s\t%s\n' "$path" "$path.pre-restore-$STAMP" >> "$RUN_DIR/moved-aside.tsv"
    fi
done < "$RUN_DIR/config.actions"
rm -f "$RUN_DIR/copy.names" "$RUN_DIR/copy.names".* "$RUN_DIR/areas.tsv" "$RUN_DIR/config.tsv"
event "done files=$FILES bytes=$BYTES downtime=$DOWNTIME moved_aside=$([ "$TARGET_EXISTS" = true ] && printf '%s' "$ASIDE")"
finish 0
