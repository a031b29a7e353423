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
# Only a backup to a backup host (copy_to=host) gets it.
if [ -f "$RUN_DIR/desthost.sh" ]; then
    # shellcheck source=desthost.sh
    . "$RUN_DIR/desthost.sh"
fi

# PostgreSQL first, then the staging clone of a snapshot: it is never left behind by a failure.
after_failure() {
    af_rc=0
    [ "$COPY_TO" != pull ] || pull_stop_streams
    restore_service || af_rc=$?
    remove_staging "$RUN_DIR" "$(param id)"
    return "$af_rc"
}

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
        FILENAME == ARGV[1] { name[$1] = $2; next }
        { oid = $1; sub(/^tablespaces\//, "", oid); print $1, $2, $3, ($1 ~ /^tablespaces\//) ? name[oid] : "" }' \
        "$RUN_DIR/names.tsv" "$RUN_DIR/linked.tsv" > "$RUN_DIR/areas.tsv"
    # Every link is an area, named or not: one dropped here would leave a tablespace (or the WAL)
    # out of the backup while its link in data/ still leads to the live directory, and the
    # verification, which compares the same areas, would not see it.
    [ "$(wc -l < "$RUN_DIR/areas.tsv")" = "$(wc -l < "$RUN_DIR/linked.tsv")" ] ||
        fail INTERNAL "the tablespaces and WAL directory found in $PGDATA ($(cut -f 2 "$RUN_DIR/linked.tsv" | tr '\n' ' ')) did not all become areas to copy"
}

# A CHECKPOINT while PostgreSQL still serves writes out what is dirty, so that the shutdown
# checkpoint, which is downtime, has little left to write. It is only an optimisation: when it
# fails (a role without the right to run it, a time-out) the shutdown checkpoint does the work, so
# that is a warning, not a reason to give up. It may take up to the stop time-out.
checkpoint_before_stop() {
    PHASE=checkpoint
    event "phase checkpoint"
    CHECKPOINT_START=$(now_ms)
    log "CHECKPOINT before the stop, so that the shutdown checkpoint has little left to write"
    checkpoint_rc=0
    CHILD_OUT=$RUN_DIR/checkpoint.out
    : > "$CHILD_OUT"
    run_child checkpoint_query || checkpoint_rc=$?
    CHILD_OUT=
    cat "$RUN_DIR/checkpoint.out" >> "$LOG"
    if [ -n "$ABORT" ]; then
        fail ABORTED "aborted ($ABORT) before PostgreSQL was stopped"
    fi
    if [ "$checkpoint_rc" = 0 ]; then
        log "CHECKPOINT done in $(( $(now_ms) - CHECKPOINT_START )) ms"
    else
        log "WARNING: the CHECKPOINT before the stop failed ($(grep -m 1 -i 'error\|fatal\|could not' \
            "$RUN_DIR/checkpoint.out" | tr -d '\r')); the shutdown checkpoint writes what it did not"
    fi
    CHECKPOINT_END=$(now_ms)
}

# As the role that proves the server serves, or the owner's name (initdb's superuser), bounded by
# statement_timeout. CHECKPOINT needs a superuser or, from PostgreSQL 15, pg_checkpoint. The
# fallback is live: the params carry an empty db_user when the pre-flight could not list the
# sessions and --active-sessions proceed let the backup go on (BackupJob.params).
# shellcheck disable=SC2317  # run through run_child
checkpoint_query() {
    [ -n "$DB_USER" ] || DB_USER=$(stat -c %U -- "$PGDATA")
    PGOPTIONS="-c statement_timeout=${STOP_TIMEOUT}s"
    export PGOPTIONS
    pg_query CHECKPOINT
}

# --- the copy ------------------------------------------------------------------------------

# An earlier complete backup of this cluster in the destination, whose unchanged files the new one
# hard-links instead of copying (rsync's --link-dest, done with find and cp -l so that the copy
# itself stays one tar pipe and the host needs nothing more): a generation then costs the disk
# only what changed. Sets REFERENCE to its directory, or to nothing.
find_reference() {
    REFERENCE=
    REFERENCE_ID=
    [ "$LINK" = true ] || return 0
    SYSTEM_ID_FOUND=$(controldata | sed -n 's/^Database system identifier: *//p')
    case $COPY_TO in
        host) REFERENCE_ID=$(host_find_reference "$SYSTEM_ID_FOUND") ||
            fail DEST_HOST_UNREACHABLE "cannot look for earlier backups in $DEST on the backup host $DEST_LOGIN (see the log)" ;;
        *) REFERENCE_ID=$(newest_complete_backup "$DEST" "$SYSTEM_ID_FOUND" "$PGDATA") ;;
    esac
    if [ -n "$REFERENCE_ID" ]; then
        REFERENCE=$DEST/$REFERENCE_ID
        log "unchanged files become hard links to the previous backup $REFERENCE_ID"
    fi
}

# with_area_roots COMMAND [ARG...]: runs COMMAND ARG... followed by PGDATA and each directory it
# links to (areas.tsv), each with a slash at the end so that a link among them is followed.
with_area_roots() {
    set -- "$@" "$PGDATA/"
    while IFS="$TAB" read -r _ war_link _; do
        set -- "$@" "$PGDATA/$war_link/"
    done < "$RUN_DIR/areas.tsv"
    "$@"
}

# POSIX ACLs in what the backup holds, counted before the stop (acl_entries). A copy on this host keeps
# them where its file system can hold them, which is tried here on one of them (cp then fails
# "preserving permissions", see copy_entries); a copy on a backup host or pulled to the client never
# keeps them. Either way it is said while PostgreSQL still runs.
check_acls() {
    [ -n "$(tar_acls)" ] || return 0
    # Most clusters carry no ACL at all. ls -l marks an entry that has one with a "+" after its
    # mode, and lists a tree in well under half of the time tar takes to name them (1.4 s against
    # 3.4 s for 200,000 files): tar looks only where ls shows one. ls lists more than a backup holds,
    # and a name with a line break can look like a mode; either only costs tar's look.
    # shellcheck disable=SC2010  # modes are read, not names
    with_area_roots env LC_ALL=C ls -lRAn -- 2>/dev/null | grep -q '^[-dlcbps][-rwxsStT]\{9\}+' || return 0
    { printf 'data\t%s\tdata\n' "$PGDATA"; awk -F '\t' -v p="$PGDATA" '{ print $1 "\t" p "/" $2 "\tarea" }' "$RUN_DIR/areas.tsv"; } |
        while IFS="$TAB" read -r _ ac_source ac_kind; do
            area_find "$ac_source" "$ac_kind" '%P\0' '' > "$RUN_DIR/acl.names" || continue
            acl_entries "$ac_source" "$RUN_DIR/acl.names" | prefixed "$ac_source" 2
        done > "$RUN_DIR/acls.list"
    ac_count=$(wc -l < "$RUN_DIR/acls.list")
    [ "$ac_count" -gt 0 ] || return 0
    ac_some="$ac_count files and directories to back up carry POSIX ACLs (such as $(head -n 1 "$RUN_DIR/acls.list" | cut -f 2-))"
    case $COPY_TO in
        host) log "WARNING: $ac_some: a copy on the backup host does not keep them, only their permission bits" ;;
        pull) log "WARNING: $ac_some: a copy pulled to the client does not keep them, only their permission bits" ;;
        *)
            ac_file=$(awk -F '\t' '$1 == "-" { print $2; exit }' "$RUN_DIR/acls.list")
            ac_err=
            if [ -n "$ac_file" ] && [ -f "$ac_file" ]; then
                ac_err=$(LC_ALL=C cp --preserve=mode -- "$ac_file" "$PARTIAL/.acl-probe" 2>&1 >/dev/null)
                rm -f -- "$PARTIAL/.acl-probe"
            fi
            case $ac_err in
                *"$CE_NO_ACLS"*) log "WARNING: $ac_some: $DEST cannot hold them ($CE_NO_ACLS), so the copy will have only their permission bits. A destination whose file system keeps POSIX ACLs keeps them" ;;
                *) log "$ac_some: the copy keeps them" ;;
            esac
            ;;
    esac
}

# copy_all TOLERANT HORIZON: every area and the configuration into the partial directory, from the
# live directories (or the staging clone, see source_of). TOLERANT (non-empty) for the pre-copy of
# a running cluster, whose files change and vanish as they are read.
copy_all() {
    # A copy on another host cannot be measured from here: no progress events then.
    PROGRESS=
    [ "$COPY_TO" != local ] || start_progress partial_bytes
    # PostgreSQL serves during a pre-copy (tolerant) and the copy of a clone.
    [ "$COPY_TO" != local ] || [ -z "$1${FROM_STAGING:-}" ] || start_writeback "$PARTIAL"
    : > "$RUN_DIR/omitted.tsv"
    copy_one data "$(source_of data)" data "$1" "$2"
    while IFS="$TAB" read -r ca_area ca_link _; do
        copy_one "$ca_area" "$(source_of "$ca_area" "$ca_link")" area "$1" "$2"
    done < "$RUN_DIR/areas.tsv"
    [ "${COPY_CONFIG:-true}" = false ] || copy_config
    stop_bg "$PROGRESS"
    stop_bg "$WRITEBACK"
    PROGRESS=
    WRITEBACK=
}

# What the copy holds so far, in bytes (start_progress).
# shellcheck disable=SC2317  # called through start_progress
partial_bytes() {
    du -s -B1 --apparent-size "$PARTIAL" 2>/dev/null | cut -f1
}

# Configuration outside PGDATA, each file under its absolute path in config/. It is small and
# copied whole each time; the earlier copy is removed first, never rewritten in place.
copy_config() {
    if [ "$COPY_TO" = host ]; then
        host_copy_config
        return
    fi
    while IFS="$TAB" read -r ca_setting ca_type ca_path; do
        [ -n "$ca_path" ] || continue
        log "copying $ca_path ($ca_setting) to $PARTIAL/config$ca_path"
        if [ "$ca_type" = directory ]; then
            mkdir -p "$PARTIAL/config$ca_path"
        else
            mkdir -p "$PARTIAL/config$(dirname -- "$ca_path")" && rm -f -- "$PARTIAL/config$ca_path" &&
                cp -p -- "$ca_path" "$PARTIAL/config$ca_path"
        fi || fail COPY_FAILED "cannot copy the configuration file $ca_path"
    done < "$RUN_DIR/config.tsv"
}

verify_config() {
    if [ "$COPY_TO" = host ]; then
        host_verify_config
        return
    fi
    while IFS="$TAB" read -r _ vc_type vc_path; do
        [ "$vc_type" = file ] || continue
        cmp -s -- "$vc_path" "$PARTIAL/config$vc_path" || fail VERIFY_FAILED "the copy of $vc_path differs from it"
    done < "$RUN_DIR/config.tsv"
}

# What the copy must hold, as listing prints it: of PGDATA and the directories it links to, or of
# their staging clones.
source_listing() {
    listing "$(source_of data)" data | prefixed data
    while IFS="$TAB" read -r sl_area sl_link _; do
        listing "$(source_of "$sl_area" "$sl_link")" area | prefixed "$sl_area"
    done < "$RUN_DIR/areas.tsv"
}

# --- the snapshot ----------------------------------------------------------------------------
#
# With --snapshot auto or reflink, the critical section becomes: stop, clone PGDATA and each
# directory it links to into a staging directory beside it (same file system, so cp
# --reflink=always shares the blocks instead of copying them), start; the copy to the destination
# then reads the still clone while PostgreSQL serves. RUN_DIR/staging.tsv lists the staging
# directories ("area<TAB>path"), named .pg-offline-backup-staging.<id>.<area>, before any is made:
# whatever ends this run (or the next run, or the recovery, when this one died) removes exactly
# those. A staging clone is never a backup: it is outside the destination and has no manifest.

# Sets METHOD=snapshot when a snapshot is asked for and every area can be cloned (probed now, while
# PostgreSQL runs); with --snapshot reflink anything else ends the run before the stop.
choose_snapshot() {
    SNAPSHOT_USED=
    : > "$RUN_DIR/staging.tsv"
    [ "$SNAPSHOT" != none ] || return 0
    if [ "$WAS_RUNNING" != true ]; then
        log "PostgreSQL is not running: a snapshot would shorten no downtime, copying directly"
        return 0
    fi
    cs_missing=
    { printf 'data\t%s\n' "$PGDATA"; awk -F '\t' '{ print $1 "\t" $2 }' "$RUN_DIR/areas.tsv"; } > "$RUN_DIR/clone.sources"
    while IFS="$TAB" read -r cs_area cs_link; do
        if [ "$cs_area" = data ]; then cs_dir=$PGDATA; else cs_dir=$PGDATA/$cs_link; fi
        cs_probe=$(reflink_probe "$cs_dir")
        if [ "$cs_probe" = yes ]; then
            cs_real=$(realpath -e -- "$cs_dir")
            printf '%s\t%s/.pg-offline-backup-staging.%s.%s\n' "$cs_area" "$(dirname -- "$cs_real")" "$(param id)" \
                "$(printf '%s' "$cs_area" | tr / -)" >> "$RUN_DIR/staging.tsv"
        else
            log "no copy-on-write clone of $cs_dir: ${cs_probe#no"$TAB"}"
            cs_missing="$cs_missing $cs_dir"
        fi
    done < "$RUN_DIR/clone.sources"
    if [ -z "$cs_missing" ]; then
        METHOD=snapshot
        SNAPSHOT_USED=reflink
        log "snapshot: PostgreSQL stays down only to be cloned (copy-on-write) beside itself; the copy reads the clone once it serves again"
        return 0
    fi
    : > "$RUN_DIR/staging.tsv"
    if [ "$SNAPSHOT" = reflink ]; then
        fail SNAPSHOT_UNSUPPORTED "--snapshot reflink: no copy-on-write clone can be made of${cs_missing} (see the log); nothing was done. Use --snapshot auto to copy while PostgreSQL is stopped instead"
    fi
    log "--snapshot auto: no copy-on-write clone here, copying while PostgreSQL is stopped"
}

# Stopped: clone every area into its staging directory (cp -a --reflink=always, or clone_area's two
# cp at once, see choose_clone), copy the configuration outside PGDATA (it is small and not
# cloned), and list what PostgreSQL left, for check_clone.
take_snapshot() {
    PHASE=copy
    CLONE_START=$(now_ms)
    event "phase clone"
    while IFS="$TAB" read -r ts_area ts_staging; do
        if [ "$ts_area" = data ]; then
            ts_source=$PGDATA
        else
            ts_source=$PGDATA/$(awk -F '\t' -v area="$ts_area" '$1 == area { print $2; exit }' "$RUN_DIR/areas.tsv")
        fi
        mkdir -- "$ts_staging" || fail COPY_FAILED "cannot create the staging clone $ts_staging"
        ts_rc=0
        if [ -n "$CLONE_SPLIT" ]; then
            log "cloning $ts_source to $ts_staging (copy-on-write, two cp at once for the cluster's $CLONE_ENTRIES entries)"
            # What the backup holds of the area, as the copy takes it (PGDATA's rules for data).
            if [ "$ts_area" = data ]; then ts_kind=data; else ts_kind=area; fi
            run_child clone_area "$ts_source" "$ts_staging" "$ts_kind" "$RUN_DIR/clone.names" || ts_rc=$?
        else
            log "cloning $ts_source to $ts_staging (copy-on-write)"
            run_child cp -a --reflink=always -- "$ts_source/." "$ts_staging/" || ts_rc=$?
        fi
        check_abort
        [ "$ts_rc" = 0 ] || fail COPY_FAILED "cloning $ts_source to $ts_staging failed (status $ts_rc, see above)"
    done < "$RUN_DIR/staging.tsv"
    copy_config
    verify_config
    # What PostgreSQL left, listed while it is still stopped (FROM_STAGING is not set yet, so these
    # are the live directories); check_clone lists the clone once PostgreSQL serves again, since the
    # clone stays still.
    source_listing > "$RUN_DIR/stopped.list" || fail VERIFY_FAILED "cannot list what PostgreSQL left in $PGDATA"
    CLONE_END=$(now_ms)
    log "cloned in $((CLONE_END - CLONE_START)) ms"
}

# choose_clone: how take_snapshot clones, decided while PostgreSQL runs. A clone costs per file (a
# transaction each, and a file is created under its directory's lock), not per byte. From
# CLONE_SPLIT_ENTRIES entries (PGDATA and the directories it links to) on, clone_area's two cp at
# once beat one cp -a; below, the lists they need cost more than they save. Measured on an XFS in a
# loop device: 1,000 entries (a new cluster) 70 ms against 45 ms, 5,000 0.2 s against 0.3 s,
# 20,000 0.7-0.9 s against 1.1 s, 200,000 8 s against 10-12 s.
CLONE_SPLIT_ENTRIES=5000
CLONE_SPLIT=
CLONE_ENTRIES=
choose_clone() {
    CLONE_ENTRIES=$(with_area_roots du -s -c --inodes -- 2>/dev/null | awk -F '\t' 'END { print $1 + 0 }')
    [ "$CLONE_ENTRIES" -lt "$CLONE_SPLIT_ENTRIES" ] || CLONE_SPLIT=1
}

# The clone against what PostgreSQL left (take_snapshot's stopped.list), file list and sizes.
check_clone() {
    FROM_STAGING=1
    source_listing > "$RUN_DIR/clone.list" || fail VERIFY_FAILED "cannot list the staging clone"
    same_listings "$RUN_DIR/stopped.list" "$RUN_DIR/clone.list" "the clone differs from what PostgreSQL left" \
        PGDATA clone ||
        fail VERIFY_FAILED "the clone does not hold what PostgreSQL left (file list or sizes differ, see the log)"
}

# same_listings EXPECTED ACTUAL SAYING WHAT_EXPECTED WHAT_ACTUAL: whether two listings (listing) are
# the same; if not, the log says SAYING and their first differences.
same_listings() {
    cmp -s "$1" "$2" && return 0
    log "$3 (first differences, '<' $4, '>' $5):"
    diff "$1" "$2" | head -n 20 >> "$LOG"
    return 1
}

# remove_staging RUN_DIR ID: removes the staging clones that run listed, and nothing else: only
# directories named for that run's id.
remove_staging() {
    [ -f "$1/staging.tsv" ] || return 0
    while IFS="$TAB" read -r _ rs_path; do
        case ${rs_path##*/} in
            ".pg-offline-backup-staging.$2".*) ;;
            *) continue ;;
        esac
        if [ ! -d "$rs_path" ] || [ -L "$rs_path" ]; then continue; fi
        log "removing the staging clone $rs_path"
        rm -rf -- "$rs_path" || log "WARNING: cannot remove the staging clone $rs_path; remove it by hand"
    done < "$1/staging.tsv"
}

# start_copy_sums: in the background, two workers (sum_chunks) that take the SHA-256 of the files of
# the copy as cp writes them (copy_entries, with CE_SUMS_DIR), local copies only. The copy is what
# was stopped (or cloned) and stays still, so what they find is what the backup holds. They read
# what cp has just written, from the page cache, and run at the lowest priority: while PostgreSQL is
# stopped they take the processors only when the copy waits for the disk, which it mostly does, and
# after the start they go on with what is left. The record then hashes only what they have not (see
# record_lists). COPY_SUMS is their pid; end_copy_sums tells them that no more chunks will come.
COPY_SUMS=
SUMS_DIR=
CLONE_PC=
start_copy_sums() {
    SUMS_DIR=$RUN_DIR/copy-sums
    rm -rf -- "$SUMS_DIR"
    if ! mkdir "$SUMS_DIR" || ! : > "$SUMS_DIR/ready"; then
        SUMS_DIR=
        return 0
    fi
    (
        # renice needs this subshell's own pid, which $$ is not.
        renice -n 19 -p "$(exec sh -c 'echo "$PPID"')" > /dev/null 2>&1
        sum_chunks "$SUMS_DIR" 1 &
        sum_chunks "$SUMS_DIR" 2
        wait
    ) 2>> "$LOG" < /dev/null > /dev/null &
    COPY_SUMS=$!
    CE_SUMS_DIR=$SUMS_DIR
}

end_copy_sums() {
    CE_SUMS_DIR=
    [ -z "$SUMS_DIR" ] || { : > "$SUMS_DIR/end" && echo >> "$SUMS_DIR/ready"; }
}

# copy_sums: waits for start_copy_sums' workers, then prints the "<area>/<path><TAB>hash" lines they
# wrote (none without them).
copy_sums() {
    [ -n "$SUMS_DIR" ] || return 0
    wait_bg "$COPY_SUMS"
    COPY_SUMS=
    find "$SUMS_DIR" -name '*.sums' -type f -exec cat -- {} +
}

# start_clone_page_check: where the cluster has data checksums, pg_checksums --check of the staging
# clones in the background (RUN_DIR/pg_checksums.out and .rc), beside the copy: the clone is what was
# stopped and stays still until it is removed, PostgreSQL serves again meanwhile, and beside the copy
# the two share one read of the clone. For every destination: a copy on a backup host or pulled to the client
# lies where our PostgreSQL binaries are not, and the clone it was made from is what can be checked.
# A copy on this host too: checking that copy after it is written, as a full copy's is (two
# pg_checksums from the page cache), was measured slower on the benchmark's 2 GiB cluster (wall
# 5.6 s against 5.1 s, medians of six), because the check then comes after the copy instead of
# running in the copy's waits for the disk.
# One pg_checksums, though it goes on alone after the copy (0.5-1 s at the benchmark's 2 GiB, 2-3 s at
# 8 GiB): pg_checksums_split's two need directories of hard links on the clone's file system, and
# each link changes a clone file's link count and ctime while the copy reads it. Tried: the tar of
# --pull-to failed ("file changed as we read it"), and copy_entries sends a file with more than
# one link through tar instead of cp.
# CLONE_PC is its pid; wait_clone_page_check waits for it.
start_clone_page_check() {
    [ "${CHECKSUMS:-0}" != 0 ] && [ -x "$PG_BIN/pg_checksums" ] || return 0
    clone_layout "$RUN_DIR/clone.layout" || fail RECORD_FAILED "cannot prepare the check of the clone's data page checksums"
    (
        csum_rc=0
        pg_checksums_safely "$PG_BIN" "$RUN_DIR/clone.layout" > "$RUN_DIR/pg_checksums.out" 2>&1 || csum_rc=$?
        echo "$csum_rc" > "$RUN_DIR/pg_checksums.rc"
    ) < /dev/null &
    CLONE_PC=$!
}

# clone_layout DIR: DIR/data, DIR/tablespaces/<oid> and DIR/wal as links to the staging clones, the
# layout of a backup, so that pg_checksums_safely reads the clone the way it reads a copy: its
# pg_tblspc and pg_wal links lead to the live directories, which must never be read for it.
clone_layout() {
    mkdir -p "$1/tablespaces" || return 1
    while IFS="$TAB" read -r cl_area cl_staging; do
        ln -s -- "$cl_staging" "$1/$cl_area" || return 1
    done < "$RUN_DIR/staging.tsv"
}

# wait_clone_page_check: waits for start_clone_page_check's job, before the clone is removed.
wait_clone_page_check() {
    [ -n "$CLONE_PC" ] || return 0
    wcs_start=$(now_ms)
    wait_bg "$CLONE_PC"
    CLONE_PC=
    log "data page checksums of the clone computed alongside the copy ($(($(now_ms) - wcs_start)) ms more after it)"
}

# Where an area is copied from: the live directory, or its staging clone once there is one.
source_of() {
    if [ -n "${FROM_STAGING:-}" ]; then
        awk -F '\t' -v area="$1" '$1 == area { print substr($0, length($1) + 2); exit }' "$RUN_DIR/staging.tsv"
    elif [ "$1" = data ]; then
        printf '%s\n' "$PGDATA"
    else
        printf '%s\n' "$PGDATA/$2"
    fi
}

# copy_one AREA SOURCE KIND TOLERANT HORIZON: one area into the partial directory; what is left out is noted.
copy_one() {
    if [ "$COPY_TO" = host ]; then
        host_copy_one "$@"
        return
    fi
    log "copying $2 to $PARTIAL/$1"
    if ! { mkdir -p "$PARTIAL/$1" && chmod 700 "$PARTIAL/$1"; }; then
        destination_full "$PARTIAL" &&
            fail COPY_FAILED "cannot create $PARTIAL/$1: the destination $DEST is full (no space left on device). Free space there or choose another destination"
        fail COPY_FAILED "cannot create $PARTIAL/$1"
    fi
    area_find "$2" "$3" '' '%P\t@\n' | prefixed "$1" 1 >> "$RUN_DIR/omitted.tsv"
    co_ref=
    [ -z "$REFERENCE" ] || [ ! -d "$REFERENCE/$1" ] || co_ref=$REFERENCE/$1
    copy_rc=0
    # The files it copies are hashed as they are written (start_copy_sums), under the area's name.
    CE_SUMS_KEY=$1
    if [ -z "$co_ref" ] && [ -z "$4$5" ]; then
        # Nothing to reuse and nothing copied before: a plain copy, with no planning ahead of it.
        run_child copy_area "$2" "$PARTIAL/$1" "$3" "$RUN_DIR/copy.names" || copy_rc=$?
    else
        run_child sync_area "$2" "$PARTIAL/$1" "$3" "$co_ref" "$5" "$4" || copy_rc=$?
    fi
    CE_SUMS_KEY=
    check_abort
    if [ "$copy_rc" != 0 ] && destination_full "$PARTIAL"; then
        # The state and the log live on that file system too: our own incomplete copy goes, so that
        # the failure can still be recorded.
        rm -rf "${PARTIAL:?}/$1"
        fail COPY_FAILED "copying $2 failed: the destination $DEST is full (no space left on device); its incomplete copy was removed. Free space there or choose another destination"
    fi
    [ "$copy_rc" = 0 ] || fail COPY_FAILED "copying $2 failed (status $copy_rc, see the messages above)"
}

# sync_area SOURCE DEST KIND REF HORIZON TOLERANT: makes DEST hold what a backup holds of SOURCE
# (see sync_plan): removes what is gone or changed from DEST, hard-links unchanged files from REF,
# copies the rest (see copy_entries). A file that is to be replaced is always removed first: DEST's
# files may be hard links into an earlier backup, which must never be written in place. Names pass
# NUL-separated, never through a shell or a pattern.
# shellcheck disable=SC2317  # run through run_child
sync_area() {
    sa_work=$RUN_DIR/sync
    area_state "$1" "$3" > "$sa_work.source" || return 1
    : > "$sa_work.have"
    : > "$sa_work.ref"
    area_state "$2" all > "$sa_work.have" || return 1
    if [ -n "$4" ]; then area_state "$4" all > "$sa_work.ref" || return 1; fi
    sync_plan "$sa_work.source" "$sa_work.have" "$sa_work.ref" "$5" > "$sa_work.plan" || return 1
    # After a pre-copy (HORIZON): what this pass removes, links or copies again, whose pre-copied
    # SHA-256 no longer stand (record_lists).
    if [ -n "$5" ]; then
        awk -F '\t' -v area="$CE_SUMS_KEY/" '{ first = $1 == "C" ? 4 : 2; p = $first
            for (i = first + 1; i <= NF; i++) p = p "\t" $i; print area p }' "$sa_work.plan" >> "$RUN_DIR/resynced.keys" ||
            return 1
    fi
    for sa_kind in D L C; do
        { [ "$sa_kind" != C ] || printf 'd\t0\t.\0'; sed -n "s/^$sa_kind$TAB//p" "$sa_work.plan" | tr '\n' '\0'; } \
            > "$sa_work.$sa_kind" || return 1
    done
    # What goes may be, or sit in, a directory that the earlier copy made read-only, as its source
    # was (tar gives each directory its mode): a runner that is not root could take nothing out of
    # it. Every directory kept is copied again below (sync_plan), which gives it back its mode.
    (
        cd "$2" || exit 1
        sed -z -e 's|/[^/]*$||' -e t -e 's|.*|.|' "$sa_work.D" | xargs -0 -r chmod u+rwx -- 2>/dev/null
        xargs -0 -r chmod -R u+rwx -- < "$sa_work.D" 2>/dev/null
        xargs -0 -r rm -rf -- < "$sa_work.D"
    ) || return 1
    make_dirs "$2" "$sa_work.C" || return 1
    if [ -s "$sa_work.L" ]; then
        if ! (cd "$4" && xargs -0 -r cp -l --parents -t "$2" -- < "$sa_work.L"); then
            printf '%s WARNING: cannot hard-link files of %s into %s (another file system, or too many links); copying them instead\n' \
                "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$4" "$2"
            (cd "$2" && xargs -0 -r rm -f -- < "$sa_work.L") || return 1
            # Copied by cp, each on its own: two of them hard-linked to each other in the source
            # come out as two files here (PostgreSQL makes no hard links; only a stranger could).
            # Their sizes are not at hand; taken as 0, they only balance the two cp less well.
            sed -z "s/^/f1${TAB}0$TAB/" "$sa_work.L" >> "$sa_work.C" || return 1
        fi
    fi
    # With TOLERANT, a running cluster: see copy_entries.
    copy_entries "$1" "$2" "$sa_work.C" "" "$6"
}

# The pre-copy: everything into the partial directory while PostgreSQL still runs. It is not
# consistent and never used as it is; after the stop, copy_all with HORIZON copies again only what
# may have changed since, and removes what is gone (stale WAL, dropped relations).
#
# The horizon rule: a file whose mtime is not older than the moment the pre-copy started, less a
# margin, is copied again even when its size and mtime equal those of its pre-copied version. A
# write that the pre-copy may have missed happened after the pre-copy started, so it left an mtime at or
# after that moment; comparing mtimes for equality alone (rsync's quick check, to the second by
# default) misses a same-size rewrite within the timestamp granularity. The margin of 2 s covers
# file systems that keep mtimes to the second or two, the coarse kernel clock that stamps them (a
# tick behind), and a write whose mtime was set just before the start but whose data landed after.
PRECOPY_MARGIN=2
precopy() {
    PHASE=copy
    PRECOPY_START=$(now_ms)
    HORIZON=$(date +%s.%N | awk -v margin="$PRECOPY_MARGIN" '{ printf "%.9f", $1 - margin }')
    event "phase precopy total=$TOTAL"
    log "pre-copy while PostgreSQL runs; after the stop only files changed since $(date -u -d "@${HORIZON%.*}" +%H:%M:%S) UTC (the pre-copy's start less ${PRECOPY_MARGIN}s) are copied again"
    # Its files are hashed as they are written, as a copy after the stop is: those the pass after the
    # stop leaves alone keep these SHA-256 (record_lists), and only what it copies again is hashed
    # after the start. The workers are waited for here, while PostgreSQL still serves, so that they
    # take no processor from the downtime.
    : > "$RUN_DIR/resynced.keys"
    [ "$COPY_TO" != local ] || start_copy_sums
    copy_all tolerant ""
    end_copy_sums
    PRECOPY_END=$(now_ms)
    copy_sums > "$RUN_DIR/precopy.sums" || rm -f -- "$RUN_DIR/precopy.sums"
    log "pre-copy done in $((PRECOPY_END - PRECOPY_START)) ms; its SHA-256 $(($(now_ms) - PRECOPY_END)) ms after it"
}

# --- --pull-to: the copy leaves through the client's own SSH connection -----------------------
#
# With copy_to=pull nothing of the cluster is written on this host: in the copy phase the runner
# lists the areas (RUN_DIR/pull.areas), and the Java side pulls each as a tar stream (pull.sh AREA)
# and writes it on its own machine as it arrives. While it pulls, it keeps a "holder" (pull.sh
# hold) alive on its connection; the runner waits for RUN_DIR/pull.done (the client's listing and
# SHA-256 sums are then in RUN_DIR/pulled.list and pulled.sha256) or pull.failed, each followed by a
# line the client adds to RUN_DIR/pull.signal, which wakes the wait at once: a full copy's
# PostgreSQL is down meanwhile, and a poll every half second would add a quarter second to that on
# average. It gives up --
# which starts PostgreSQL again -- when the pull never starts, when no holder has lived for
# PULL_GRACE seconds (the client died or lost its connection), or at the maximum downtime.

# The areas to pull: "area<TAB>kind<TAB>source" (the configuration outside PGDATA was copied into
# $PARTIAL/config on this host; it is small and pulled from there).
pull_offer() {
    {
        printf 'data\tdata\t%s\n' "$(source_of data)"
        while IFS="$TAB" read -r po_area po_link _; do
            printf '%s\tarea\t%s\n' "$po_area" "$(source_of "$po_area" "$po_link")"
        done < "$RUN_DIR/areas.tsv"
        [ ! -d "$PARTIAL/config" ] || printf 'config\tall\t%s\n' "$PARTIAL/config"
    } > "$RUN_DIR/pull.areas.tmp" || fail COPY_FAILED "cannot write $RUN_DIR/pull.areas"
    # Before the offer: the client signals the end of its pull here, once it has the areas.
    : > "$RUN_DIR/pull.signal" || fail COPY_FAILED "cannot write $RUN_DIR/pull.signal"
    mv -f "$RUN_DIR/pull.areas.tmp" "$RUN_DIR/pull.areas" || fail COPY_FAILED "cannot write $RUN_DIR/pull.areas"
    : > "$RUN_DIR/omitted.tsv"
    while IFS="$TAB" read -r po_area po_kind po_source; do
        [ "$po_area" = config ] || area_find "$po_source" "$po_kind" '' '%P\t@\n' | prefixed "$po_area" 1 >> "$RUN_DIR/omitted.tsv"
    done < "$RUN_DIR/pull.areas"
}

# Waits for the client's pull to end; fails (and so starts PostgreSQL again) when it cannot end well.
pull_wait() {
    pw_start_limit=$(param pull_start_timeout)
    pw_grace=$(param pull_grace)
    [ -n "$pw_start_limit" ] || pw_start_limit=120
    [ -n "$pw_grace" ] || pw_grace=30
    pw_started=$(now_ms)
    pw_alive=$pw_started
    log "waiting for the client to pull the copy (it must start within ${pw_start_limit}s; it is given up when its connection is gone for ${pw_grace}s)"
    event "pull ready"
    while :; do
        if [ -f "$RUN_DIR/pull.done" ]; then
            log "the client reports the pull complete"
            return 0
        fi
        if [ -f "$RUN_DIR/pull.failed" ]; then
            fail COPY_FAILED "the pull failed on the receiving side: $(head -c 2000 "$RUN_DIR/pull.failed" | tr '\n' ' ')"
        fi
        check_abort
        pw_now=$(now_ms)
        pw_holder=$(cat "$RUN_DIR/pull.holder" 2>/dev/null)
        if [ -n "$pw_holder" ] && [ -n "$(proc_start "$pw_holder")" ]; then
            pw_alive=$pw_now
        elif [ -z "$pw_holder" ]; then
            if [ $((pw_now - pw_started)) -ge $((pw_start_limit * 1000)) ]; then
                fail COPY_FAILED "the client never started to pull the copy (nothing within ${pw_start_limit}s): it died or lost its connection"
            fi
        elif [ $((pw_now - pw_alive)) -ge $((pw_grace * 1000)) ]; then
            fail COPY_FAILED "the client that pulled the copy is gone (no connection for ${pw_grace}s): it died or lost its connection"
        fi
        # Half a second at most, for the holder and the limits above.
        await_file "$RUN_DIR/pull.signal" 0.5 "$RUN_DIR/pull.done" "$RUN_DIR/pull.failed" || :
    done
}

# Stops the tar streams of a pull that is being given up: they read the cluster PostgreSQL is about
# to start again, and what they sent is never sealed as a backup anyway.
pull_stop_streams() {
    [ -f "$RUN_DIR/pull.pids" ] || return 0
    cat "$RUN_DIR/pull.pids" "$RUN_DIR/pull.holder" 2>/dev/null | while IFS= read -r ps_pid; do
        case $ps_pid in ''|*[!0-9]*) continue ;; esac
        [ -z "$(proc_start "$ps_pid")" ] || kill -TERM "$ps_pid" 2>/dev/null
    done
}

# The client's listing of its copy (RUN_DIR/pulled.list, in listing's format), printed as the
# local copy's listing would be (copy.list: data, then each area, each sorted), for the check
# against source.list while the source is still (stopped, or the clone). Its config/ area is
# checked here against the configuration staged on this host. Also, from the still source, the
# file list the manifest records (types, sizes, mtimes to the nanosecond, modes: what the client's
# copy keeps), and the client's SHA-256 sums in record_lists' format.
pull_copy_listing() {
    [ -f "$RUN_DIR/pulled.list" ] || fail VERIFY_FAILED "the client sent no listing of its copy"
    LC_ALL=C sort "$RUN_DIR/pulled.list" > "$RUN_DIR/pulled.sorted"
    if [ -d "$PARTIAL/config" ]; then
        listing "$PARTIAL/config" all | prefixed config > "$RUN_DIR/config.source"
        awk -F '\t' 'substr($3, 1, 7) == "config/"' "$RUN_DIR/pulled.sorted" > "$RUN_DIR/config.pulled"
        cmp -s "$RUN_DIR/config.source" "$RUN_DIR/config.pulled" ||
            fail VERIFY_FAILED "the pulled copy of the configuration files outside PGDATA differs from them"
    fi
    : > "$RUN_DIR/files.unsorted"
    while IFS="$TAB" read -r pcl_area pcl_kind pcl_source; do
        TZ=UTC area_find "$pcl_source" "$pcl_kind" "$(record_format "$pcl_area")" '' >> "$RUN_DIR/files.unsorted"
    done < "$RUN_DIR/pull.areas"
    sort_files_list "$RUN_DIR"
    [ -f "$RUN_DIR/pulled.sha256" ] || fail VERIFY_FAILED "the client sent no SHA-256 sums of its copy"
    LC_ALL=C sort -t "$TAB" -k1,1 "$RUN_DIR/pulled.sha256" > "$RUN_DIR/sha256.tsv"
    pcl_files=$(awk -F '\t' '$1 == "f"' "$RUN_DIR/pulled.sorted" | wc -l)
    [ "$(wc -l < "$RUN_DIR/sha256.tsv")" = "$pcl_files" ] ||
        fail VERIFY_FAILED "the client sent SHA-256 sums of $(wc -l < "$RUN_DIR/sha256.tsv") files, but its copy holds $pcl_files"
    for pcl_area in data $(cut -f 1 "$RUN_DIR/areas.tsv"); do
        awk -F '\t' -v p="$pcl_area/" 'substr($3, 1, length(p)) == p' "$RUN_DIR/pulled.sorted"
    done
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
# Where the copy goes: "local" (a directory on this host, the default), or off this host.
COPY_TO=$(param copy_to)
[ -n "$COPY_TO" ] || COPY_TO=local
# The log is kept with the backup; a copy that is not on this host gets it when it is sealed.
case $COPY_TO in
    local) LOG=$PARTIAL/backup.log ;;
    *) LOG=$RUN_DIR/backup.log ;;
esac
LOCK=$DEST/.pg-offline-backup.lock
PHASE=prepare
PRECOPY=$(param precopy)
SNAPSHOT=$(param snapshot)
[ -n "$SNAPSHOT" ] || SNAPSHOT=none
LINK=$(param link)
KEEP=$(param keep)
# Where manifest.json and backup_manifest are written: into the copy when it is here, else into
# the run directory, from where the mode publishes them beside its copy.
case $COPY_TO in
    local) RECORD_OUT=$PARTIAL ;;
    *) RECORD_OUT=$RUN_DIR/out ;;
esac

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
    release_lock_of_dead_run "$(param id)"
    remove_scratch "$RUN_DIR"
    if restore_service; then
        remove_staging "$RUN_DIR" "$(param id)"
        if [ -n "$(live_postmaster)" ]; then DB_STATE=running; else DB_STATE=stopped; fi
        event "end recovered db=$DB_STATE"
        exit 0
    fi
    event "end failed db=$DB_STATE"
    exit 3
fi

# One run per destination at a time. A backup host's directory is not locked from here: the
# cluster lock keeps two runs of one cluster apart, and each run writes only its own partial.
[ "$COPY_TO" = local ] || LOCK=$RUN_DIR/lock
take_lock "$DEST"
take_cluster_lock backup "$(param id)"

log "runner started on $(hostname) as $(id -un) (pid $$)"
make_scratch "$RUN_DIR"

# A staging clone and scratch files left by a run that died (we hold the destination's lock, so its
# runner is gone).
for other_run in "$DEST"/.*.run; do
    [ "$COPY_TO" = local ] || break
    other_id=${other_run##*/.}
    other_id=${other_id%.run}
    [ "$other_id" != "$(param id)" ] || continue
    remove_staging "$other_run" "$other_id"
    remove_scratch "$other_run"
done

check_unchanged
discover_layout
[ "$COPY_TO" != host ] || host_start
find_reference
METHOD=copy
HORIZON=
choose_snapshot
if [ "$PRECOPY" = true ]; then
    if [ "$METHOD" = snapshot ]; then
        log "a copy-on-write clone makes the downtime independent of the size: no pre-copy needed"
    elif [ "$WAS_RUNNING" = true ]; then
        METHOD=precopy
    else
        log "PostgreSQL is not running: a pre-copy would gain nothing, copying once"
    fi
fi
# The size, for the progress of the copy, taken before the stop: it costs no downtime.
TOTAL=$(du -s -B1 --apparent-size "$PGDATA" | cut -f1)
while IFS="$TAB" read -r area link _; do
    TOTAL=$((TOTAL + $(du -s -B1 --apparent-size "$PGDATA/$link/" | cut -f1)))
done < "$RUN_DIR/areas.tsv"
check_acls
[ "$METHOD" != snapshot ] || choose_clone
if [ "$WAS_RUNNING" = true ]; then
    [ "$METHOD" != precopy ] || precopy
    checkpoint_before_stop
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
WAL_SEGMENT_SIZE=$(control_field 'Bytes per WAL segment')
CATALOG=$(control_field 'Catalog version number')
CHECKSUMS=$(control_field 'Data page checksum version')
PG_VERSION=$(cat "$PGDATA/PG_VERSION")
event "control system_id=$SYSTEM_ID checkpoint=$CHECKPOINT redo=$REDO timeline=$TIMELINE"

# --- copy ---
PHASE=copy
SERVING_AT=
if [ "$METHOD" = snapshot ]; then
    # Down only for the clone: PostgreSQL serves again before the copy, which reads the still clone.
    take_snapshot
    stop_bg "$WATCHDOG"
    WATCHDOG=
    if ! restore_service; then
        fail START_FAILED "PostgreSQL did not start again after the clone"
    fi
    SERVING_AT=$(now_ms)
    COPY_CONFIG=false
    PHASE=copy
    event "phase copy total=$TOTAL from-clone"
    check_clone
elif [ "$METHOD" = precopy ]; then
    event "phase copy total=$TOTAL changed-since-precopy"
else
    event "phase copy total=$TOTAL"
fi
COPY_START=$(now_ms)
[ "$COPY_TO" != local ] || start_copy_sums
[ "$METHOD" != snapshot ] || start_clone_page_check
case $COPY_TO in
    pull)
        [ "${COPY_CONFIG:-true}" = false ] || copy_config
        pull_offer
        pull_wait
        ;;
    *) copy_all "" "$HORIZON" ;;
esac
end_copy_sums
COPY_END=$(now_ms)

# --- verify (against what was stopped: PGDATA while still stopped, or the still clone) ---
PHASE=verify
event "phase verify"
# Each area of the copy against its source, less what the backup leaves out; directory sizes do not count.
# The source is listed now, after the copy, not beside it: a file of the stopped PGDATA that
# something else removed, grew or shrank during the copy is caught only so (CopyFaultsTest's
# source-vanishes-mid-copy passed a backup of a file gone from PGDATA when it was listed beside).
source_listing > "$RUN_DIR/source.list"
case $COPY_TO in
    host) host_copy_listing > "$RUN_DIR/copy.list" ;;
    pull) pull_copy_listing > "$RUN_DIR/copy.list" ;;
    *)
        {
            listing "$PARTIAL/data" all | prefixed data
            while IFS="$TAB" read -r area _; do
                listing "$PARTIAL/$area" all | prefixed "$area"
            done < "$RUN_DIR/areas.tsv"
        } > "$RUN_DIR/copy.list"
        ;;
esac
[ "$METHOD" = snapshot ] || verify_config
same_listings "$RUN_DIR/source.list" "$RUN_DIR/copy.list" "the copy differs from the source" source copy ||
    fail VERIFY_FAILED "the copy does not match the source (file list or sizes differ)"
FILES=$(awk -F '\t' '$1 == "f"' "$RUN_DIR/copy.list" | wc -l)
BYTES=$(awk -F '\t' '$1 == "f" { s += $2 } END { printf "%.0f", s }' "$RUN_DIR/copy.list")
if [ "$COPY_TO" = host ]; then
    FILES=$((FILES + $(wc -l < "$RUN_DIR/config.copy")))
    BYTES=$((BYTES + $(awk -F '\t' '{ s += $1 } END { printf "%.0f", s }' "$RUN_DIR/config.copy")))
elif [ -d "$PARTIAL/config" ]; then
    FILES=$((FILES + $(find "$PARTIAL/config" -type f | wc -l)))
    BYTES=$((BYTES + $(find "$PARTIAL/config" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s }')))
fi
check_abort
VERIFY_END=$(now_ms)
event "verified files=$FILES bytes=$BYTES"
log "verified: $FILES files, $BYTES bytes, every file present with the size it has in $([ "$METHOD" = snapshot ] && printf 'the clone of ')PGDATA$([ -s "$RUN_DIR/areas.tsv" ] && printf ' and the directories it links to')"
# A copy that is not on this host cannot be read by pg_waldump here: the end of the shutdown
# checkpoint is found now, in the WAL of what was copied, while it is still (PostgreSQL stopped,
# or the clone not yet removed). write_pg_manifest uses END_LSN.
END_LSN=
if [ "$COPY_TO" != local ]; then
    mkdir -p "$RECORD_OUT" || fail RECORD_FAILED "cannot create $RECORD_OUT"
    # The links themselves are copied as they are; the files they lead to are outside the copy.
    LINKS_ROOT=$PGDATA
    if [ -s "$RUN_DIR/areas.tsv" ] && grep -q "^wal$TAB" "$RUN_DIR/areas.tsv"; then
        SOURCE_WAL=$(source_of wal pg_wal)
    else
        SOURCE_WAL=$(source_of data)/pg_wal
    fi
    if [ "$(cat "$PGDATA/PG_VERSION")" -ge 13 ] && [ -x "$PG_BIN/pg_waldump" ]; then
        END_LSN=$(shutdown_checkpoint_end "$SOURCE_WAL")
        [ -n "$END_LSN" ] || fail RECORD_FAILED "cannot find the end of the shutdown checkpoint in $SOURCE_WAL with pg_waldump"
    fi
fi
if [ "$METHOD" = snapshot ]; then
    wait_clone_page_check
    remove_staging "$RUN_DIR" "$(param id)"
fi

# --- start ---
if [ "$WAS_RUNNING" = true ] && [ "$METHOD" != snapshot ]; then
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
# The copy goes to disk while the checksums below keep the processors busy, instead of all of it
# waiting for the sync before the rename at the end (which stays: it is what makes it durable).
sync -f "$PARTIAL/data" 2>/dev/null &
STOP_AT=$(sed -n 's/^\([0-9]*\) phase stop$/\1/p' "$STATE" | head -n 1)
START_AT=$(sed -n 's/^\([0-9]*\) phase start$/\1/p' "$STATE" | tail -n 1)
if [ -n "$SERVING_AT" ]; then DOWNTIME=$((SERVING_AT - STOP_AT)); else DOWNTIME=0; fi

# SHA-256 of every file of the still copy (PostgreSQL serves again meanwhile: this is no downtime).
log "computing SHA-256 checksums of the copy"
# record_lists: RUN_DIR/sha256.tsv "key<TAB>hash" and RUN_DIR/files.tsv "type<TAB>size<TAB>mtime<TAB>
# mode<TAB>area<TAB>path<TAB>target<TAB>date" for every area, sorted by key.
record_lists() {
    : > "$RUN_DIR/files.unsorted"
    : > "$RUN_DIR/sha256.rest"
    # What the copy's own hashing found as it was written (start_copy_sums); the rest is hashed now:
    # what it did not get to, links into the previous backup, and the configuration files.
    copy_sums > "$RUN_DIR/sha256.unsorted" || return 1
    # The pre-copy's, for the files the pass after the stop did not touch (resynced.keys).
    if [ -f "$RUN_DIR/precopy.sums" ]; then
        awk -F '\t' 'FILENAME == ARGV[1] { again[$0]; next }
            !(substr($0, 1, length($0) - length($NF) - 1) in again)' "$RUN_DIR/resynced.keys" "$RUN_DIR/precopy.sums" \
            >> "$RUN_DIR/sha256.unsorted" || return 1
    fi
    RL_SUMMED=$(wc -l < "$RUN_DIR/sha256.unsorted")
    for area in data $(cut -f 1 "$RUN_DIR/areas.tsv") $([ -d "$PARTIAL/config" ] && echo config); do
        awk -F '\t' -v area="$area/" 'index($1, area) == 1 { print substr($1, length(area) + 1) }' \
            "$RUN_DIR/sha256.unsorted" > "$RUN_DIR/summed.paths" || return 1
        CF_SKIP=$RUN_DIR/summed.paths checksum_files "$PARTIAL/$area" > "$RUN_DIR/sha256.part" &&
            prefixed "$area" 1 < "$RUN_DIR/sha256.part" >> "$RUN_DIR/sha256.rest" || return 1
        TZ=UTC find "$PARTIAL/$area" -mindepth 1 -printf "$(record_format "$area")" >> "$RUN_DIR/files.unsorted" ||
            return 1
    done
    LC_ALL=C sort -t "$TAB" -k1,1 "$RUN_DIR/sha256.unsorted" "$RUN_DIR/sha256.rest" > "$RUN_DIR/sha256.tsv" &&
        sort_files_list "$RUN_DIR" || return 1
    # Exactly one well-formed SHA-256 for every file listed, and nothing else: pg_verifybackup below
    # trusts these (--skip-checksums), so a line lost or garbled on the way must stop the run here.
    rl_missing=$(awk -F '\t' 'FILENAME == ARGV[1] { if ($NF ~ /^[0-9a-f]+$/ && length($NF) == 64) sha[$1] = 1; n++; next }
        $1 == "f" { f++; if (!(($5 "/" $6) in sha)) { print $5 "/" $6; bad = 1; exit } }
        END { if (!bad && n != f) print "(" n " checksums for " f " files)" }' "$RUN_DIR/sha256.tsv" "$RUN_DIR/files.tsv")
    [ -z "$rl_missing" ] || { log "the checksum pass has no SHA-256 for $rl_missing"; return 1; }
}
# pg_checksums --check (see below) reads the same files: it runs alongside the SHA-256 pass, so
# that the two share one read of the copy (a file read by one is still in the page cache for the
# other) instead of reading it twice one after the other. It runs niced (pg_checksums_safely), so
# the SHA-256 pass keeps both processors of a small host, and as two processes over halves of the
# copy (pg_checksums_split), so that it does not stay alone on one processor once the pass is done.
# Waited for here, before anything can fail.
PC_PID=
if [ "$COPY_TO" = local ] && [ "$METHOD" != snapshot ] && [ "${CHECKSUMS:-0}" != 0 ] && [ -x "$PG_BIN/pg_checksums" ]; then
    (
        pc_rc=0
        pg_checksums_split "$PG_BIN" "$PARTIAL" > "$RUN_DIR/pg_checksums.out" 2>&1 || pc_rc=$?
        echo "$pc_rc" > "$RUN_DIR/pg_checksums.rc"
    ) &
    PC_PID=$!
elif [ "$COPY_TO" = host ] && [ "$METHOD" != snapshot ] && [ "${CHECKSUMS:-0}" != 0 ]; then
    # A full copy on a backup host is checked there, by that host's own pg_checksums of this major
    # where it has one (a snapshot's clone was checked here): pg_checksums.bin says which, or "none".
    # Split in two there too, where that host has two processors (its links beside its copy).
    (host_pg_tool pg_checksums pg_checksums pg_checksums_split "$PARTIAL") &
    PC_PID=$!
fi
CHECKSUM_START=$(now_ms)
rl_rc=0
case $COPY_TO in
    local) record_lists || rl_rc=$? ;;
    host) host_record_lists || rl_rc=$? ;;
    pull) log "the client computed the SHA-256 of every file as it wrote its copy (sent with its listing)" ;;
esac
# Timed on its own, without the wait for pg_checksums (the "checksums" phase holds that and
# pg_verifybackup): scripts/bench compares it with a plain parallel sha256sum over the same files.
CHECKSUM_MS=$(($(now_ms) - CHECKSUM_START))
wait_bg "$PC_PID"
if [ "$rl_rc" != 0 ]; then
    [ "$COPY_TO" = local ] || fail RECORD_FAILED "cannot compute the checksums of the copy on the backup host $DEST_LOGIN (see the log)"
    fail RECORD_FAILED "cannot compute the checksums"
fi
if [ "${RL_SUMMED:-0}" -gt 0 ]; then
    log "checksum pass: SHA-256 of $FILES files, $BYTES bytes in $CHECKSUM_MS ms ($RL_SUMMED of the files hashed as the copy wrote them, the rest now)"
else
    log "checksum pass: SHA-256 of $FILES files, $BYTES bytes in $CHECKSUM_MS ms"
fi

# The files this backup shares with the previous one (the same inode under the same path), and a
# check that each still has the SHA-256 that backup recorded: a reference damaged since would
# otherwise pass its damage on, unseen, to every later generation.
LINKED_FILES=0
LINKED_BYTES=0
if [ -n "$REFERENCE" ] && [ "$COPY_TO" != pull ]; then
    # On the backup host, the copy and the previous backup are compared there, where they are.
    # shellcheck disable=SC2046,SC2016  # area names are "wal" and "tablespaces/<oid>"; $1 expands there
    case $COPY_TO in
        local)
            linked_files "$REFERENCE" "$PARTIAL" data $(cut -f 1 "$RUN_DIR/areas.tsv") > "$RUN_DIR/linked.tsv" &&
                manifest_entries "$REFERENCE/manifest.json" | cut -f 3,4 > "$RUN_DIR/ref.sha256"
            ;;
        host)
            host_sh 'linked_files "$@"' "$REFERENCE" "$PARTIAL" data $(cut -f 1 "$RUN_DIR/areas.tsv") \
                2>> "$LOG" > "$RUN_DIR/linked.tsv" &&
                host_sh 'manifest_entries "$1/manifest.json" | cut -f 3,4' "$REFERENCE" 2>> "$LOG" > "$RUN_DIR/ref.sha256"
            ;;
    esac || fail RECORD_FAILED "cannot compare the copy with the previous backup $REFERENCE_ID (see the log)"
    LINKED_FILES=$(wc -l < "$RUN_DIR/linked.tsv")
    LINKED_BYTES=$(awk -F '\t' '{ s += $NF } END { printf "%.0f", s }' "$RUN_DIR/linked.tsv")
    damaged=$(awk -F '\t' 'FILENAME == ARGV[1] { sha[substr($0, length($1) + 2)] = $1; next }
        FILENAME == ARGV[2] { now[substr($0, 1, length($0) - length($NF) - 1)] = $NF; next }
        { key = $1; for (i = 2; i < NF; i++) key = key "\t" $i; if (sha[key] != now[key]) { print key; exit } }' \
        "$RUN_DIR/ref.sha256" "$RUN_DIR/sha256.tsv" "$RUN_DIR/linked.tsv")
    [ -z "$damaged" ] || fail VERIFY_FAILED "$damaged, shared with the previous backup $REFERENCE_ID, no longer has the content that backup recorded: that backup is damaged; run verify on it, and back up with --no-link until it is dealt with"
    log "$LINKED_FILES files ($LINKED_BYTES bytes) are shared with the previous backup $REFERENCE_ID, each with the SHA-256 it recorded"
fi

# The WAL of the copy: pg_wal itself, or the copy of the directory it linked to. A mode whose copy
# is not on this host found END_LSN in the still source before the restart.
WAL_COPY=$PARTIAL/data/pg_wal
[ -d "$PARTIAL/wal" ] && WAL_COPY=$PARTIAL/wal
# Where write_pg_manifest reads the files that symbolic links in PGDATA lead to.
LINKS_ROOT=${LINKS_ROOT:-$PARTIAL/data}

# PostgreSQL's own backup_manifest, beside data/ (inside it, it would confuse later tools), so that
# the stock pg_verifybackup can check the backup, WAL included: the WAL range runs from the REDO
# location of the shutdown checkpoint to the end of that record, where pg_waldump finds no more WAL.
# Tablespace files are listed as PostgreSQL sees them, below pg_tblspc/<oid>/.
write_pg_manifest() {
    end_lsn=${END_LSN:-}
    [ -n "$end_lsn" ] || end_lsn=$(shutdown_checkpoint_end "$WAL_COPY")
    [ -n "$end_lsn" ] || return 1
    manifest_version=1
    [ "$PG_VERSION" -ge 17 ] && manifest_version=2
    {
        printf '{ "PostgreSQL-Backup-Manifest-Version": %s,\n' "$manifest_version"
        [ "$manifest_version" = 2 ] && printf '"System-Identifier": %s,\n' "$SYSTEM_ID"
        printf '"Files": [\n'
        awk -F '\t' "$JSON_AWK"'
            FILENAME == ARGV[1] { sha[$1] = $2; next }
            {
                if ($1 != "f") next
                if ($5 == "data") { if ($6 ~ /^pg_wal\//) next; path = $6 }
                else if ($5 ~ /^tablespaces\//) path = "pg_tblspc/" substr($5, 13) "/" $6
                else next
                if (n++) printf ",\n"
                printf "{ \"Path\": \"%s\", \"Size\": %s, \"Last-Modified\": \"%s GMT\", \"Checksum-Algorithm\": \"SHA256\", \"Checksum\": \"%s\" }", esc(path), $2, substr($8, 1, 19), sha[$5 "/" $6]
            }' "$RUN_DIR/sha256.tsv" "$RUN_DIR/files.tsv"
        # pg_verifybackup follows a symbolic link to a file and expects it listed as that file.
        (cd "$LINKS_ROOT" && find . -type l -xtype f ! -path './pg_wal/*' -print) | sed 's|^\./||' |
            while IFS= read -r link; do
                printf ',\n{ "Path": %s, "Size": %s, "Last-Modified": "%s GMT", "Checksum-Algorithm": "SHA256", "Checksum": "%s" }' \
                    "$(js "$link")" "$(stat -L -c %s "$LINKS_ROOT/$link")" \
                    "$(TZ=UTC date -r "$LINKS_ROOT/$link" '+%Y-%m-%d %H:%M:%S')" \
                    "$(sha256sum < "$LINKS_ROOT/$link" | cut -d ' ' -f 1)"
            done
        printf '\n],\n'
        printf '"WAL-Ranges": [\n{ "Timeline": %s, "Start-LSN": "%s", "End-LSN": "%s" }\n],\n' \
            "$TIMELINE" "$REDO" "$end_lsn"
    } > "$RECORD_OUT/backup_manifest.tmp"
    printf '"Manifest-Checksum": "%s"}\n' "$(sha256sum < "$RECORD_OUT/backup_manifest.tmp" | cut -d ' ' -f 1)" \
        >> "$RECORD_OUT/backup_manifest.tmp"
    mv "$RECORD_OUT/backup_manifest.tmp" "$RECORD_OUT/backup_manifest"
}

PG_VERIFYBACKUP=skipped
if [ "$PG_VERSION" -ge 13 ] && [ -x "$PG_BIN/pg_waldump" ]; then
    write_pg_manifest || fail RECORD_FAILED "cannot find the end of the shutdown checkpoint with pg_waldump"
    if [ "$COPY_TO" = host ]; then
        host_verifybackup
    elif [ "$COPY_TO" != local ]; then
        log "pg_verifybackup is not run here: the copy is on the client, which runs it where it has PostgreSQL $PG_VERSION's binaries (its files were checked by list and size while still, and by SHA-256 as the client wrote them)"
    elif [ -x "$PG_BIN/pg_verifybackup" ]; then
        # --skip-checksums: the SHA-256 in backup_manifest are those our pass above computed from
        # these very files moments ago; pg_verifybackup reading every byte again to recompute them
        # would prove nothing new. What it adds is its own: the WAL from the checkpoint's REDO to its
        # end parses, and every file is there with its size, nothing more. verify re-reads all.
        log "checking the copy with pg_verifybackup --skip-checksums: the WAL and every file and its size (the SHA-256 of each file were computed by the checksum pass above)"
        if pg_verifybackup_safely "$PG_BIN" "$PARTIAL/backup_manifest" "$PARTIAL" --skip-checksums >> "$LOG" 2>&1; then
            PG_VERIFYBACKUP=passed
        else
            fail VERIFY_FAILED "pg_verifybackup found the copy inconsistent with its checksums (see above)"
        fi
    fi
fi

# The data page checksums of the still copy, when the cluster has them: a page damaged in the
# cluster (or on the way) shows up now, not at the restore. The copy is still faithful to what was
# stopped, so a failure is recorded and reported loudly rather than throwing the backup away.
# A snapshot's are those of the clone the copy was made from (start_clone_page_check).
PG_CHECKSUMS=disabled
if [ "$METHOD" = snapshot ]; then PAGES_OF=clone; else PAGES_OF=copy; fi
PAGES_CHECKER=pg_checksums
PAGES_WHERE=
if [ "$COPY_TO" = host ] && [ "$METHOD" != snapshot ]; then
    PAGES_CHECKER=$(cat "$RUN_DIR/pg_checksums.bin" 2>/dev/null)
    PAGES_WHERE=" on the backup host $DEST_LOGIN"
fi
if [ "${CHECKSUMS:-0}" != 0 ]; then
    if [ "$COPY_TO" = pull ] && [ "$METHOD" != snapshot ]; then
        PG_CHECKSUMS=skipped
        log "pg_checksums is not run here: the copy is on the client, which runs it where it has PostgreSQL $PG_VERSION's binaries (with a copy-on-write snapshot, the clone it is made from is checked here)"
    elif [ "$PAGES_CHECKER" = none ]; then
        PG_CHECKSUMS=skipped
        log "pg_checksums skipped: the backup host $DEST_LOGIN has no pg_checksums of PostgreSQL $PG_VERSION (looked in /usr/lib/postgresql/$PG_VERSION/bin, /usr/pgsql-$PG_VERSION/bin, pg_config's and the PATH): install PostgreSQL $PG_VERSION's server binaries there to have the data page checksums of such copies checked, or use --snapshot, whose clone is checked here"
    elif [ -n "$PAGES_WHERE" ] || [ -x "$PG_BIN/pg_checksums" ]; then
        log "the data page checksums of the $PAGES_OF$PAGES_WHERE, by ${PAGES_CHECKER:-pg_checksums} --check (run alongside the $([ "$PAGES_OF" = clone ] && printf 'copy' || printf 'checksum pass')):"
        pc_rc=$(cat "$RUN_DIR/pg_checksums.rc" 2>/dev/null)
        [ -n "$pc_rc" ] || pc_rc=unknown
        cat "$RUN_DIR/pg_checksums.out" >> "$LOG"
        if [ "$pc_rc" = 0 ]; then
            PG_CHECKSUMS=passed
        elif grep -q '^Bad checksums: *[1-9]' "$RUN_DIR/pg_checksums.out"; then
            PG_CHECKSUMS=failed
            log "WARNING: pg_checksums found pages with bad checksums in the $PAGES_OF$PAGES_WHERE ($(sed -n 's/^Bad checksums: *//p' \
                "$RUN_DIR/pg_checksums.out") blocks, listed above): the cluster has damaged pages; the backup holds them as they were"
        else
            PG_CHECKSUMS=error
            log "WARNING: pg_checksums could not check the $PAGES_OF$PAGES_WHERE (status $pc_rc, see above)"
        fi
    else
        PG_CHECKSUMS=skipped
        log "WARNING: $PG_BIN/pg_checksums is missing; the data page checksums of the $PAGES_OF were not checked"
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
        "$([ -f "$RECORD_OUT/backup_manifest" ] && echo '"backup_manifest"' || echo null)"
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
    printf '  "method": {"name": %s, "snapshot": %s, "linkedFrom": %s, "linkedFiles": %s, "linkedBytes": %s, "precopyHorizon": %s},\n' \
        "$(js "$METHOD")" "$([ -n "${SNAPSHOT_USED:-}" ] && js "$SNAPSHOT_USED" || echo null)" \
        "$([ -n "$REFERENCE_ID" ] && js "$REFERENCE_ID" || echo null)" "$LINKED_FILES" "$LINKED_BYTES" \
        "$([ -n "$HORIZON" ] && js "$HORIZON" || echo null)"
    printf '  "phases": [\n'
    java_phases=$(param java_phases)
    [ -z "$java_phases" ] || printf '    %s,\n' "$java_phases"
    if [ -n "${PRECOPY_END:-}" ]; then
        printf '    {"name": "precopy", "startMillis": %s, "endMillis": %s},\n' "$PRECOPY_START" "$PRECOPY_END"
    fi
    if [ -n "${CHECKPOINT_END:-}" ]; then
        printf '    {"name": "checkpoint", "startMillis": %s, "endMillis": %s},\n' "$CHECKPOINT_START" "$CHECKPOINT_END"
    fi
    if [ "$METHOD" = snapshot ]; then
        printf '    {"name": "stop", "startMillis": %s, "endMillis": %s},\n' "$STOP_AT" "$CLONE_START"
        printf '    {"name": "clone", "startMillis": %s, "endMillis": %s},\n' "$CLONE_START" "$CLONE_END"
        printf '    {"name": "start", "startMillis": %s, "endMillis": %s},\n' "$START_AT" "$SERVING_AT"
        printf '    {"name": "copy", "startMillis": %s, "endMillis": %s},\n' "$COPY_START" "$COPY_END"
        printf '    {"name": "verify", "startMillis": %s, "endMillis": %s}' "$COPY_END" "$VERIFY_END"
    else
        if [ "$WAS_RUNNING" = true ]; then
            printf '    {"name": "stop", "startMillis": %s, "endMillis": %s},\n' "$STOP_AT" "$COPY_START"
        fi
        printf '    {"name": "copy", "startMillis": %s, "endMillis": %s},\n' "$COPY_START" "$COPY_END"
        printf '    {"name": "verify", "startMillis": %s, "endMillis": %s}' "$COPY_END" "$VERIFY_END"
        if [ -n "$SERVING_AT" ]; then
            printf ',\n    {"name": "start", "startMillis": %s, "endMillis": %s}' "$START_AT" "$SERVING_AT"
        fi
    fi
    printf ',\n    {"name": "checksums", "startMillis": %s, "endMillis": %s}' "$RECORD_START" "$(now_ms)"
    printf '\n  ],\n'
    printf '  "downtimeMillis": %s,\n' "$DOWNTIME"
    printf '  "verification": {"method": "file list, total bytes and each file size of the copy against PGDATA and the directories it links to, while PostgreSQL was stopped", "passed": true, "files": %s, "bytes": %s, "checksums": "sha256", "pgVerifybackup": "%s", "pgVerifybackupChecked": "%s", "pgChecksums": "%s"},\n' "$FILES" "$BYTES" "$PG_VERIFYBACKUP" "$([ "$PG_VERIFYBACKUP" = skipped ] || echo 'WAL, file list and sizes (--skip-checksums: the sha256 were computed from the same files just before)')" "$PG_CHECKSUMS"
    printf '  "files": [\n'
    awk -F '\t' "$JSON_AWK"'
        FILENAME == ARGV[1] { sha[$1] = $2; next }
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
} > "$RECORD_OUT/manifest.json.tmp" || fail RECORD_FAILED "cannot write the manifest"
# The last line holds the checksum of all lines before it, so that an edited manifest is caught.
printf '  "manifestChecksum": "%s"}\n' "$(sha256sum < "$RECORD_OUT/manifest.json.tmp" | cut -d ' ' -f 1)" \
    >> "$RECORD_OUT/manifest.json.tmp"
mv "$RECORD_OUT/manifest.json.tmp" "$RECORD_OUT/manifest.json"

# The copy must be on disk before the name says it is complete.
seal_local() {
    log "backup complete: $FILES files, $BYTES bytes, downtime ${DOWNTIME} ms; renaming to $FINAL once it is on disk"
    sl_start=$(now_ms)
    sync -f "$PARTIAL/data" 2>/dev/null || sync
    log "on disk (synced in $(($(now_ms) - sl_start)) ms)"
    if [ -e "$FINAL" ]; then
        fail RECORD_FAILED "$FINAL already exists; the complete copy stays at $PARTIAL"
    fi
    mv "$PARTIAL" "$FINAL" || fail RECORD_FAILED "cannot rename $PARTIAL to $FINAL"
    LOG=$FINAL/backup.log
    sync -f "$FINAL" 2>/dev/null || sync
}

# --keep N: the oldest complete backups of this cluster beyond the newest N go, this one counted,
# and only once this one is complete. Only what complete_backups accepts is ever removed (a
# directory in DEST with our sealed manifest of this cluster), never a partial or a run directory,
# never the backup just made. Each is first renamed to .<id>.deleting, so that a removal cut short
# never leaves something that looks like a complete backup; such leftovers are removed here too.
prune_backups() {
    : > "$RUN_DIR/removed"
    for pb_dir in "$DEST"/.*.deleting; do
        pb_name=${pb_dir##*/.}
        is_backup_id "${pb_name%.deleting}" || continue
        if [ ! -d "$pb_dir" ] || [ -L "$pb_dir" ]; then continue; fi
        log "removing $pb_dir, left by an earlier removal that was cut short"
        rm -rf -- "$pb_dir" || log "WARNING: cannot remove $pb_dir"
    done
    [ "${KEEP:-0}" -gt 0 ] 2>/dev/null || return 0
    complete_backups "$DEST" "$SYSTEM_ID" "$PGDATA" > "$RUN_DIR/complete.list"
    pb_excess=$(( $(wc -l < "$RUN_DIR/complete.list") - KEEP ))
    [ "$pb_excess" -gt 0 ] || return 0
    head -n "$pb_excess" "$RUN_DIR/complete.list" | while IFS= read -r pb_id; do
        [ "$pb_id" != "$(param id)" ] || continue
        log "--keep $KEEP: removing the backup $pb_id"
        if mv -- "$DEST/$pb_id" "$DEST/.$pb_id.deleting" && rm -rf -- "$DEST/.$pb_id.deleting"; then
            printf '%s\n' "$pb_id" >> "$RUN_DIR/removed"
        else
            log "WARNING: --keep $KEEP: cannot remove the backup $pb_id completely (see above)"
        fi
    done
}
case $COPY_TO in
    local)
        seal_local
        prune_backups
        ;;
    host)
        host_seal
        host_prune
        ;;
    pull)
        # The client fetches manifest.json, backup_manifest and this log, and seals its copy.
        log "backup complete: $FILES files, $BYTES bytes, downtime ${DOWNTIME} ms; the client seals its copy as $FINAL"
        : > "$RUN_DIR/removed"
        ;;
esac
REMOVED=$(paste -s -d , "$RUN_DIR/removed")
event "done files=$FILES bytes=$BYTES downtime=$DOWNTIME pg_verifybackup=$PG_VERIFYBACKUP pg_checksums=$PG_CHECKSUMS method=$METHOD removed=${REMOVED:--} path=$FINAL"
finish 0
