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

# What lies outside PGDATA and belongs to the cluster, found again right before the stop (the
# pre-flight looked too, but the cluster may have changed since): RUN_DIR/areas.tsv holds
# "area<TAB>link<TAB>location<TAB>name" for each tablespace and an external pg_wal. Names come
# from the catalog, so only while PostgreSQL runs. Anything that cannot be backed up whole ends
# the run here, before the stop.
discover_layout() {
    linked_areas "$PGDATA" > "$RUN_DIR/linked.tsv"
    : > "$RUN_DIR/names.tsv"
    if [ "$WAS_RUNNING" = true ] && [ -s "$RUN_DIR/linked.tsv" ]; then
        # The role that proves the server serves may be unset; the catalog is readable by the owner's role too.
        serving_user=$DB_USER
        [ -n "$DB_USER" ] || DB_USER=$(stat -c %U -- "$PGDATA")
        tablespace_names > "$RUN_DIR/names.raw" 2>> "$LOG" ||
            log "cannot read the tablespace names from the catalog; the manifest records them without names"
        DB_USER=$serving_user
        tr "$US" "$TAB" < "$RUN_DIR/names.raw" > "$RUN_DIR/names.tsv"
    fi
    serving_user=$DB_USER
    [ -n "$DB_USER" ] || DB_USER=$(stat -c %U -- "$PGDATA")
    config_files "$RUN_DIR" > "$RUN_DIR/config.tsv"
    DB_USER=$serving_user
    while IFS="$TAB" read -r _ type path; do
        [ "$type" = directory ] || [ -r "$path" ] || fail OWNER_MISMATCH "cannot read the configuration file $path as $(id -un)"
    done < "$RUN_DIR/config.tsv"
    pgdata_real=$(realpath -e -- "$PGDATA")
    while IFS="$TAB" read -r area link location real; do
        if [ -z "$real" ]; then
            fail UNSUPPORTED_LAYOUT "$PGDATA/$link leads to $location, which does not exist: the files of that $(area_kind "$area") are missing"
        fi
        if [ ! -d "$real" ]; then
            fail UNSUPPORTED_LAYOUT "$PGDATA/$link leads to $real, which is not a directory"
        fi
        case $real/ in
            "$pgdata_real"/*) fail UNSUPPORTED_LAYOUT "$PGDATA/$link leads to $real, inside PGDATA: it would be copied twice and cannot be restored as a separate directory" ;;
        esac
    done < "$RUN_DIR/linked.tsv"
    awk -F '\t' 'BEGIN { OFS = "\t" }
        FNR == NR { name[$1] = $2; next }
        { oid = $1; sub(/^tablespaces\//, "", oid); print $1, $2, $3, ($1 ~ /^tablespaces\//) ? name[oid] : "" }' \
        "$RUN_DIR/names.tsv" "$RUN_DIR/linked.tsv" > "$RUN_DIR/areas.tsv"
}

area_kind() {
    case $1 in
        wal) printf 'WAL directory' ;;
        *) printf 'tablespace' ;;
    esac
}

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
discover_layout
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
REDO_WAL_FILE=$(control_field "Latest checkpoint's REDO WAL file")
TIMELINE=$(control_field "Latest checkpoint's TimeLineID")
CATALOG=$(control_field 'Catalog version number')
CHECKSUMS=$(control_field 'Data page checksum version')
PG_VERSION=$(cat "$PGDATA/PG_VERSION")
event "control system_id=$SYSTEM_ID checkpoint=$CHECKPOINT redo=$REDO timeline=$TIMELINE"

# --- copy ---
PHASE=copy
TOTAL=$(du -s -B1 --apparent-size "$PGDATA" | cut -f1)
while IFS="$TAB" read -r area link _; do
    TOTAL=$((TOTAL + $(du -s -B1 --apparent-size "$PGDATA/$link/" | cut -f1)))
done < "$RUN_DIR/areas.tsv"
event "phase copy total=$TOTAL"
COPY_START=$(now_ms)
(
    # $$ is the runner: a runner killed outright must not leave this loop behind.
    while sleep 1 && kill -0 $$ 2>/dev/null; do
        printf '%s progress bytes=%s total=%s\n' "$(now_ms)" \
            "$(du -s -B1 --apparent-size "$PARTIAL" 2>/dev/null | cut -f1)" "$TOTAL" >> "$STATE"
    done
) < /dev/null > /dev/null 2>&1 &
PROGRESS=$!
: > "$RUN_DIR/omitted.tsv"
# copy_one AREA SOURCE KIND: one area into the partial directory; what is left out is noted.
copy_one() {
    log "copying $2 to $PARTIAL/$1"
    { mkdir -p "$PARTIAL/$1" && chmod 700 "$PARTIAL/$1"; } || fail COPY_FAILED "cannot create $PARTIAL/$1"
    area_find "$2" "$3" '' '%P\t@\n' | prefixed "$1" 1 >> "$RUN_DIR/omitted.tsv"
    copy_rc=0
    run_child copy_area "$2" "$PARTIAL/$1" "$3" "$RUN_DIR/copy.names" || copy_rc=$?
    check_abort
    [ "$copy_rc" = 0 ] || fail COPY_FAILED "copying $2 failed (status $copy_rc, see the messages above)"
}
copy_one data "$PGDATA" data
while IFS="$TAB" read -r area link _; do
    copy_one "$area" "$PGDATA/$link" area
done < "$RUN_DIR/areas.tsv"
# Configuration outside PGDATA, each file under its absolute path in config/.
while IFS="$TAB" read -r setting type path; do
    [ -n "$path" ] || continue
    log "copying $path ($setting) to $PARTIAL/config$path"
    if [ "$type" = directory ]; then
        mkdir -p "$PARTIAL/config$path"
    else
        mkdir -p "$PARTIAL/config$(dirname -- "$path")" && cp -p -- "$path" "$PARTIAL/config$path"
    fi || fail COPY_FAILED "cannot copy the configuration file $path"
done < "$RUN_DIR/config.tsv"
stop_bg "$PROGRESS"
PROGRESS=
COPY_END=$(now_ms)

# --- verify (still stopped, so the source cannot change under us) ---
PHASE=verify
event "phase verify"
# Each area of the copy against its source, less what the backup leaves out; directory sizes do not count.
{
    listing "$PGDATA" data | prefixed data
    while IFS="$TAB" read -r area link _; do
        listing "$PGDATA/$link" area | prefixed "$area"
    done < "$RUN_DIR/areas.tsv"
} > "$RUN_DIR/source.list"
{
    listing "$PARTIAL/data" all | prefixed data
    while IFS="$TAB" read -r area _; do
        listing "$PARTIAL/$area" all | prefixed "$area"
    done < "$RUN_DIR/areas.tsv"
} > "$RUN_DIR/copy.list"
while IFS="$TAB" read -r _ type path; do
    [ "$type" = file ] || continue
    cmp -s -- "$path" "$PARTIAL/config$path" || fail VERIFY_FAILED "the copy of $path differs from it"
done < "$RUN_DIR/config.tsv"
if ! cmp -s "$RUN_DIR/source.list" "$RUN_DIR/copy.list"; then
    log "the copy differs from the source (first differences, '<' source, '>' copy):"
    diff "$RUN_DIR/source.list" "$RUN_DIR/copy.list" | head -n 20 >> "$LOG"
    fail VERIFY_FAILED "the copy does not match the source (file list or sizes differ)"
fi
FILES=$(awk -F '\t' '$1 == "f"' "$RUN_DIR/copy.list" | wc -l)
BYTES=$(awk -F '\t' '$1 == "f" { s += $2 } END { printf "%.0f", s }' "$RUN_DIR/copy.list")
if [ -d "$PARTIAL/config" ]; then
    FILES=$((FILES + $(find "$PARTIAL/config" -type f | wc -l)))
    BYTES=$((BYTES + $(find "$PARTIAL/config" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s }')))
fi
check_abort
VERIFY_END=$(now_ms)
event "verified files=$FILES bytes=$BYTES"
log "verified: $FILES files, $BYTES bytes, every file present with the size it has in PGDATA$([ -s "$RUN_DIR/areas.tsv" ] && printf ' and the directories it links to')"

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
# record_lists: RUN_DIR/sha256.tsv "key<TAB>hash" and RUN_DIR/files.tsv "type<TAB>size<TAB>mtime<TAB>
# mode<TAB>area<TAB>path<TAB>target<TAB>date" for every area, sorted by key.
record_lists() {
    : > "$RUN_DIR/sha256.unsorted"
    : > "$RUN_DIR/files.unsorted"
    for area in data $(cut -f 1 "$RUN_DIR/areas.tsv") $([ -d "$PARTIAL/config" ] && echo config); do
        checksum_files "$PARTIAL/$area" | prefixed "$area" 1 >> "$RUN_DIR/sha256.unsorted" || return 1
        TZ=UTC find "$PARTIAL/$area" -mindepth 1 \
            -printf "%y\t%s\t%T@\t%m\t$area\t%P\t%l\t%TY-%Tm-%Td %TH:%TM:%TS\n" >> "$RUN_DIR/files.unsorted" || return 1
    done
    LC_ALL=C sort -t "$TAB" -k1,1 "$RUN_DIR/sha256.unsorted" > "$RUN_DIR/sha256.tsv" &&
        awk -F '\t' 'BEGIN { OFS = "\t" } { print $5 "/" $6, $0 }' "$RUN_DIR/files.unsorted" |
        LC_ALL=C sort -t "$TAB" -k1,1 | cut -f 2- > "$RUN_DIR/files.tsv"
}
CHECKSUM_START=$(now_ms)
record_lists || fail RECORD_FAILED "cannot compute the checksums"
# Timed on its own (the "checksums" phase also holds pg_verifybackup): scripts/bench compares it
# with a plain parallel sha256sum over the same files.
log "checksum pass: SHA-256 of $FILES files, $BYTES bytes in $(($(now_ms) - CHECKSUM_START)) ms"

# The WAL of the copy: pg_wal itself, or the copy of the directory it linked to.
WAL_COPY=$PARTIAL/data/pg_wal
[ -d "$PARTIAL/wal" ] && WAL_COPY=$PARTIAL/wal

# PostgreSQL's own backup_manifest, beside data/ (inside it, it would confuse later tools), so that
# the stock pg_verifybackup can check the backup, WAL included: the WAL range runs from the REDO
# location of the shutdown checkpoint to the end of that record, where pg_waldump finds no more WAL.
# Tablespace files are listed as PostgreSQL sees them, below pg_tblspc/<oid>/.
write_pg_manifest() {
    # Named, the REDO segment is where pg_waldump learns the segment size; otherwise it reads it
    # from whichever WAL file readdir lists first, and a segment PostgreSQL preallocated but never
    # wrote holds zeros there, which fails the lookup (intermittently: readdir order varies).
    end_lsn=$("$PG_BIN/pg_waldump" -p "$WAL_COPY" -t "$TIMELINE" -s "$REDO" "$REDO_WAL_FILE" 2>&1 >/dev/null |
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
            {
                if ($1 != "f") next
                if ($5 == "data") { if ($6 ~ /^pg_wal\//) next; path = $6 }
                else if ($5 ~ /^tablespaces\//) path = "pg_tblspc/" substr($5, 13) "/" $6
                else next
                if (n++) printf ",\n"
                printf "{ \"Path\": \"%s\", \"Size\": %s, \"Last-Modified\": \"%s GMT\", \"Checksum-Algorithm\": \"SHA256\", \"Checksum\": \"%s\" }", esc(path), $2, substr($8, 1, 19), sha[$5 "/" $6]
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
        if pg_verifybackup_safely "$PG_BIN" "$PARTIAL/backup_manifest" "$PARTIAL" >> "$LOG" 2>&1; then
            PG_VERIFYBACKUP=passed
        else
            fail VERIFY_FAILED "pg_verifybackup found the copy inconsistent with its checksums (see above)"
        fi
    fi
fi

{
    printf '{\n'
    printf '  "formatVersion": 2,\n'
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
    # One line per tablespace, per WAL directory and per omitted entry: restore.sh reads them back.
    printf '  "tablespaces": [\n'
    awk -F '\t' "$JSON_AWK"'
        $1 ~ /^tablespaces\// {
            if (n++) printf ",\n"
            printf "    {\"oid\": \"%s\", \"name\": %s, \"location\": \"%s\", \"area\": \"%s\"}", substr($1, 13),
                ($4 == "" ? "null" : "\"" esc($4) "\""), esc($3), $1
        }
        END { if (n) printf "\n" }' "$RUN_DIR/areas.tsv"
    printf '  ],\n'
    awk -F '\t' "$JSON_AWK"'
        $1 == "wal" { printf "  \"walDirectory\": {\"location\": \"%s\", \"area\": \"wal\"},\n", esc($3); found = 1 }
        END { if (!found) printf "  \"walDirectory\": null,\n" }' "$RUN_DIR/areas.tsv"
    printf '  "config": [\n'
    awk -F '\t' "$JSON_AWK"'
        $3 != "" {
            if (n++) printf ",\n"
            printf "    {\"setting\": \"%s\", \"type\": \"%s\", \"original\": \"%s\", \"area\": \"config\"}", $1, $2, esc($3)
        }
        END { if (n) printf "\n" }' "$RUN_DIR/config.tsv"
    printf '  ],\n'
    printf '  "omitted": [\n'
    LC_ALL=C sort "$RUN_DIR/omitted.tsv" | awk -F '\t' "$JSON_AWK$REASONS_AWK"'
        {
            key = $1; sub(/^data\//, "", key)
            if (n++) printf ",\n"
            printf "    {\"omitted\": \"%s\", \"reason\": \"%s\"}", esc(key), why[$2]
        }
        END { if (n) printf "\n" }'
    printf '  ],\n'
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
    printf '  "verification": {"method": "file list, total bytes and each file size of the copy against PGDATA and the directories it links to, while PostgreSQL was stopped", "passed": true, "files": %s, "bytes": %s, "checksums": "sha256", "pgVerifybackup": "%s"},\n' "$FILES" "$BYTES" "$PG_VERIFYBACKUP"
    printf '  "files": [\n'
    awk -F '\t' "$JSON_AWK"'
        FNR == NR { sha[$1] = $2; next }
        {
            type = ($1 == "f") ? "file" : ($1 == "d") ? "directory" : ($1 == "l") ? "symlink" : "other"
            line = sprintf("    {\"path\": \"%s\"", esc($6))
            if ($5 != "data") line = line sprintf(", \"area\": \"%s\"", $5)
            line = line sprintf(", \"type\": \"%s\", \"mode\": \"%04d\"", type, $4)
            if ($1 == "f") line = line sprintf(", \"size\": %s, \"mtime\": \"%s\", \"sha256\": \"%s\"", $2, $3, sha[$5 "/" $6])
            if ($1 == "l") line = line sprintf(", \"target\": \"%s\"", esc($7))
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
