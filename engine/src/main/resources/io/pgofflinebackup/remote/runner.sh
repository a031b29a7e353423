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
# shellcheck source=lib.sh
. "$RUN_DIR/lib.sh"
# shellcheck source=critical.sh
. "$RUN_DIR/critical.sh"

after_failure() { restore_service; }

# --- the run ---------------------------------------------------------------------------------

PARTIAL=$(param partial)
FINAL=$(param final)
DEST=$(param dest)
LOG=$PARTIAL/backup.log
LOCK=$DEST/.pg-offline-backup.lock
PHASE=prepare

trap on_exit EXIT
trap 'on_abort aborted' TERM INT HUP
trap 'on_abort max-downtime' USR1

event "runner pid=$$ mode=$MODE"

if [ "$MODE" = recover ]; then
    # The Java side found a previous runner dead before its end: start PostgreSQL again if that
    # run found it running (it may have stopped it); leave it alone otherwise.
    [ -d "$PARTIAL" ] || LOG=$RUN_DIR/recover.log
    LOCK=$RUN_DIR/.no-lock
    FINISHED=1
    [ "$WAS_RUNNING" = true ] && STOPPED_BY_US=1
    if restore_service; then
        if [ -n "$(live_postmaster)" ]; then DB_STATE=running; else DB_STATE=stopped; fi
        event "end recovered db=$DB_STATE"
        exit 0
    fi
    event "end failed db=$DB_STATE"
    exit 3
fi

# One run per destination at a time.
take_lock "$DEST"

log "runner started on $(hostname) as $(id -un) (pid $$)"

check_unchanged
if [ "$WAS_RUNNING" = true ]; then
    start_watchdog
    stop_and_prove
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
    # $$ is the runner: a runner killed outright must not leave this loop behind.
    while sleep 1 && kill -0 $$ 2>/dev/null; do
        printf '%s progress bytes=%s total=%s\n' "$(now_ms)" \
            "$(du -s -B1 --apparent-size "$PARTIAL/data" 2>/dev/null | cut -f1)" "$TOTAL" >> "$STATE"
    done
) < /dev/null > /dev/null 2>&1 &
PROGRESS=$!
copy_rc=0
run_child cp -a "$PGDATA/." "$PARTIAL/data/" || copy_rc=$?
stop_bg "$PROGRESS"
PROGRESS=
check_abort
[ "$copy_rc" = 0 ] || fail COPY_FAILED "cp exited with status $copy_rc (see the messages above)"
# Never part of a backup: they describe the server process that ran from the source.
rm -f "$PARTIAL/data/postmaster.pid" "$PARTIAL/data/postmaster.opts"
COPY_END=$(now_ms)

# --- verify (still stopped, so the source cannot change under us) ---
PHASE=verify
event "phase verify"
# Omitted files are left out of the source side; directory sizes do not count.
listing "$PGDATA" postmaster.pid postmaster.opts > "$RUN_DIR/source.list"
listing "$PARTIAL/data" > "$RUN_DIR/copy.list"
if ! cmp -s "$RUN_DIR/source.list" "$RUN_DIR/copy.list"; then
    log "the copy differs from the source (first differences, '<' source, '>' copy):"
    diff "$RUN_DIR/source.list" "$RUN_DIR/copy.list" | head -n 20 >> "$LOG"
    fail VERIFY_FAILED "the copy does not match the source (file list or sizes differ)"
fi
FILES=$(awk -F '\t' '$1 == "f"' "$RUN_DIR/copy.list" | wc -l)
BYTES=$(awk -F '\t' '$1 == "f" { s += $2 } END { printf "%.0f", s }' "$RUN_DIR/copy.list")
check_abort
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
RECORD_START=$(now_ms)
STOP_AT=$(sed -n 's/^\([0-9]*\) phase stop$/\1/p' "$STATE" | head -n 1)
START_AT=$(sed -n 's/^\([0-9]*\) phase start$/\1/p' "$STATE" | tail -n 1)
if [ -n "$SERVING_AT" ]; then DOWNTIME=$((SERVING_AT - STOP_AT)); else DOWNTIME=0; fi

# SHA-256 of every file of the still copy (PostgreSQL serves again meanwhile: this is no downtime).
log "computing SHA-256 checksums of the copy"
checksum_files "$PARTIAL/data" > "$RUN_DIR/sha256.tsv" || fail RECORD_FAILED "cannot compute the checksums"
TZ=UTC find "$PARTIAL/data" -mindepth 1 -printf '%y\t%s\t%T@\t%m\t%P\t%l\t%TY-%Tm-%Td %TH:%TM:%TS\n' |
    LC_ALL=C sort -t "$TAB" -k5,5 > "$RUN_DIR/files.tsv"

# PostgreSQL's own backup_manifest, beside data/ (inside it, it would confuse later tools), so that
# the stock pg_verifybackup can check the backup, WAL included: the WAL range runs from the REDO
# location of the shutdown checkpoint to the end of that record, where pg_waldump finds no more WAL.
write_pg_manifest() {
    end_lsn=$("$PG_BIN/pg_waldump" -p "$PARTIAL/data/pg_wal" -t "$TIMELINE" -s "$REDO" 2>&1 >/dev/null |
        sed -n 's/.*invalid record length at \([0-9A-F]*\/[0-9A-F]*\).*/\1/p' | head -n 1)
    [ -n "$end_lsn" ] || return 1
    manifest_version=1
    [ "$PG_VERSION" -ge 17 ] && manifest_version=2
    {
        printf '{ "PostgreSQL-Backup-Manifest-Version": %s,\n' "$manifest_version"
        [ "$manifest_version" = 2 ] && printf '"System-Identifier": %s,\n' "$SYSTEM_ID"
        printf '"Files": [\n'
        awk -F '\t' "$JSON_AWK"'
            FNR == NR { sha[$1] = $2; next }
            $1 == "f" && $5 !~ /^pg_wal\// {
                if (n++) printf ",\n"
                printf "{ \"Path\": \"%s\", \"Size\": %s, \"Last-Modified\": \"%s GMT\", \"Checksum-Algorithm\": \"SHA256\", \"Checksum\": \"%s\" }", esc($5), $2, substr($7, 1, 19), sha[$5]
            }' "$RUN_DIR/sha256.tsv" "$RUN_DIR/files.tsv"
        # pg_verifybackup follows a symbolic link to a file and expects it listed as that file.
        (cd "$PARTIAL/data" && find . -type l -xtype f ! -path './pg_wal/*' -print) | sed 's|^\./||' |
            while IFS= read -r link; do
                printf ',\n{ "Path": %s, "Size": %s, "Last-Modified": "%s GMT", "Checksum-Algorithm": "SHA256", "Checksum": "%s" }' \
                    "$(js "$link")" "$(stat -L -c %s "$PARTIAL/data/$link")" \
                    "$(TZ=UTC date -r "$PARTIAL/data/$link" '+%Y-%m-%d %H:%M:%S')" \
                    "$(sha256sum < "$PARTIAL/data/$link" | cut -d ' ' -f 1)"
            done
        printf '\n],\n'
        printf '"WAL-Ranges": [\n{ "Timeline": %s, "Start-LSN": "%s", "End-LSN": "%s" }\n],\n' \
            "$TIMELINE" "$REDO" "$end_lsn"
    } > "$PARTIAL/backup_manifest.tmp"
    printf '"Manifest-Checksum": "%s"}\n' "$(sha256sum < "$PARTIAL/backup_manifest.tmp" | cut -d ' ' -f 1)" \
        >> "$PARTIAL/backup_manifest.tmp"
    mv "$PARTIAL/backup_manifest.tmp" "$PARTIAL/backup_manifest"
}

PG_VERIFYBACKUP=skipped
if [ "$PG_VERSION" -ge 13 ] && [ -x "$PG_BIN/pg_waldump" ]; then
    write_pg_manifest || fail RECORD_FAILED "cannot find the end of the shutdown checkpoint with pg_waldump"
    if [ -x "$PG_BIN/pg_verifybackup" ]; then
        log "checking the copy with pg_verifybackup"
        if pg_verifybackup_safely "$PG_BIN" "$PARTIAL/backup_manifest" "$PARTIAL/data" >> "$LOG" 2>&1; then
            PG_VERIFYBACKUP=passed
        else
            fail VERIFY_FAILED "pg_verifybackup found the copy inconsistent with its checksums (see above)"
        fi
    fi
fi

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
    printf '  "layout": {"data": "data", "pgManifest": %s},\n' \
        "$([ -f "$PARTIAL/backup_manifest" ] && echo '"backup_manifest"' || echo null)"
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
    printf ',\n    {"name": "checksums", "startMillis": %s, "endMillis": %s}' "$RECORD_START" "$(now_ms)"
    printf '\n  ],\n'
    printf '  "downtimeMillis": %s,\n' "$DOWNTIME"
    printf '  "verification": {"method": "file list, total bytes and each file size of the copy against PGDATA, while PostgreSQL was stopped", "passed": true, "files": %s, "bytes": %s, "checksums": "sha256", "pgVerifybackup": "%s"},\n' "$FILES" "$BYTES" "$PG_VERIFYBACKUP"
    printf '  "files": [\n'
    awk -F '\t' "$JSON_AWK"'
        FNR == NR { sha[$1] = $2; next }
        {
            type = ($1 == "f") ? "file" : ($1 == "d") ? "directory" : ($1 == "l") ? "symlink" : "other"
            line = sprintf("    {\"path\": \"%s\", \"type\": \"%s\", \"mode\": \"%04d\"", esc($5), type, $4)
            if ($1 == "f") line = line sprintf(", \"size\": %s, \"mtime\": \"%s\", \"sha256\": \"%s\"", $2, $3, sha[$5])
            if ($1 == "l") line = line sprintf(", \"target\": \"%s\"", esc($6))
            if (n++) printf ",\n"
            printf "%s}", line
        }
        END { printf "\n" }' "$RUN_DIR/sha256.tsv" "$RUN_DIR/files.tsv"
    printf '  ],\n'
} > "$PARTIAL/manifest.json.tmp" || fail RECORD_FAILED "cannot write the manifest"
# The last line holds the checksum of all lines before it, so that an edited manifest is caught.
printf '  "manifestChecksum": "%s"}\n' "$(sha256sum < "$PARTIAL/manifest.json.tmp" | cut -d ' ' -f 1)" \
    >> "$PARTIAL/manifest.json.tmp"
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
event "done files=$FILES bytes=$BYTES downtime=$DOWNTIME pg_verifybackup=$PG_VERIFYBACKUP path=$FINAL"
finish 0
