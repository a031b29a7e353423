#!/bin/sh
# pg-offline-backup: a backup host (--dest-host). The database host pushes the copy there with rsync
# over ssh; the backup host only needs sshd, rsync, a POSIX sh and GNU coreutils/findutils.
# Sourced by runner.sh (after lib.sh and critical.sh) when copy_to=host, and sent after lib.sh for
# the pre-flight (host_preflight). It defines functions and does nothing else.
#
# Trust: ssh runs with BatchMode=yes (never a prompt: the key must be accepted without one) and
# StrictHostKeyChecking=yes (the backup host's key must already be in known_hosts). Every value
# that reaches the backup host's shell is quoted by sq, and only by sq; rsync gets its remote
# paths with --secluded-args (-s), so that they never pass through that shell at all.
#
# Uses DEST_LOGIN ([user@]host), DEST_PORT, DEST_KNOWN_HOSTS and DEST_IDENTITY (empty for ssh's
# defaults) and HOST_LIB (lib.sh, sent ahead of every script run there; empty for none).
# Scripts for the backup host are single-quoted on purpose: they expand there, not here.
# shellcheck disable=SC2016

# sq VALUE: VALUE as one single-quoted word of a POSIX shell. Line breaks were refused before.
sq() {
    printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# host_init DIR: writes DIR/backup-host-ssh, the ssh command (with our options) that rsync and
# host_sh use. rsync splits its -e command at spaces, so DIR must not hold any.
host_init() {
    HOST_SSH=$1/backup-host-ssh
    case $HOST_SSH in
        *[!A-Za-z0-9/._+@-]*) return 1 ;;
    esac
    {
        printf '#!/bin/sh\n'
        printf 'exec ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=20'
        printf ' -o ServerAliveInterval=5 -o ServerAliveCountMax=4 -p %s' "$(sq "$DEST_PORT")"
        [ -z "$DEST_KNOWN_HOSTS" ] || printf ' -o %s' "$(sq "UserKnownHostsFile=$DEST_KNOWN_HOSTS")"
        [ -z "$DEST_IDENTITY" ] || printf ' -o IdentitiesOnly=yes -i %s' "$(sq "$DEST_IDENTITY")"
        printf ' "$@"\n'
    } > "$HOST_SSH" && chmod 700 "$HOST_SSH"
}

# host_sh SCRIPT ARG...: runs SCRIPT with sh on the backup host, lib.sh first, with ARGs as its
# positional parameters (each quoted by sq); its stdout and stderr come back.
host_sh() {
    hs_script=$1
    shift
    hs_command='sh -s --'
    for hs_arg in "$@"; do
        hs_command="$hs_command $(sq "$hs_arg")"
    done
    { [ -z "${HOST_LIB:-}" ] || cat "$HOST_LIB"; printf 'umask 077\n%s\n' "$hs_script"; } |
        "$HOST_SSH" -- "$DEST_LOGIN" "$hs_command"
}

# host_rsync SOURCE_DIR REMOTE_DIR LIST [OPTION]: the entries named in LIST (NUL-separated, relative
# to SOURCE_DIR) into REMOTE_DIR on the backup host, created if missing: modes, times, links and
# hard links kept (owners as far as the backup host's user may). rsync writes each file under a
# temporary name and renames it, so a file hard-linked from an earlier backup (--link-dest) is
# never written in place.
host_rsync() {
    rsync -a -H -s --numeric-ids --mkpath --from0 --files-from="$3" -e "$HOST_SSH" ${4:+"$4"} \
        -- "$1" "$DEST_LOGIN:$2"
}

# host_ssh_failure STDERR: the error code for an ssh that did not get in, and what to do.
host_ssh_failure() {
    case $1 in
        *'REMOTE HOST IDENTIFICATION HAS CHANGED'*)
            printf 'DEST_HOST_KEY_MISMATCH\tthe backup host %s presents another host key than the one %s has in its known_hosts: refusing it (a changed key can be an attack). Check the key with the backup host'"'"'s administrator, then update known_hosts' \
                "$DEST_LOGIN" "$(id -un)" ;;
        *'Host key verification failed'*|*'No '*'host key is known'*)
            printf 'DEST_HOST_KEY_UNKNOWN\tthe host key of the backup host %s is not in the known_hosts of %s on %s: add it once, after checking its fingerprint (ssh-keyscan -p %s %s, compared with ssh-keygen -lf on the backup host)' \
                "$DEST_LOGIN" "$(id -un)" "$(hostname)" "$DEST_PORT" "${DEST_LOGIN#*@}" ;;
        *'Permission denied'*)
            printf 'DEST_HOST_AUTH_FAILED\tthe backup host %s does not accept the ssh key of %s on %s: add its public key to authorized_keys there (ssh -p %s %s true must work without a prompt)' \
                "$DEST_LOGIN" "$(id -un)" "$(hostname)" "$DEST_PORT" "$DEST_LOGIN" ;;
        *)
            printf 'DEST_HOST_UNREACHABLE\tcannot reach the backup host %s port %s over ssh from %s: %s' \
                "$DEST_LOGIN" "$DEST_PORT" "$(hostname)" "$(printf '%s\n' "$1" | grep -v '^Warning' | head -n 1)" ;;
    esac
}

# host_reach DIR USE: rsync here, the ssh command in DIR (see host_init), and a login to the backup
# host without a prompt. Prints "fail<TAB>CODE<TAB>message" and fails when any is missing; USE says
# what rsync is for, in that message.
host_reach() {
    if ! command -v rsync > /dev/null 2>&1; then
        printf 'fail\tMISSING_TOOLS\trsync is not installed on the database host %s: install it, it %s\n' \
            "$(hostname)" "$2"
        return 1
    fi
    host_init "$1" || { printf 'fail\tDEST_NOT_USABLE\tthe scratch directory %s has characters rsync cannot take\n' "$1"; return 1; }
    hr_rc=0
    hr_err=$("$HOST_SSH" -- "$DEST_LOGIN" true 2>&1 < /dev/null) || hr_rc=$?
    if [ "$hr_rc" != 0 ]; then
        printf 'fail\t%s\n' "$(host_ssh_failure "$hr_err")"
        return 1
    fi
}

# host_preflight DIR DEST: what a backup to DEST on the backup host needs, checked while
# PostgreSQL still runs, with DIR as scratch space. Prints "ok<TAB>free bytes<TAB>real DEST",
# or "fail<TAB>CODE<TAB>message".
host_preflight() {
    host_reach "$1" "pushes the copy to the backup host" || return 0
    hp_out=$(host_sh '
        for tool in rsync sha256sum find df; do
            command -v "$tool" > /dev/null 2>&1 || { printf "missing\t%s\n" "$tool"; exit 0; }
        done
        if [ ! -d "$1" ]; then echo absent; exit 0; fi
        if [ ! -w "$1" ] || [ ! -x "$1" ]; then echo readonly; exit 0; fi
        printf "free\t%s\t%s\n" "$(df -P -B1 -- "$1" | awk "NR == 2 { print \$4 }")" "$(cd -- "$1" && pwd -P)"' "$2" 2>&1)
    case $hp_out in
        missing*)
            printf 'fail\tMISSING_TOOLS\t%s is not installed on the backup host %s: install it there\n' "${hp_out#missing"$TAB"}" "$DEST_LOGIN" ;;
        absent)
            printf 'fail\tDEST_NOT_USABLE\tthe backup directory %s does not exist on the backup host %s: create it first (a missing mount point must not silently fill another file system)\n' "$2" "$DEST_LOGIN" ;;
        readonly)
            printf 'fail\tDEST_NOT_USABLE\tthe backup directory %s on the backup host %s is not writable by %s\n' "$2" "$DEST_LOGIN" "${DEST_LOGIN%%@*}" ;;
        free*)
            printf 'ok\t%s\n' "${hp_out#free"$TAB"}" ;;
        *)
            printf 'fail\tDEST_HOST_UNREACHABLE\tchecking %s on the backup host %s failed: %s\n' "$2" "$DEST_LOGIN" "$(printf '%s\n' "$hp_out" | head -n 1)" ;;
    esac
}

# --- the runner's side (runner.sh calls these when copy_to=host; they use its log and fail) ------

# Before the stop: the ssh command, and the partial directory claimed on the backup host (mkdir is
# atomic there too; a name that is taken ends the run while PostgreSQL still runs).
host_start() {
    DEST_LOGIN=$(param dest_host_login)
    DEST_PORT=$(param dest_host_port)
    DEST_KNOWN_HOSTS=$(param dest_host_known_hosts)
    DEST_IDENTITY=$(param dest_host_identity)
    HOST_LIB=$RUN_DIR/lib.sh
    host_init "$RUN_DIR" || fail DEST_NOT_USABLE "the run directory $RUN_DIR has characters rsync cannot take in its ssh command"
    log "the copy goes to the backup host $DEST_LOGIN (port $DEST_PORT), into $PARTIAL there"
    hs_out=$(host_sh 'if [ -e "$2" ] || [ -e "$1" ]; then echo taken; elif mkdir -- "$1"; then echo made; fi' \
        "$PARTIAL" "$FINAL" 2>> "$LOG")
    case $hs_out in
        made) ;;
        taken) fail DEST_NOT_USABLE "$PARTIAL or $FINAL already exists on the backup host $DEST_LOGIN; nothing was done" ;;
        *) fail DEST_HOST_UNREACHABLE "cannot create $PARTIAL on the backup host $DEST_LOGIN (see the log); nothing was done" ;;
    esac
}

# host_copy_one AREA SOURCE KIND: one area to the backup host, unchanged files hard-linked to the
# same area of the previous backup there (rsync --link-dest: same size, time, mode and owner).
host_copy_one() {
    log "copying $2 to $DEST_LOGIN:$PARTIAL/$1"
    area_find "$2" "$3" '' '%P\t@\n' | prefixed "$1" 1 >> "$RUN_DIR/omitted.tsv"
    # Not ".": rsync would take every entry directly in it, the left-out ones too. The area's own
    # mode is set afterwards.
    area_find "$2" "$3" '%P\0' '' > "$RUN_DIR/copy.names" || fail COPY_FAILED "cannot list $2"
    hc_link=
    [ -z "$REFERENCE" ] || hc_link=--link-dest=$REFERENCE/$1
    hc_rc=0
    run_child host_rsync "$2/" "$PARTIAL/$1/" "$RUN_DIR/copy.names" "$hc_link" || hc_rc=$?
    check_abort
    [ "$hc_rc" = 0 ] || fail COPY_FAILED "copying $2 to the backup host $DEST_LOGIN failed (rsync status $hc_rc, see the messages above)"
    host_sh 'chmod -- "$2" "$1"' "$PARTIAL/$1" "$(stat -c %a -- "$2")" 2>> "$LOG" ||
        fail COPY_FAILED "cannot set the mode of $PARTIAL/$1 on the backup host $DEST_LOGIN"
}

# Configuration outside PGDATA, into config/ under its absolute path (rsync's --files-from is relative).
host_copy_config() {
    : > "$RUN_DIR/config.names"
    while IFS="$TAB" read -r _ _ hc_path; do
        [ -n "$hc_path" ] || continue
        log "copying $hc_path to $DEST_LOGIN:$PARTIAL/config$hc_path"
        printf '%s\0' "${hc_path#/}" >> "$RUN_DIR/config.names"
    done < "$RUN_DIR/config.tsv"
    [ -s "$RUN_DIR/config.names" ] || return 0
    hc_rc=0
    run_child host_rsync / "$PARTIAL/config/" "$RUN_DIR/config.names" || hc_rc=$?
    check_abort
    [ "$hc_rc" = 0 ] || fail COPY_FAILED "copying the configuration files to the backup host $DEST_LOGIN failed (rsync status $hc_rc)"
}

# The configuration files of the copy on the backup host have the sizes of their originals.
# Leaves RUN_DIR/config.copy ("size<TAB>path" of the copies) for the totals.
host_verify_config() {
    while IFS="$TAB" read -r _ hv_type hv_path; do
        [ "$hv_type" = file ] || continue
        printf '%s\t%s\n' "$(stat -c %s -- "$hv_path")" "${hv_path#/}"
    done < "$RUN_DIR/config.tsv" | LC_ALL=C sort > "$RUN_DIR/config.source"
    host_sh '[ -d "$1" ] || exit 0; cd "$1" && find . -type f -printf "%s\t%P\n"' "$PARTIAL/config" 2>> "$LOG" |
        LC_ALL=C sort > "$RUN_DIR/config.copy" || fail VERIFY_FAILED "cannot list the configuration files on the backup host"
    cmp -s "$RUN_DIR/config.source" "$RUN_DIR/config.copy" ||
        fail VERIFY_FAILED "the configuration files on the backup host $DEST_LOGIN differ from their originals"
}

# What the copy on the backup host holds, as runner.sh's copy.list: computed there, by the same
# listing function, so that it compares with the source's line for line.
host_copy_listing() {
    # shellcheck disable=SC2046  # area names are "wal" and "tablespaces/<oid>"
    host_sh 'p=$1; shift; for area in data "$@"; do listing "$p/$area" all | prefixed "$area"; done' \
        "$PARTIAL" $(cut -f 1 "$RUN_DIR/areas.tsv") 2>> "$LOG" ||
        fail VERIFY_FAILED "cannot list the copy on the backup host $DEST_LOGIN (see the log)"
}

# RUN_DIR/sha256.tsv and RUN_DIR/files.tsv in record_lists' format (runner.sh), computed on the
# backup host, where the copy is.
host_record_lists() {
    # shellcheck disable=SC2046  # area names are "wal" and "tablespaces/<oid>"
    host_sh 'p=$1; shift
        for area in data "$@" config; do
            [ -d "$p/$area" ] || continue
            checksum_files "$p/$area" | prefixed "$area" 1
        done' "$PARTIAL" $(cut -f 1 "$RUN_DIR/areas.tsv") 2>> "$LOG" > "$RUN_DIR/sha256.unsorted" || return 1
    # shellcheck disable=SC2046
    host_sh 'p=$1; shift
        for area in data "$@" config; do
            [ -d "$p/$area" ] || continue
            TZ=UTC find "$p/$area" -mindepth 1 -printf "$(record_format "$area")" || exit 1
        done' "$PARTIAL" $(cut -f 1 "$RUN_DIR/areas.tsv") 2>> "$LOG" > "$RUN_DIR/files.unsorted" || return 1
    LC_ALL=C sort -t "$TAB" -k1,1 "$RUN_DIR/sha256.unsorted" > "$RUN_DIR/sha256.tsv" && sort_files_list "$RUN_DIR"
}

# host_pg_tool NAME TOOL RUNNER ARG...: pg_tool_run on the backup host, for this cluster's major:
# RUN_DIR/NAME.bin gets the tool's path there (or "none"), NAME.out what it printed, NAME.rc the
# status.
host_pg_tool() {
    hpt_name=$1
    shift
    hpt_rc=0
    # shellcheck disable=SC2016  # expands on the backup host
    host_sh 'pg_tool_run "$@"' "$PG_VERSION" "$@" > "$RUN_DIR/$hpt_name.host" 2>> "$LOG" || hpt_rc=$?
    head -n 1 "$RUN_DIR/$hpt_name.host" > "$RUN_DIR/$hpt_name.bin"
    tail -n +2 "$RUN_DIR/$hpt_name.host" > "$RUN_DIR/$hpt_name.out"
    echo "$hpt_rc" > "$RUN_DIR/$hpt_name.rc"
}

# pg_verifybackup of the copy on the backup host (--skip-checksums, as for a local copy: the SHA-256
# in backup_manifest were computed there from these files moments ago), by that host's own binaries
# of this major where it has them (pg_tool_dir). Sets PG_VERIFYBACKUP to passed or skipped, and
# fails the run when the copy does not check out. backup_manifest goes ahead of the other records
# for it.
host_verifybackup() {
    printf 'backup_manifest\0' > "$RUN_DIR/manifest.names"
    hv_rc=0
    host_rsync "$RECORD_OUT/" "$PARTIAL/" "$RUN_DIR/manifest.names" >> "$LOG" 2>&1 || hv_rc=$?
    [ "$hv_rc" = 0 ] || fail RECORD_FAILED "cannot write backup_manifest to $PARTIAL on the backup host $DEST_LOGIN (rsync status $hv_rc)"
    host_pg_tool pg_verifybackup pg_verifybackup pg_verifybackup_safely "$PARTIAL/backup_manifest" "$PARTIAL" --skip-checksums
    hv_tool=$(cat "$RUN_DIR/pg_verifybackup.bin")
    hv_rc=$(cat "$RUN_DIR/pg_verifybackup.rc")
    case $hv_tool in
        none)
            log "pg_verifybackup skipped: the backup host $DEST_LOGIN has no pg_verifybackup and pg_waldump of PostgreSQL $PG_VERSION (looked in /usr/lib/postgresql/$PG_VERSION/bin, /usr/pgsql-$PG_VERSION/bin, pg_config's and the PATH); the copy's files were checked by list and size while still, and by SHA-256 there" ;;
        */pg_verifybackup)
            log "checking the copy on the backup host $DEST_LOGIN with $hv_tool --skip-checksums: the WAL and every file and its size (the SHA-256 of each file were computed there by the checksum pass above)"
            cat "$RUN_DIR/pg_verifybackup.out" >> "$LOG"
            [ "$hv_rc" = 0 ] || fail VERIFY_FAILED "pg_verifybackup on the backup host $DEST_LOGIN found the copy inconsistent with its manifest (see above)"
            # shellcheck disable=SC2034  # runner.sh records it
            PG_VERIFYBACKUP=passed ;;
        *)
            cat "$RUN_DIR/pg_verifybackup.host" >> "$LOG"
            fail RECORD_FAILED "cannot run pg_verifybackup on the backup host $DEST_LOGIN (status $hv_rc, see the log)" ;;
    esac
}

# The manifests and the log beside the copy, then on disk, then the rename that makes it complete.
host_seal() {
    log "backup complete: $FILES files, $BYTES bytes, downtime ${DOWNTIME} ms; renaming to $DEST_LOGIN:$FINAL"
    cp -- "$LOG" "$RECORD_OUT/backup.log" || fail RECORD_FAILED "cannot copy the log"
    (cd "$RECORD_OUT" && find . -maxdepth 1 -type f -printf '%P\0') > "$RUN_DIR/out.names"
    hs_rc=0
    host_rsync "$RECORD_OUT/" "$PARTIAL/" "$RUN_DIR/out.names" >> "$LOG" 2>&1 || hs_rc=$?
    [ "$hs_rc" = 0 ] || fail RECORD_FAILED "cannot write the manifests to $PARTIAL on the backup host $DEST_LOGIN (rsync status $hs_rc)"
    hs_out=$(host_sh '
        sync -f "$1/data" 2>/dev/null || sync
        if [ -e "$2" ]; then echo exists; exit 0; fi
        mv -- "$1" "$2" || exit 1
        sync -f "$2" 2>/dev/null || sync
        echo sealed' "$PARTIAL" "$FINAL" 2>> "$LOG")
    case $hs_out in
        sealed) ;;
        exists) fail RECORD_FAILED "$FINAL already exists on the backup host; the complete copy stays at $PARTIAL there" ;;
        *) fail RECORD_FAILED "cannot rename $PARTIAL to $FINAL on the backup host $DEST_LOGIN (see the log)" ;;
    esac
}

# --keep N on the backup host: the same rule as prune_backups (runner.sh), run there: only complete
# backups of this cluster (complete_backups), the oldest beyond the newest N, never this one, each
# renamed to .<id>.deleting before it is removed. Then the log, with these lines, joins the backup.
host_prune() {
    : > "$RUN_DIR/removed"
    if [ "${KEEP:-0}" -gt 0 ] 2>/dev/null; then
        host_sh '
            for d in "$1"/.*.deleting; do
                n=${d##*/.}
                is_backup_id "${n%.deleting}" || continue
                if [ ! -d "$d" ] || [ -L "$d" ]; then continue; fi
                rm -rf -- "$d" && printf "cleaned\t%s\n" "$d"
            done
            list=$(complete_backups "$1" "$4" "$5")
            excess=$(( $(printf "%s\n" "$list" | grep -c .) - $2 ))
            [ "$excess" -gt 0 ] || exit 0
            printf "%s\n" "$list" | head -n "$excess" | while IFS= read -r id; do
                [ "$id" != "$3" ] || continue
                if mv -- "$1/$id" "$1/.$id.deleting" && rm -rf -- "$1/.$id.deleting"; then
                    printf "removed\t%s\n" "$id"
                else
                    printf "failed\t%s\n" "$id"
                fi
            done' "$DEST" "$KEEP" "$(param id)" "$SYSTEM_ID" "$PGDATA" 2>> "$LOG" > "$RUN_DIR/prune.out" ||
            log "WARNING: --keep $KEEP: pruning on the backup host $DEST_LOGIN failed (see above)"
        while IFS="$TAB" read -r hp_what hp_id; do
            case $hp_what in
                removed) log "--keep $KEEP: removed the backup $hp_id on $DEST_LOGIN"; printf '%s\n' "$hp_id" >> "$RUN_DIR/removed" ;;
                cleaned) log "removed $hp_id on $DEST_LOGIN, left by an earlier removal that was cut short" ;;
                failed) log "WARNING: --keep $KEEP: cannot remove the backup $hp_id on $DEST_LOGIN completely" ;;
            esac
        done < "$RUN_DIR/prune.out"
    fi
    printf 'backup.log\0' > "$RUN_DIR/log.names"
    if ! { cp -- "$LOG" "$RECORD_OUT/backup.log" &&
        host_rsync "$RECORD_OUT/" "$FINAL/" "$RUN_DIR/log.names" >> "$LOG" 2>&1; }; then
        log "WARNING: the last lines of this log are only in $LOG on $(hostname)"
    fi
}

# The newest complete backup of this cluster in DEST on the backup host (complete_backups there).
host_find_reference() {
    host_sh 'newest_complete_backup "$1" "$2" "$3"' "$DEST" "$1" "$PGDATA" 2>> "$LOG"
}

# --- a restore from the backup host --------------------------------------------------------------

# host_fetch DIR BACKUP STAGING: copies the backup BACKUP (a directory on the backup host) into
# STAGING on this host (created; its parent must exist), with DIR as scratch space, while
# PostgreSQL still runs: the restore then verifies and restores from STAGING as from any backup
# here. Prints "ok<TAB>bytes" or "fail<TAB>CODE<TAB>message".
host_fetch() {
    host_reach "$1" "fetches the backup from the backup host" || return 0
    hf_size=$(host_sh '
        command -v rsync > /dev/null 2>&1 || { echo no-rsync; exit 0; }
        [ -f "$1/manifest.json" ] || { echo absent; exit 0; }
        du -s -B1 --apparent-size -- "$1" | cut -f 1' "$2" 2>&1)
    case $hf_size in
        no-rsync) printf 'fail\tMISSING_TOOLS\trsync is not installed on the backup host %s: install it there\n' "$DEST_LOGIN"; return 0 ;;
        absent) printf 'fail\tBACKUP_NOT_FOUND\t%s on the backup host %s is not a backup (no manifest.json)\n' "$2" "$DEST_LOGIN"; return 0 ;;
        *[!0-9]*|'') printf 'fail\tDEST_HOST_UNREACHABLE\treading %s on the backup host %s failed: %s\n' "$2" "$DEST_LOGIN" "$(printf '%s\n' "$hf_size" | head -n 1)"; return 0 ;;
    esac
    hf_parent=$(dirname -- "$3")
    hf_free=$(df -P -B1 -- "$hf_parent" | awk 'NR == 2 { print $4 }')
    # The fetched copy, and a margin: the restore's own pre-flight then checks room for the restore.
    if [ "$hf_free" -lt $((hf_size + hf_size / 20 + 67108864)) ]; then
        printf 'fail\tNO_SPACE\tnot enough space in %s to fetch the backup (%s bytes, %s free)\n' "$hf_parent" "$hf_size" "$hf_free"
        return 0
    fi
    mkdir -m 700 -- "$3" || { printf 'fail\tTARGET_NOT_USABLE\tcannot create %s\n' "$3"; return 0; }
    hf_rc=0
    rsync -a -H -s --numeric-ids -e "$HOST_SSH" -- "$DEST_LOGIN:$2/" "$3/" > "$1/rsync.out" 2>&1 || hf_rc=$?
    if [ "$hf_rc" != 0 ]; then
        rm -rf -- "$3"
        printf 'fail\tCOPY_FAILED\tfetching %s from the backup host %s failed (rsync status %s: %s); nothing was changed\n' \
            "$2" "$DEST_LOGIN" "$hf_rc" "$(grep -v '^$' "$1/rsync.out" | head -n 1)"
        return 0
    fi
    printf 'ok\t%s\n' "$hf_size"
}
