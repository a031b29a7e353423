#!/bin/sh
# pg-offline-backup: functions shared by the remote scripts (runner, verify, restore).
# Sourced, or sent ahead of a script on stdin; it defines functions and does nothing else.
# RemoteScripts.lib() puts wait.sh after it, whose wait_growth it uses.

# shellcheck disable=SC2034  # read by the scripts that source this file
PGOB_LIB_LOADED=1
TAB=$(printf '\t')
US=$(printf '\037')

# The clock, read without starting a process: the scripts stamp every event and log line, and a
# date process for each was a tenth of the processes a backup started on its host. /proc/uptime
# counts hundredths of a second since boot, steadily (where the wall clock may be stepped while a
# run measures a duration across the step); the epoch is added once, as date gives it when this
# file is loaded. Without /proc/uptime (not Linux), date each time.
CLOCK_OFFSET=
# clock_ms: sets NOW_MS to the milliseconds since the epoch.
clock_ms() {
    if [ -n "$CLOCK_OFFSET" ] && read -r cm_up _ < /proc/uptime; then
        NOW_MS=$((CLOCK_OFFSET + ${cm_up%.*}${cm_up#*.} * 10))
    else
        NOW_MS=$(date +%s%3N)
    fi
}
if [ -r /proc/uptime ] && read -r cm_up _ < /proc/uptime; then
    case $cm_up in
        [1-9]*.[0-9][0-9]) CLOCK_OFFSET=$(($(date +%s%3N) - ${cm_up%.*}${cm_up#*.} * 10)) ;;
    esac
fi

now_ms() {
    clock_ms
    echo "$NOW_MS"
}

# proc_name PID: sets PROC_NAME to the command name of process PID (what ps -o comm= prints), or
# to nothing when there is no such process. Read from /proc without starting a process (the stop
# and start are watched by polling it); ps where there is no /proc.
proc_name() {
    PROC_NAME=
    if [ -d /proc/self ]; then
        { read -r PROC_NAME < "/proc/$1/comm"; } 2>/dev/null || PROC_NAME=
    else
        PROC_NAME=$(ps -o comm= -p "$1" 2>/dev/null)
    fi
}

# utc_time: sets UTC_TIME to the current time as YYYY-MM-DDTHH:MM:SSZ (see utc_stamp), worked out
# once a second.
utc_time() {
    clock_ms
    [ "$((NOW_MS / 1000))" != "${UT_LAST:-}" ] || return 0
    UT_LAST=$((NOW_MS / 1000))
    utc_stamp "$UT_LAST"
}

# utc_stamp SECONDS: sets UTC_TIME to SECONDS since the epoch as YYYY-MM-DDTHH:MM:SSZ. The days
# become a date of the (proleptic) Gregorian calendar by the usual count in 400-year eras of 146097
# days, with years taken to begin on 1 March so that the leap day comes last.
utc_stamp() {
    ut_s=$1
    ut_z=$((ut_s / 86400 + 719468))
    ut_era=$((ut_z / 146097))
    ut_doe=$((ut_z - ut_era * 146097))
    ut_yoe=$(((ut_doe - ut_doe / 1460 + ut_doe / 36524 - ut_doe / 146096) / 365))
    ut_doy=$((ut_doe - (365 * ut_yoe + ut_yoe / 4 - ut_yoe / 100)))
    ut_mp=$(((5 * ut_doy + 2) / 153))
    ut_d=$((ut_doy - (153 * ut_mp + 2) / 5 + 1))
    if [ "$ut_mp" -lt 10 ]; then ut_m=$((ut_mp + 3)); else ut_m=$((ut_mp - 9)); fi
    ut_y=$((ut_yoe + ut_era * 400 + (ut_m <= 2)))
    # Two digits each: a 0 in front, then the last two characters.
    ut_m=0$ut_m
    ut_d=0$ut_d
    ut_hh=0$((ut_s % 86400 / 3600))
    ut_mm=0$((ut_s % 3600 / 60))
    ut_ss=0$((ut_s % 60))
    UTC_TIME=$ut_y-${ut_m#"${ut_m%??}"}-${ut_d#"${ut_d%??}"}T${ut_hh#"${ut_hh%??}"}:${ut_mm#"${ut_mm%??}"}:${ut_ss#"${ut_ss%??}"}Z
}

# progress_pause START_MS: seconds to wait before the next progress measurement that began at
# START_MS. The measurement walks the copy (du), which takes time in proportion to its files:
# seconds for a million of them, walked again and again beside the copy during the downtime. It may
# take a tenth of the time at most; for an ordinary cluster it takes milliseconds, and that is 1 s.
progress_pause() {
    pp_pause=$((($(now_ms) - $1) / 100))
    [ "$pp_pause" -ge 1 ] || pp_pause=1
    echo "$pp_pause"
}

# awk functions: esc() escapes a string for JSON; unesc() undoes what esc() did.
JSON_AWK='
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
function unesc(s,    out, i, c, n) {
    if (index(s, "\\") == 0) return s
    out = ""
    for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (c != "\\") { out = out c; continue }
        n = substr(s, ++i, 1)
        if (n == "t") out = out "\t"
        else if (n == "r") out = out "\r"
        else if (n == "n") out = out "\n"
        else if (n == "u") { out = out uni[substr(s, i + 1, 4)]; i += 4 }
        else out = out n
    }
    return out
}
BEGIN {
    for (i = 1; i < 32; i++) {
        ctl[sprintf("%c", i)] = sprintf("\\u%04x", i)
        uni[sprintf("%04x", i)] = sprintf("%c", i)
    }
}'

# One JSON string literal. Most values (paths, ids, numbers) need no escaping and are printed
# without starting awk: the manifest has dozens of them, and each process costs milliseconds.
js() {
    case $1 in
        *[\"\\[:cntrl:]]*) printf '%s\n' "$1" | awk "$JSON_AWK"' { printf "\"%s\"", esc($0) }' ;;
        *) printf '"%s"' "$1" ;;
    esac
}

# line_of N FILE: line N of FILE, nothing if it has fewer or cannot be read. The shell's own read
# serves where a sed would cost a process: the scripts read postmaster.pid's lines again and again.
line_of() {
    lo_n=0
    {
        while IFS= read -r lo_line || [ -n "$lo_line" ]; do
            lo_n=$((lo_n + 1))
            if [ "$lo_n" -eq "$1" ]; then
                printf '%s\n' "$lo_line"
                return 0
            fi
        done < "$2"
    } 2>/dev/null
}

# SHA-256 of a file without its last line: the manifests end with a line that holds the checksum of
# everything before it (PostgreSQL's backup_manifest does the same).
checksum_but_last_line() {
    head -n -1 "$1" | sha256sum | cut -d ' ' -f 1
}

# sha256_files: the command that prints "<hash> <mark><name>" lines for the files it is given
# (see checksum_files). OpenSSL's digest uses the processor's SHA instructions where coreutils'
# sha256sum does not: on the benchmark machine 1 GiB took 0.85 s of processor time against 2.8 s.
# It is taken only when it gives the known SHA-256 of "abc" in the expected format; sha256sum
# otherwise.
sha256_files() {
    sf_line=
    if command -v openssl > /dev/null 2>&1; then
        sf_line=$(printf abc | openssl dgst -sha256 -r 2>/dev/null)
    fi
    if [ "$sf_line" = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad *stdin" ]; then
        echo 'openssl dgst -sha256 -r'
    else
        echo sha256sum
    fi
}

# What sha256sum and openssl print, as "<prefix><path><TAB>hash" (awk -v prefix=...; the "./" in
# front of a path dropped). See checksum_files for the backslash.
# shellcheck disable=SC2016  # awk, not shell
SUMS_AWK='{
    hash = $1; name = substr($0, length($1) + 3)
    if (substr(hash, 1, 1) == "\\") { hash = substr(hash, 2); gsub(/\\\\/, "\\", name) }
    sub(/^\.\//, "", name)
    printf "%s%s\t%s\n", prefix, name, hash
}'

# checksum_files ROOT [FIND_TEST...]: the SHA-256 of every regular file below ROOT (that passes the
# find tests FIND_TEST, if any), in parallel: "path<TAB>hash" lines, paths relative. With CF_SKIP, a
# file of such paths (one per line), the files it names are left out: their SHA-256 are known.
# sha256sum prefixes a line with a backslash when it had to escape the name (openssl never does);
# only a backslash can need that here (line breaks in names are refused before any copy). Either
# puts one character before the name: a space (sha256sum, text mode) or "*". The parallel
# processes share one pipe: each writes its lines whole (stdbuf -oL: one write per line, which a
# pipe never interleaves), where a 4 KiB block flushed mid-line could have another's block land
# inside it.
#
# Three kinds of files, sorted by one walk of the tree. A large relation is a row of 1 GiB
# segments: two of them in one batch are hashed one after the other while the other processor runs
# out of work, so a file over 64 MiB gets a process of its own. Files from 1 MiB up go to
# sha256_files' tool 64 at a time. Smaller ones, the many files of a catalog or of a million-file
# tablespace, go to sha256sum: for them starting a process costs more than hashing, and openssl
# starts twice as slowly.
checksum_files() {
    cf_buf=
    command -v stdbuf > /dev/null 2>&1 && cf_buf="stdbuf -oL "
    cf_sum="$cf_buf$(sha256_files)"
    cf_small="${cf_buf}sha256sum"
    cf_lists=$(mktemp -d "${PGOB_SCRATCH:-${TMPDIR:-/tmp}}/pgob-sums.XXXXXX") || return 1
    cf_root=$1
    shift
    # shellcheck disable=SC2086  # cf_sum and cf_small are words
    (
        cd "$cf_root" || exit 1
        find . -type f "$@" \( -size +67108864c -fprint0 "$cf_lists/big" -o -size +1048575c -fprint0 "$cf_lists/mid" \
            -o -fprint0 "$cf_lists/small" \) || exit 1
        if [ -n "${CF_SKIP:-}" ]; then
            for cf_list in big mid small; do
                tr '\n\0' '\0\n' < "$cf_lists/$cf_list" |
                    awk 'FILENAME == ARGV[1] { skip[$0]; next } !(substr($0, 3) in skip)' "$CF_SKIP" - |
                    tr '\n\0' '\0\n' > "$cf_lists/$cf_list.kept" && mv -- "$cf_lists/$cf_list.kept" "$cf_lists/$cf_list" || exit 1
            done
        fi
        xargs -0 -r -P "${CHECKSUM_JOBS:-2}" -n 1 $cf_sum < "$cf_lists/big" &
        cf_big=$!
        xargs -0 -r -P "${CHECKSUM_JOBS:-2}" -n 64 $cf_sum < "$cf_lists/mid" &
        cf_mid=$!
        cf_rc=0
        xargs -0 -r -P "${CHECKSUM_JOBS:-2}" -n 64 $cf_small < "$cf_lists/small" || cf_rc=$?
        wait "$cf_big" || cf_rc=$?
        wait "$cf_mid" || cf_rc=$?
        exit "$cf_rc"
    ) |
        awk "$SUMS_AWK" | LC_ALL=C sort
    cf_rc=$?
    rm -rf -- "$cf_lists"
    return "$cf_rc"
}

# --- what a backup holds ---------------------------------------------------------------------
#
# A backup is made of areas: "data" (PGDATA), "tablespaces/<oid>" (what PGDATA/pg_tblspc/<oid>
# links to), "wal" (what PGDATA/pg_wal links to, when it is a link) and "config" (configuration
# files outside PGDATA, under their absolute path). Inside the scripts an entry is named by its
# key, "<area>/<path>"; people see the key without the "data/" in front.

# area_find ROOT KIND KEEP_FORMAT OMIT_FORMAT: every entry below ROOT through find -printf, with
# KEEP_FORMAT if a backup copies it, or OMIT_FORMAT (where "@" becomes the reason) if it leaves it
# out. KIND "data" applies the rules for PGDATA's own top level too, "area" only those that hold
# anywhere, "all" none. What is left out is what PostgreSQL documents as safe to omit (and
# pg_basebackup omits), because the server removes, empties or rebuilds it when it starts; plus
# special files, which only mean something to the process that made them. ROOT is entered with
# cd, so a link to a directory is followed.
area_find() {
    af_root=$1
    af_kind=$2
    af_keep=$3
    af_omit=$4
    set --
    if [ "$af_kind" = data ]; then
        set -- \( -path ./postmaster.pid -o -path ./postmaster.opts \) -prune -printf "$(reason "$af_omit" server)" -o \
            \( -path ./postgresql.auto.conf.tmp -o -path ./current_logfiles.tmp \) -prune \
            -printf "$(reason "$af_omit" tempfile)" -o \
            -path ./backup_manifest -prune -printf "$(reason "$af_omit" stale)" -o \
            \( -path './pg_stat_tmp/*' -o -path './pg_dynshmem/*' -o -path './pg_notify/*' -o -path './pg_serial/*' \
            -o -path './pg_snapshots/*' -o -path './pg_subtrans/*' \) -prune -printf "$(reason "$af_omit" reset)" -o
    fi
    if [ "$af_kind" != all ]; then
        set -- "$@" -name 'pgsql_tmp*' -prune -printf "$(reason "$af_omit" temp)" -o \
            -name 'pg_internal.init*' -prune -printf "$(reason "$af_omit" cache)" -o \
            \( -type s -o -type p -o -type b -o -type c \) -printf "$(reason "$af_omit" special)" -o
    fi
    (cd "$af_root" && find . -mindepth 1 "$@" -printf "$af_keep")
}

# reason FORMAT WORD: FORMAT with its first "@" replaced by WORD. In the shell, not sed: area_find
# asks seven times per call, and a snapshot lists PGDATA while PostgreSQL is down.
reason() {
    case $1 in
        *@*) printf '%s' "${1%%@*}$2${1#*@}" ;;
        *) printf '%s' "$1" ;;
    esac
}

# The words of area_find, said for people (the manifest's "omitted" list).
REASONS_AWK='
BEGIN {
    why["server"] = "describes the server process that last ran from this data directory"
    why["tempfile"] = "a half-written file of the server, replaced when it next writes it"
    why["stale"] = "the manifest of the base backup this directory was once restored from, not of this backup"
    why["reset"] = "emptied or rebuilt by PostgreSQL when it starts"
    why["temp"] = "temporary files of queries, removed by PostgreSQL when it starts"
    why["cache"] = "relation cache file, rebuilt by PostgreSQL when it starts"
    why["special"] = "a socket, FIFO or device file: it only means something to a running process"
}'

# record_format AREA: the find -printf format of a line of the record's file list (files.tsv):
# "type<TAB>size<TAB>mtime<TAB>mode<TAB>AREA<TAB>path<TAB>link target<TAB>UTC date" (with TZ=UTC).
record_format() {
    printf '%s%s%s' '%y\t%s\t%T@\t%m\t' "$1" '\t%P\t%l\t%TY-%Tm-%Td %TH:%TM:%TS\n'
}

# sort_files_list DIR: DIR/files.unsorted (record_format lines) sorted by "<area>/<path>" into
# DIR/files.tsv, the order the manifest writers expect.
sort_files_list() {
    awk -F '\t' 'BEGIN { OFS = "\t" } { print $5 "/" $6, $0 }' "$1/files.unsorted" |
        LC_ALL=C sort -t "$TAB" -k1,1 | cut -f 2- > "$1/files.tsv"
}

# listing ROOT KIND: the entries a backup holds of ROOT (see area_find), as "type<TAB>size<TAB>
# path<TAB>link target", sorted; directory sizes (which differ between file systems) as 0.
listing() {
    area_find "$1" "$2" '%y\t%s\t%P\t%l\n' '' |
        awk -F '\t' 'BEGIN { OFS = "\t" } { if ($1 == "d") $2 = 0; print }' |
        LC_ALL=C sort
}

# prefixed AREA: puts "<area>/" in front of the path in column COLUMN (default 3) of every line.
prefixed() {
    awk -F '\t' -v area="$1" -v col="${2:-3}" 'BEGIN { OFS = "\t" } { $col = area "/" $col; print }'
}

# copy_area SOURCE DEST KIND LIST [EXCLUDE]: copies what a backup holds of SOURCE (see area_find)
# into the existing directory DEST (see copy_entries). LIST is a scratch file for the names;
# EXCLUDE a path to leave out as well (restore: global/pg_control, which is written last on its
# own).
copy_area() {
    { printf 'd\t0\t.\0'; area_find "$1" "$3" '%y%n\t%s\t%P\0' ''; } > "$4" || return 1
    make_dirs "$2" "$4" || return 1
    copy_entries "$1" "$2" "$4" "${5:-}"
}

# clone_area SOURCE DEST KIND LIST: copy_area as a copy-on-write clone (cp --reflink=always, see
# copy_entries), for the staging clone of a snapshot: two cp at once, as for a copy, where one cp -a
# took 10-12 s for 200,000 small files on an XFS in a loop device.
clone_area() {
    CE_CLONE=1
    ca_rc=0
    copy_area "$@" || ca_rc=$?
    CE_CLONE=
    return "$ca_rc"
}

# make_dirs DEST LIST: every directory that LIST names (copy_entries' records) exists in DEST and
# is open to us (u+rwx) until tar, last, gives it its own mode and times: cp, and cp -l for the
# links of a generation, cannot put a file into a read-only (0500) directory, where tar delays a
# directory's mode until its entries are in.
make_dirs() {
    sed -z -n "s/^d[0-9]*${TAB}[^$TAB]*$TAB//p" "$2" > "$2.dirs" || return 1
    (cd -- "$1" && xargs -0 -r mkdir -p -- < "$2.dirs" && xargs -0 -r chmod u+rwx -- < "$2.dirs")
}

# copy_entries SOURCE DEST LIST [EXCLUDE [TOLERANT]]: copies the entries LIST names from SOURCE into
# DEST, in which none of them exists but the directories (see make_dirs): owner (as far as we may),
# modes, times to the nanosecond, links and hard links kept. LIST holds NUL-terminated
# "<type><links><TAB><size><TAB><path>" records (find's %y%n, %s and %P), paths relative to SOURCE;
# EXCLUDE is a path to leave out (or empty). Names pass NUL-separated, never through a shell or a
# pattern.
#
# TOLERANT (non-empty) is for the pre-copy of a running cluster: files change, grow, shrink and
# vanish while they are read, and the copy after the stop makes all of that right. A file that is
# gone when cp comes to it fails only itself ("No such file or directory", which is all cp may say
# then); any other complaint (a full or read-only destination) still fails the copy, before the
# stop rather than during it.
#
# Regular files with a single link (nearly all the bytes) go through cp, which reads and writes
# each one itself: tar through a pipe moves every byte twice more, in two processes, and measured
# 2.5 to 3 times slower on the same 8 GiB (cp 8-13 s, tar 30-32 s, larger tar records 21-24 s).
# Two cp run side by side, each with half of the bytes (see split_by_bytes): with one, the disks
# wait while cp waits for a read; on the benchmark machine 4 GiB took 2.6-3.5 s that way against
# 5.3-7.8 s for one cp (and four did no better than two).
# Directories, links and hard-linked files go through tar afterwards: tar keeps hard links
# together and sets each directory's mode and times once its entries are in, which cp's writes
# into it would otherwise have changed. The destination files never exist beforehand, so cp
# never writes into an existing file (which may be a hard link into an earlier backup).
#
# GNU cp 9 clones (reflinks) by default where source and destination share a file system: the
# backup would then share its blocks with the live cluster, and one damaged block would damage
# both. --reflink=never keeps every backup a copy of its own, where this cp knows the option.
#
# POSIX ACLs (a log directory's default ACL for a log shipper, say) come along: cp's mode includes
# a file's ACL, and tar gets --acls, where it knows it, for directories. A destination whose file
# system cannot hold ACLs (NFSv4, some FUSE mounts) makes cp fail "preserving permissions" for each
# file that has one, after it wrote the file and gave it its permission bits: that alone does not
# fail the copy, the runbook's cp -a would fail there outright; the files and directories that lost
# an ACL are counted in one warning instead.
#
# With CE_CLONE=1 (clone_area) it makes a copy-on-write clone instead: cp --reflink=always, which
# fails rather than copy, and the first half of the files in find's order for one cp, the rest for
# the other, not by bytes: a clone costs per file (a transaction), whatever its size, and a file
# is created under its directory's lock, which two cp taking turns in one directory wait for. On
# 200,000 files in 200 directories, two cp took 6.1 s so, 8.3 s taking turns, one 10.4 s.
copy_entries() {
    ce_dest=$(cd -- "$2" && pwd) || return 1
    ce_reflink=
    if [ -n "${CE_CLONE:-}" ]; then
        ce_reflink=--reflink=always
    elif cp --reflink=never -- "$3" "$3.probe" 2>/dev/null; then
        ce_reflink=--reflink=never
    fi
    rm -f -- "$3.probe"
    ce_acls=$(tar_acls)
    # The SHA-256 of the copy, taken as it is written (see sum_chunks): for a whole copy, under the
    # name the runner gives it. Of a running cluster's files too (TOLERANT, the pre-copy): a file
    # that changed as it was copied is copied again after the stop, and its sum is dropped then
    # (record_lists); one that did not change is, in the copy, what it will stay.
    ce_sums=
    if [ -n "${CE_SUMS_DIR:-}" ] && [ -n "${CE_SUMS_KEY:-}" ] && [ -z "${4:-}" ]; then
        ce_sums=$(mktemp -d "$CE_SUMS_DIR/copy.XXXXXX") && printf '%s\n' "$ce_dest" > "$ce_sums/root" &&
            printf '%s\n' "$CE_SUMS_KEY" > "$ce_sums/key" || return 1
    fi
    if [ -n "${CE_CLONE:-}" ]; then
        sed -z -n "s/^f1${TAB}[^$TAB]*$TAB//p" "$3" > "$3.plain" &&
            split -t '\0' -n l/2 "$3.plain" "$3.half." && mv -- "$3.half.aa" "$3.plain1" &&
            mv -- "$3.half.ab" "$3.plain2"
    else
        sed -z -n "s/^f1$TAB//p" "$3" > "$3.found" && largest_first "$3.found" "$3.plain" &&
            split_by_bytes "$3.plain" "$3.plain1" "$3.plain2" "$ce_sums"
    fi &&
        sed -z "/^f1$TAB/d; s/^[^$TAB]*${TAB}[^$TAB]*$TAB//" "$3" > "$3.rest" || return 1
    if [ -n "${4:-}" ]; then
        for ce_list in "$3.plain1" "$3.plain2" "$3.rest"; do
            { grep -z -v -x -F -e "$4" "$ce_list" > "$ce_list.kept" || [ "$?" = 1 ]; } &&
                mv -- "$ce_list.kept" "$ce_list" || return 1
        done
    fi
    # cp's complaints go to a file read below. TOLERANT: a cp may also fail for a file that vanished,
    # tar's complaints go nowhere, and tar may end with 1 (a file changed or vanished as it read).
    # Otherwise tar speaks where ours go, and must end with 0.
    exec 3> "$3.errors" || return 1
    if [ -n "${5:-}" ]; then
        exec 4> /dev/null || return 1
        ce_lenient="--ignore-failed-read --warning=no-file-changed --warning=no-file-removed --warning=no-file-shrank"
        ce_tar_may=1
    else
        exec 4>&2
        ce_lenient=
        ce_tar_may=0
    fi
    # Both cp are children of this shell, where the runner's abort finds them (abandon_child).
    (ce_cp "$1" "$3.plain1" 1) &
    ce_first=$!
    ce_rc=0
    (ce_cp "$1" "$3.plain2" 2) || ce_rc=$?
    ce_rc1=0
    wait "$ce_first" || ce_rc1=$?
    exec 3>&-
    # A cp that failed (xargs then says 123) must have said why, and only what is allowed.
    for ce_status in "$ce_rc" "$ce_rc1"; do
        if [ "$ce_status" = 0 ]; then continue; fi
        if [ "$ce_status" != 123 ] || [ ! -s "$3.errors" ]; then
            cat -- "$3.errors" >&2
            return 1
        fi
    done
    if grep -v -e "$CE_CP_NO_ACL" "$3.errors" |
        { if [ -n "${5:-}" ]; then grep -v -F -e 'No such file or directory'; else cat; fi; } | grep . >&2; then
        return 1
    fi
    # shellcheck disable=SC2086  # ce_lenient is words
    (tar -C "$1" --null --no-recursion -T "$3.rest" --format=posix $ce_acls $ce_lenient -cf - 2>&4; echo "$?" > "$3.rc") |
        tar -C "$2" $ce_acls -xpf - 2> "$3.xerrors"
    ce_rc=$?
    exec 4>&-
    # tar --acls gives every directory it makes an ACL, whether it had one or not: on a file system
    # without ACLs each of those fails. Only what had one in SOURCE is counted, and only then listed.
    grep -v -e "$CE_TAR_NO_ACL" "$3.xerrors" >&2
    ce_lost=$(grep -c -e "$CE_CP_NO_ACL" "$3.errors")
    if grep -q -e "$CE_TAR_NO_ACL" "$3.xerrors"; then
        # shellcheck disable=SC2086  # ce_lenient is words
        ce_had=$(acl_entries "$1" "$3.rest" $ce_lenient | wc -l)
        ce_lost=$((ce_lost + ce_had))
    fi
    if [ "$ce_lost" -gt 0 ]; then
        printf '%s WARNING: %s cannot hold POSIX ACLs (%s): %s files and directories that have one in %s were copied without it, with their permission bits\n' \
            "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$2" "$CE_NO_ACLS" "$ce_lost" "$1"
    fi
    [ "$ce_rc" = 0 ] && [ "$(cat "$3.rc")" -le "$ce_tar_may" ]
}

# What cp and tar say, in the C locale, of an ACL that a file system cannot hold (EOPNOTSUPP), and
# the lines in which each says it.
CE_NO_ACLS='Operation not supported'
CE_CP_NO_ACL="^cp: preserving permissions for .*: $CE_NO_ACLS\$"
CE_TAR_NO_ACL="Cannot [a-z ]* POSIX ACLs for file .*: $CE_NO_ACLS\$"

# tar_acls: "--acls" where this host's tar knows the option (GNU tar built with ACL support), else
# nothing.
tar_acls() {
    if tar --acls -cf /dev/null -T /dev/null 2>/dev/null; then echo --acls; fi
}

# acl_entries ROOT LIST [TAR_OPTION...]: the entries LIST names (NUL-terminated, relative to ROOT)
# that carry a POSIX ACL, as "<type><TAB><path>", the type as ls gives it (d, -, l). tar lists such an
# entry with a "+" after its mode ("-rw-r-----+ owner/group size date time name"), and writing to
# /dev/null it reads no file's content. Needs a tar that knows --acls (tar_acls).
acl_entries() {
    ae_root=$1
    ae_list=$2
    shift 2
    tar --acls -C "$ae_root" --null --no-recursion -T "$ae_list" --format=posix "$@" -cvvf /dev/null 2>/dev/null |
        awk '$1 ~ /[+]$/ { t = substr($1, 1, 1); for (i = 0; i < 5; i++) sub(/^[^ ]+ +/, ""); print t "\t" $0 }'
}

# ce_cp SOURCE LIST STREAM: copy_entries' cp of the plain files LIST names into ce_dest, in place of
# the subshell it runs in (so that it is a child of copy_entries' shell), its complaints to fd 3.
# With ce_sums, it copies LIST's chunks (split_by_bytes) one after the other and hands each one, once
# copied, to sum_chunks: ce_sums/STREAM.<n>.list appears, by a rename, only when cp is done with
# every file in it. A chunk in which cp failed is handed over too: the failure is either a lost ACL,
# which leaves the file whole, or one that fails the copy, and the sums with it.
ce_cp() {
    cd -- "$1" || exit 1
    if [ -z "$ce_sums" ]; then
        LC_ALL=C exec xargs -0 -r cp -d --preserve=mode,ownership,timestamps --parents -t "$ce_dest" \
            ${ce_reflink:+"$ce_reflink"} -- < "$2" 2>&3
    fi
    cc_chunks=$(cat "$2.chunks") || exit 1
    cc_k=0
    cc_rc=0
    while [ "$cc_k" -lt "$cc_chunks" ]; do
        cc_k=$((cc_k + 1))
        cc_list=$2.c$cc_k
        tr '\n\0' '\0\n' < "$cc_list" > "$cc_list.z" || exit 1
        cc_status=0
        LC_ALL=C xargs -0 -r cp -d --preserve=mode,ownership,timestamps --parents -t "$ce_dest" \
            ${ce_reflink:+"$ce_reflink"} -- < "$cc_list.z" 2>&3 || cc_status=$?
        case $cc_status in
            0) ;;
            123) cc_rc=123 ;;
            *) exit "$cc_status" ;;
        esac
        mv -- "$cc_list.z" "$ce_sums/$3.$cc_k.list" || exit 1
        echo >> "${ce_sums%/*}/ready" || exit 1
    done
    exit "$cc_rc"
}

# largest_first LIST OUT: LIST's NUL-terminated "<size><TAB><path>" records into OUT, those of large
# files first, largest first, then the others in the order they came (the order find walked them,
# which keeps a directory's small files together). Given the large files first, split_by_bytes
# balances the two cp to within a small file (in the order found, two 1 GiB segments could end up
# in one list). And a large file is copied early, so its SHA-256 (sum_chunks: once cp is done with
# it) runs beside the rest of the copy instead of after it. On the benchmark's 2 GiB cluster, over
# six runs each: the copy took 1.84 s against 2.05 s (medians), and a snapshot's checksum pass
# after the copy 0.15 s against 0.69 s.
LARGE_FILE=67108864
largest_first() {
    tr '\n\0' '\0\n' < "$1" > "$2.nl" &&
        { awk -F "$TAB" -v big="$LARGE_FILE" '$1 >= big' "$2.nl" | LC_ALL=C sort -t "$TAB" -k 1,1nr &&
            awk -F "$TAB" -v big="$LARGE_FILE" '$1 < big' "$2.nl"; } | tr '\n\0' '\0\n' > "$2" &&
        rm -f -- "$2.nl"
}

# split_by_bytes LIST FIRST SECOND [CHUNKED]: the NUL-terminated "<size><TAB><path>" records of LIST,
# as paths into two NUL-terminated lists of about the same number of bytes: each file goes to the
# list that holds fewer bytes so far, so the lists differ by at most one file's size (1 GiB, a
# segment). With CHUNKED (non-empty), each list is instead cut, in order, into chunks of at most
# 8192 files or of the first file that brings it to 256 MiB (a segment is a chunk of its own):
# FIRST.c1, FIRST.c2, ... and FIRST.chunks, their number; a chunk's paths one per line, a line
# break in a name as a NUL (ce_cp turns them back). The SHA-256 of a chunk's files can be taken as
# soon as cp is done with it, while the next chunk is copied. Each chunk costs a few processes while
# PostgreSQL is stopped: 8192 small files a chunk keeps that to about 120 chunks for a million files.
# The records pass one per line through awk with line breaks and NULs swapped, so a name keeps its
# bytes (line breaks in names were refused before any copy anyway).
split_by_bytes() {
    tr '\n\0' '\0\n' < "$1" | awk -F '\t' -v first="$2" -v second="$3" -v chunked="${4:-}" '
        function put(s, path, size) {
            if (chunked == "") { print path > (name[s] ".nl"); return }
            if (files[s] == 0) { chunks[s]++; chunk[s] = name[s] ".c" chunks[s]; printf "" > chunk[s] }
            print path > chunk[s]
            files[s]++
            bytes[s] += size
            if (files[s] >= 8192 || bytes[s] >= 268435456) { close(chunk[s]); files[s] = 0; bytes[s] = 0 }
        }
        BEGIN { name[1] = first; name[2] = second; chunks[1] = 0; chunks[2] = 0 }
        { path = substr($0, length($1) + 2) }
        a <= b { a += $1; put(1, path, $1); next }
        { b += $1; put(2, path, $1) }
        END {
            if (chunked == "") { printf "" > (first ".nl"); printf "" > (second ".nl") }
            else { print chunks[1] > (first ".chunks"); print chunks[2] > (second ".chunks") }
        }' || return 1
    [ -z "${4:-}" ] || return 0
    tr '\n\0' '\0\n' < "$2.nl" > "$2" && tr '\n\0' '\0\n' < "$3.nl" > "$3" && rm -f -- "$2.nl" "$3.nl"
}

# sum_chunks DIR WORKER [SECONDS]: the SHA-256 of the files of a copy, taken while it is written.
# copy_entries (with CE_SUMS_DIR=DIR) makes DIR/copy.<x>/ for each copy, with "root" (the
# destination directory) and "key" (the area the runner copies); its cp hands over each chunk of
# files it is done with as DIR/copy.<x>/<stream>.<n>.list (ce_cp), and then adds a line to DIR/ready
# (which must exist), as the runner does once it made DIR/end. This takes the chunks there, one at a
# time, by renaming each one to its own name (two workers never take the same one), and writes the
# chunk's "<key>/<path><TAB>hash" lines to <chunk>.sums, whole or not at all. It ends once DIR/end
# exists and no chunk is left, or when the runner ($$) is gone. With nothing to take, it waits for
# DIR/ready to grow past the size it had before it looked (wait.sh's wait_growth), so a chunk handed
# over meanwhile wakes it at once; waiting costs no process every 50 ms while cp is busy with one. It
# reads that size before it looks for DIR/end and for chunks: whoever adds either adds to DIR/ready
# after it, so what it does not see yet is news the wait sees at once. Looked for the other way
# round, an end made between the look and the size was never seen, and the worker slept its whole
# wait (SECONDS, 1 unless given), every time the copy ended while a worker went round.
#
# What it reads is what cp has just written, still in the page cache: the hashing costs processor
# time but no read of the disk, and runs while the copy waits for the disk, instead of all of it
# after the copy. These are the SHA-256 of the copy, as a later verify reads them. A chunk left
# without sums (a worker stopped or failed) is hashed by the runner afterwards, like any file the
# sums do not name.
sum_chunks() {
    sc_tool=$(sha256_files)
    while kill -0 "$$" 2>/dev/null; do
        sc_seen=$(wc -c < "$1/ready") || return 1
        sc_end=
        [ ! -e "$1/end" ] || sc_end=1
        sc_took=
        for sc_list in "$1"/copy.*/*.list; do
            sc_chunk=${sc_list%.list}
            mv -- "$sc_list" "$sc_chunk.w$2" 2>/dev/null || continue
            sc_took=1
            sum_chunk "$sc_chunk" "$sc_chunk.w$2" "$sc_tool" || rm -f -- "$sc_chunk.part"
        done
        [ -z "$sc_took" ] || continue
        [ -z "$sc_end" ] || return 0
        wait_growth "$1/ready" "$sc_seen" "${3:-1}"
    done
}

# await_file SIGNAL SECONDS FILE...: returns 0 as soon as one of the FILEs exists, 1 after SECONDS
# without one. Whoever makes a FILE adds a line to SIGNAL after it (made beforehand), and that
# line ends the wait at once. As in sum_chunks, the size of SIGNAL is read before the FILEs are
# looked for: a FILE made between the look and the size would otherwise leave its line counted as
# seen, and the wait would run its whole time.
await_file() {
    af_signal=$1
    af_seconds=$2
    shift 2
    af_seen=$(wc -c < "$af_signal" 2>/dev/null) || af_seen=0
    any_exists "$@" && return 0
    wait_growth "$af_signal" "$af_seen" "$af_seconds"
    any_exists "$@"
}

# any_exists FILE...: whether one of the FILEs exists.
any_exists() {
    for ax_file in "$@"; do
        [ ! -e "$ax_file" ] || return 0
    done
    return 1
}

# make_scratch RUN_DIR: PGOB_SCRATCH, a directory of this run's own in /tmp for the scratch files of
# the functions here (the links pg_verifybackup and pg_checksums read through, the lists of a
# checksum pass), named in RUN_DIR/scratch as soon as it exists. A runner killed (SIGKILL) leaves
# them behind, where the recovery or the next run in the destination finds them (remove_scratch)
# instead of in /tmp among everyone's files. Its name is letters and digits only (see
# pg_verifybackup_safely). PostgreSQL, which the runner starts, never sees it: it is not exported.
# Where it cannot be made the functions use /tmp as before.
make_scratch() {
    PGOB_SCRATCH=$(mktemp -d /tmp/pgob-run.XXXXXXXX 2>/dev/null) || { PGOB_SCRATCH=; return 0; }
    printf '%s\n' "$PGOB_SCRATCH" > "$1/scratch" || { rm -rf -- "$PGOB_SCRATCH"; PGOB_SCRATCH=; }
}

# remove_scratch RUN_DIR: removes the scratch directory that run named (make_scratch), and nothing
# else: only a directory of ours that mktemp named.
remove_scratch() {
    [ -f "$1/scratch" ] && IFS= read -r rsc_dir < "$1/scratch" || return 0
    case $rsc_dir in
        /tmp/pgob-run.*/* | *[!A-Za-z0-9./-]*) return 0 ;;
        /tmp/pgob-run.????????) ;;
        *) return 0 ;;
    esac
    if [ -d "$rsc_dir" ] && [ ! -L "$rsc_dir" ] && [ -O "$rsc_dir" ]; then
        rm -rf -- "$rsc_dir"
    fi
}

# sum_chunk CHUNK LIST TOOL: see sum_chunks. Each path gets "./" in front: a name may begin with "-".
# Shell builtins read the small files, a million-file copy has about 120 chunks to hash.
sum_chunk() {
    sk_dir=${1%/*}
    IFS= read -r sk_root < "$sk_dir/root" && IFS= read -r sk_key < "$sk_dir/key" || return 1
    # shellcheck disable=SC2086  # TOOL is words
    (cd -- "$sk_root" && sed -z 's|^|./|' "$2" | xargs -0 -r $3; echo "$?" > "$1.rc") |
        awk -v prefix="$sk_key/" "$SUMS_AWK" > "$1.part" && IFS= read -r sk_rc < "$1.rc" &&
        [ "$sk_rc" = 0 ] && mv -- "$1.part" "$1.sums"
}

# --- copying with links to an earlier backup, and again after a pre-copy ------------------------

# area_state ROOT KIND: what a backup holds of ROOT (see area_find) as "type<TAB>size<TAB>mtime<TAB>
# mode<TAB>uid<TAB>gid<TAB>links<TAB>path", the mtime to the nanosecond. The path is last, so a tab in a
# name does no harm; line breaks in names were refused before any copy.
area_state() {
    area_find "$1" "$2" '%y\t%s\t%T@\t%m\t%U\t%G\t%n\t%P\n' '' | awk -F '\t' 'BEGIN { OFS = "\t" } { if ($1 == "d") $2 = 0; print }'
}

# sync_plan SOURCE_STATE HAVE_STATE REF_STATE HORIZON: what to do so that a directory that holds
# HAVE_STATE (empty for a fresh one) ends up holding SOURCE_STATE: lines "D<TAB>path" (delete it
# from the directory), "L<TAB>path" (hard-link it from the reference backup, whose files are
# REF_STATE) and "C<TAB><type><links><TAB><size><TAB>path" (copy it from the source; the middle
# fields are what copy_entries wants to know of it), the deletions first.
#
# A file is taken as unchanged only when its size, mtime (to the nanosecond), mode and owner are
# those of the file it would reuse. With a HORIZON (epoch seconds), a file whose mtime is not older
# than it is copied again even then: see precopy_horizon in runner.sh for why. A directory is always
# in the copy list (tar then sets its mode and mtime, after its entries); a link or special file is
# always copied again, which costs nothing.
# shellcheck disable=SC2016  # an awk program
SYNC_PLAN_AWK='
function path(    p, i) { p = $8; for (i = 9; i <= NF; i++) p = p "\t" $i; return p }
function attrs() { return $2 "\t" $3 "\t" $4 "\t" $5 "\t" $6 }
FILENAME == ARGV[1] { p = path(); htype[p] = $1; hattr[p] = attrs(); next }
FILENAME == ARGV[2] { p = path(); if ($1 == "f") rattr[path()] = attrs(); next }
{
    p = path(); seen[p] = 1
    fresh = (horizon != "" && $3 + 0 >= horizon + 0)
    if (p in htype) {
        if (htype[p] == $1 && $1 == "f" && hattr[p] == attrs() && !fresh) next
        if (htype[p] == $1 && $1 == "d") { print "C\t" $1 $7 "\t" $2 "\t" p; next }
        print "D\t" p
    }
    if ($1 == "f" && (p in rattr) && rattr[p] == attrs() && !fresh) print "L\t" p
    else print "C\t" $1 $7 "\t" $2 "\t" p
}
END { for (p in htype) if (!(p in seen)) print "D\t" p }'

sync_plan() {
    awk -F '\t' -v horizon="$4" "$SYNC_PLAN_AWK" "$2" "$3" "$1"
}

# sealed_manifest FILE: FILE is one of our manifests, whole and unedited: its last line holds the
# checksum of all lines before it.
sealed_manifest() {
    sm_stored=$(tail -n 1 "$1" 2>/dev/null | sed -n 's/^  "manifestChecksum": "\([0-9a-f]*\)"}$/\1/p')
    [ -n "$sm_stored" ] && [ "$sm_stored" = "$(checksum_but_last_line "$1")" ]
}

# is_backup_id NAME: whether NAME is shaped like a backup id: the UTC time of the run
# (yyyymmddThhmmssZ), with "-N" (N up to two digits) when a run in the same second took it first.
is_backup_id() {
    case $1 in
        [0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z) return 0 ;;
        [0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z-[0-9]) return 0 ;;
        [0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z-[0-9][0-9]) return 0 ;;
        *) return 1 ;;
    esac
}

# complete_backups DEST SYSTEM_ID PGDATA: the ids of the complete backups of that cluster directly in
# DEST, oldest first: directories (not links) named like a backup id, whose sealed manifest.json
# names that id, that system identifier and that data directory. A .partial, a .run, a staging
# clone or anything without our manifest is never one.
complete_backups() {
    for cb_dir in "$1"/*; do
        complete_backup "$cb_dir" "$2" "$3" && printf '%s\n' "${cb_dir##*/}"
    done | LC_ALL=C sort -t - -k1,1 -k2,2n
}

# complete_backup DIR SYSTEM_ID PGDATA: whether DIR is one of complete_backups.
complete_backup() {
    cb_id=${1##*/}
    is_backup_id "$cb_id" && [ -d "$1" ] && [ ! -L "$1" ] && [ -f "$1/manifest.json" ] &&
        sealed_manifest "$1/manifest.json" &&
        grep -q -F "  \"backupId\": $(js "$cb_id")," "$1/manifest.json" &&
        grep -q -F "\"systemIdentifier\": $(js "$2")," "$1/manifest.json" &&
        grep -q -F "\"pgdata\": $(js "$3")," "$1/manifest.json"
}

# newest_complete_backup DEST SYSTEM_ID PGDATA: the last of complete_backups, found by trying the
# newest names first. Knowing a backup complete means hashing its manifest, and a destination may
# keep hundreds of backups, each with a manifest of some hundred MB for a cluster of a million files.
newest_complete_backup() {
    for nb_dir in "$1"/*; do
        is_backup_id "${nb_dir##*/}" && printf '%s\n' "${nb_dir##*/}"
    done | LC_ALL=C sort -t - -k1,1r -k2,2nr | while read -r nb_id; do
        if complete_backup "$1/$nb_id" "$2" "$3"; then
            printf '%s\n' "$nb_id"
            break
        fi
    done
}

# --- copy-on-write clones ------------------------------------------------------------------------

# reflink_probe DIR: whether a copy-on-write clone (reflink) of DIR can be made beside it, in its
# parent directory, where a staging clone goes. Prints "yes", or "no<TAB>reason". The only sure way
# to know is to clone (a file system's name says little: XFS only with reflink=1, btrfs, bcachefs,
# ZFS with block cloning...): one of DIR's files (or, in an empty one, a file made beside it) is
# cloned to a probe file beside DIR, which is removed at once. Nothing is written inside DIR.
reflink_probe() {
    rp_real=$(realpath -e -- "$1" 2>/dev/null) || { printf 'no\t%s does not exist\n' "$1"; return 0; }
    rp_parent=$(dirname -- "$rp_real")
    if [ "$(stat -c %d -- "$rp_parent")" != "$(stat -c %d -- "$rp_real")" ]; then
        printf 'no\t%s is the root of its file system, so there is no place beside it on that file system for a clone\n' \
            "$rp_real"
        return 0
    fi
    if [ ! -w "$rp_parent" ] || [ ! -x "$rp_parent" ]; then
        printf 'no\tthe clone would go beside it, in %s, which %s cannot write\n' "$rp_parent" "$(id -un)"
        return 0
    fi
    rp_probe=$rp_parent/.pg-offline-backup-probe.$$
    rp_file=$(find "$rp_real/" -type f -size +0 -readable -print -quit 2>/dev/null)
    if [ -z "$rp_file" ]; then
        rp_file=$rp_probe.source
        printf 'pg-offline-backup reflink probe\n' > "$rp_file" 2>/dev/null
    fi
    rp_rc=0
    rp_out=$(cp --reflink=always -- "$rp_file" "$rp_probe" 2>&1) || rp_rc=$?
    rm -f -- "$rp_probe" "$rp_probe.source"
    if [ "$rp_rc" = 0 ]; then
        echo yes
    else
        printf 'no\t%s\n' "$(printf '%s\n' "$rp_out" | head -n 1)"
    fi
}

# The file entries of our manifest.json: "type<TAB>size<TAB>sha256<TAB>key<TAB>target", sorted by
# key. Only call it on a manifest whose checksum was verified: it relies on our own line format.
# Entries without an "area" (all of them before tablespaces were backed up) are in data.
MANIFEST_FIELD_AWK='
function field(line, key,    start, rest, i, c, out) {
    start = index(line, "\"" key "\": ")
    if (start == 0) return ""
    rest = substr(line, start + length(key) + 4)
    if (substr(rest, 1, 1) != "\"") { match(rest, /^[0-9]+/); return substr(rest, 1, RLENGTH) }
    out = ""
    for (i = 2; i <= length(rest); i++) {
        c = substr(rest, i, 1)
        if (c == "\\") { out = out c substr(rest, ++i, 1); continue }
        if (c == "\"") break
        out = out c
    }
    return unesc(out)
}'

manifest_entries() {
    awk "$JSON_AWK$MANIFEST_FIELD_AWK"'
        /^    \{"path": / {
            t = field($0, "type")
            type = (t == "file") ? "f" : (t == "directory") ? "d" : (t == "symlink") ? "l" : "?"
            size = (type == "f") ? field($0, "size") : 0
            area = field($0, "area")
            if (area == "") area = "data"
            printf "%s\t%s\t%s\t%s/%s\t%s\n", type, size, field($0, "sha256"), area, field($0, "path"), field($0, "target")
        }' "$1" | LC_ALL=C sort -t "$TAB" -k4,4
}

# linked_files REFERENCE COPY AREA...: "<area>/<path><TAB>size" of every file of COPY's areas that is
# the very file (the same inode) that REFERENCE holds under the same path: the files a generation
# shares with the backup it links to.
linked_files() {
    lf_ref=$1
    lf_copy=$2
    shift 2
    lf_inodes=$(mktemp "${PGOB_SCRATCH:-${TMPDIR:-/tmp}}/pgob-linked.XXXXXX") || return 1
    lf_rc=0
    for lf_area in "$@"; do
        [ -d "$lf_ref/$lf_area" ] || continue
        if ! find "$lf_ref/$lf_area" -type f -links +1 -printf '%i\t%P\n' > "$lf_inodes"; then
            lf_rc=1
            break
        fi
        find "$lf_copy/$lf_area" -type f -links +1 -printf '%i\t%s\t%P\n' |
            awk -F '\t' -v area="$lf_area" 'FILENAME == ARGV[1] { ref[$0] = 1; next }
                { p = substr($0, length($1) + length($2) + 3); if (($1 "\t" p) in ref) printf "%s/%s\t%s\n", area, p, $2 }' \
                "$lf_inodes" - || { lf_rc=1; break; }
    done
    rm -f -- "$lf_inodes"
    return "$lf_rc"
}

# area_of(key): the area of an entry's key.
AREA_OF_AWK='
function area_of(key,    rest) {
    if (key !~ /^tablespaces\//) return substr(key, 1, index(key, "/") - 1)
    rest = substr(key, 13)
    return "tablespaces/" substr(rest, 1, index(rest, "/") - 1)
}'

# The areas of a backup besides data and config: "area<TAB>link in PGDATA<TAB>original location<TAB>name"
# (tablespaces, then an external pg_wal). Same trust rule as manifest_entries.
manifest_areas() {
    awk "$JSON_AWK$MANIFEST_FIELD_AWK"'
        /^    \{"oid": / { printf "%s\tpg_tblspc/%s\t%s\t%s\n", field($0, "area"), field($0, "oid"), field($0, "location"), field($0, "name") }
        /^  "walDirectory": \{/ { printf "%s\tpg_wal\t%s\t\n", field($0, "area"), field($0, "location") }' "$1"
}

# The configuration files of a backup: "setting<TAB>type<TAB>original path" (type file or directory).
manifest_config() {
    awk "$JSON_AWK$MANIFEST_FIELD_AWK"'
        /^    \{"setting": / { printf "%s\t%s\t%s\n", field($0, "setting"), field($0, "type"), field($0, "original") }' "$1"
}

# pg_verifybackup BIN MANIFEST BACKUP: PostgreSQL's own check of a backup's data, tablespaces and
# WAL. It reads a data directory whose pg_tblspc links lead to the tablespaces, so it gets one: a
# directory of links to the entries of BACKUP/data, with pg_tblspc/<oid> leading to
# BACKUP/tablespaces/<oid> (not to the live tablespace the copied link names) and pg_wal to
# BACKUP/wal where WAL was outside PGDATA. It follows links as it reads. And pg_verifybackup hands
# the WAL directory to pg_waldump through a shell, unescaped, so a path with quotes or $( ) would
# be executed: every path it gets is under a name mktemp made (letters and digits only), in /tmp
# or in a runner's scratch directory (make_scratch), never under TMPDIR, which could be anything.
# pg_verifybackup_safely BIN MANIFEST BACKUP [OPTION...]: OPTIONs go to pg_verifybackup.
pg_verifybackup_safely() {
    vb_bin=$1
    vb_manifest=$2
    vb_backup=$3
    shift 3
    farm=$(mktemp -d "${PGOB_SCRATCH:-/tmp}/pgob-verify.XXXXXXXX") || return 1
    if ! verify_farm "$vb_backup" "$farm/data"; then
        rm -rf "$farm"
        return 1
    fi
    vb_rc=0
    "$vb_bin/pg_verifybackup" -q "$@" -m "$vb_manifest" -w "$farm/data/pg_wal" "$farm/data" || vb_rc=$?
    rm -rf "$farm"
    return "$vb_rc"
}

# pg_tool_dir MAJOR TOOL: the directory of PostgreSQL MAJOR's TOOL (pg_checksums, pg_verifybackup)
# on this host, or nothing (status 1). A backup host may have PostgreSQL's binaries or not, and
# where several versions are installed only the copy's own major will do: a page's layout and
# checksum, pg_control and the WAL format are those of its version. Debian's and the PGDG packages'
# places first, then pg_config's and PATH's. pg_verifybackup runs pg_waldump from its own
# directory, so it counts only with pg_waldump beside it.
pg_tool_dir() {
    ptd_config=$(pg_config --bindir 2>/dev/null) || ptd_config=
    ptd_path=$(command -v "$2" 2>/dev/null) || ptd_path=
    ptd_beside=$2
    [ "$2" != pg_verifybackup ] || ptd_beside=pg_waldump
    for ptd_dir in "/usr/lib/postgresql/$1/bin" "/usr/pgsql-$1/bin" "$ptd_config" "${ptd_path%/*}"; do
        if [ -z "$ptd_dir" ] || [ ! -x "$ptd_dir/$2" ] || [ ! -x "$ptd_dir/$ptd_beside" ]; then continue; fi
        # "pg_checksums (PostgreSQL) 15.18", "... 17beta1": the digits the version starts with.
        ptd_major=$("$ptd_dir/$2" --version 2>/dev/null | sed -n 's/^.* \([0-9][0-9]*\)[^ ]*$/\1/p')
        if [ "$ptd_major" = "$1" ]; then
            printf '%s\n' "$ptd_dir"
            return 0
        fi
    done
    return 1
}

# pg_tool_run MAJOR TOOL RUNNER ARG...: where this host has PostgreSQL MAJOR's TOOL (pg_tool_dir),
# prints its path on a line of its own, then what "RUNNER DIR ARG..." prints, standard error
# included, and ends with RUNNER's status; elsewhere prints "none".
pg_tool_run() {
    ptr_tool=$2
    ptr_runner=$3
    if ! ptr_dir=$(pg_tool_dir "$1" "$2"); then
        echo none
        return 0
    fi
    shift 3
    printf '%s\n' "$ptr_dir/$ptr_tool"
    "$ptr_runner" "$ptr_dir" "$@" 2>&1
}

# pg_checksums_safely BIN BACKUP: PostgreSQL's check of the data page checksums of a backup (a
# stopped copy, or a staging clone laid out as one), through the same directory of links as
# pg_verifybackup, so that pg_tblspc/<oid> leads to the backup's tablespaces and never to the live
# ones. Prints pg_checksums' report, its complaints included (see relative_to_farm).
pg_checksums_safely() {
    farm=$(mktemp -d "${PGOB_SCRATCH:-/tmp}/pgob-checksums.XXXXXXXX") || return 1
    if ! verify_farm "$2" "$farm/data"; then
        rm -rf "$farm"
        return 1
    fi
    pc_rc=0
    # It runs beside the SHA-256 pass while PostgreSQL serves again: at the lowest priority, it
    # takes the processors only when neither of those wants them, and still shares their reads.
    nice -n 19 "$1/pg_checksums" --check -D "$farm/data" > "$farm/report" 2>&1 || pc_rc=$?
    relative_to_farm "$farm/data" < "$farm/report"
    rm -rf "$farm"
    return "$pc_rc"
}

# relative_to_farm DIR: pg_checksums' lines with "DIR/ taken off the front of every file name they
# quote, so that a bad block is named by its path in the data directory, as PostgreSQL's own
# messages name it, and not in a directory of links gone when the run ends.
relative_to_farm() {
    RTF_FARM="$1/" awk 'BEGIN { farm = ENVIRON["RTF_FARM"] }
        {
            while ((at = index($0, "\"" farm)) > 0) $0 = substr($0, 1, at) substr($0, at + 1 + length(farm))
            print
        }'
}

# pg_checksums_split BIN BACKUP: pg_checksums_safely as two pg_checksums at once, each over about
# half of the bytes, where the host has two processors or more: one pg_checksums is a single
# process reading 8 kB at a time, on the benchmark machine 1.9 s for 8 GiB after the restart, the
# longest wait of a full copy's record. A pg_checksums checks the data directory it is given, so
# each half is a directory of its own beside the copy (BACKUP/.pg_checksums.*) that holds, as hard
# links, the copy's pg_control and its half of the files under global, base and pg_tblspc, under
# their own names (a block's checksum depends on its number, which the name gives). Hard links cost
# no space and are removed before this returns. Where they cannot be made (another file system, too
# many files to be worth it), it is pg_checksums_safely. Prints one report in pg_checksums' form,
# the counts added up, after the lines each printed of a bad block.
pg_checksums_split() {
    ps_view=$(mktemp -d "${PGOB_SCRATCH:-/tmp}/pgob-checksums.XXXXXXXX") || return 1
    # The largest files first, so that the halves come out even (split_by_bytes puts each file in the
    # half that holds less so far).
    if [ "$(nproc 2>/dev/null || echo 1)" -lt 2 ] || ! verify_farm "$2" "$ps_view/data" ||
        ! (cd "$ps_view/data" && find -L global base pg_tblspc -type f ! -path global/pg_control \
            -printf '%s\t%p\0' > "$ps_view/found") ||
        ! sort -z -t "$TAB" -k 1,1nr "$ps_view/found" > "$ps_view/files" ||
        [ "$(tr -d -c '\0' < "$ps_view/files" | wc -c)" -gt "$PCS_MAX_FILES" ] ||
        ! split_by_bytes "$ps_view/files" "$ps_view/half1" "$ps_view/half2"; then
        pg_checksums_instead "$ps_view" "$@"
        return
    fi
    ps_rc=0
    ps_farm1=
    ps_farm2=
    for ps_half in 1 2; do
        ps_farm=$(mktemp -d "$2/.pg_checksums.XXXXXX") || { ps_rc=1; break; }
        if [ "$ps_half" = 1 ]; then ps_farm1=$ps_farm; else ps_farm2=$ps_farm; fi
        if ! mkdir "$ps_farm/global" "$ps_farm/base" "$ps_farm/pg_tblspc" ||
            ! (cd "$ps_view/data" && cp -l --parents -t "$ps_farm" -- global/pg_control &&
                xargs -0 -r cp -l --parents -t "$ps_farm" -- < "$ps_view/half$ps_half") 2> /dev/null; then
            ps_rc=1
            break
        fi
    done
    if [ "$ps_rc" = 0 ]; then
        # Niced as in pg_checksums_safely, for the same reason.
        (nice -n 19 "$1/pg_checksums" --check -D "$ps_farm1" > "$ps_view/raw1" 2>&1
            echo "$?" > "$ps_view/rc1") &
        ps_first=$!
        nice -n 19 "$1/pg_checksums" --check -D "$ps_farm2" > "$ps_view/raw2" 2>&1
        echo "$?" > "$ps_view/rc2"
        wait "$ps_first"
        relative_to_farm "$ps_farm1" < "$ps_view/raw1" > "$ps_view/out1" &&
            relative_to_farm "$ps_farm2" < "$ps_view/raw2" > "$ps_view/out2" || ps_rc=1
    fi
    # Only names of ours: the farms hold real directories and hard links, which rm removes, never
    # the files they name.
    rm -rf -- ${ps_farm1:+"$ps_farm1"} ${ps_farm2:+"$ps_farm2"}
    if [ "$ps_rc" != 0 ]; then
        pg_checksums_instead "$ps_view" "$@"
        return
    fi
    ps_rc=$(cat "$ps_view/rc1")
    [ "$ps_rc" != 0 ] || ps_rc=$(cat "$ps_view/rc2")
    echo "two pg_checksums --check at once, each over about half of the bytes (their counts added up):"
    awk -F ':' '
        function count(name) { sub(/^ +/, "", $2); total[name] += $2 }
        /^Checksum operation completed$/ { done[FILENAME] = 1; next }
        /^Files scanned:/ { count("Files scanned"); next }
        /^Blocks scanned:/ { count("Blocks scanned"); next }
        /^Bad checksums:/ { count("Bad checksums"); next }
        /^Data checksum version:/ { sub(/^ +/, "", $2); version = $2; next }
        { print }
        END {
            if (!done[ARGV[1]] || !done[ARGV[2]]) exit
            print "Checksum operation completed"
            printf "Files scanned:   %.0f\nBlocks scanned:  %.0f\nBad checksums:  %.0f\n", total["Files scanned"],
                total["Blocks scanned"], total["Bad checksums"]
            print "Data checksum version: " version
        }' "$ps_view/out1" "$ps_view/out2"
    rm -rf -- "$ps_view"
    return "$ps_rc"
}
# Above this many files, making the hard links would cost more than a second pg_checksums saves.
PCS_MAX_FILES=100000

# pg_checksums_instead VIEW BIN BACKUP: pg_checksums_split's way out where it cannot split (or its
# links could not all be made): its scratch directory VIEW goes, and one pg_checksums_safely checks.
pg_checksums_instead() {
    rm -rf -- "$1"
    shift
    pg_checksums_safely "$@"
}

verify_farm() {
    vf_src=$1
    vf_farm=$2
    mkdir "$vf_farm" "$vf_farm/pg_tblspc" "$vf_farm/pg_wal" || return 1
    # One ln for all the links of a directory: one process each would cost a second on a slow host.
    # "data/": data may be a link (to a staging clone, see clone_layout), which find would not enter.
    find "$vf_src/data/" -mindepth 1 -maxdepth 1 ! -name pg_tblspc ! -name pg_wal \
        -exec ln -s -t "$vf_farm" -- {} + || return 1
    # pg_wal: links to the WAL files that have a page header. pg_verifybackup's pg_waldump learns
    # the segment size from whichever WAL file readdir lists first, and a segment PostgreSQL
    # preallocated but never wrote is all zeros there: it would fail the check of a sound backup.
    vf_wal=$vf_src/data/pg_wal
    [ -d "$vf_src/wal" ] && vf_wal=$vf_src/wal
    set --
    for vf_entry in "$vf_wal"/*; do
        [ -f "$vf_entry" ] || continue
        case $(od -An -N 2 -t x1 "$vf_entry") in
            *[!0\ ]* | '') set -- "$@" "$vf_entry" ;;
        esac
    done
    [ "$#" -eq 0 ] || ln -s -t "$vf_farm/pg_wal" -- "$@" || return 1
    [ -d "$vf_src/data/pg_tblspc" ] || return 0
    for vf_entry in "$vf_src/data/pg_tblspc"/* "$vf_src/data/pg_tblspc"/.*; do
        vf_name=${vf_entry##*/}
        case $vf_name in .|..) continue ;; esac
        [ -e "$vf_entry" ] || [ -L "$vf_entry" ] || continue
        if [ -d "$vf_src/tablespaces/$vf_name" ]; then
            ln -s "$vf_src/tablespaces/$vf_name" "$vf_farm/pg_tblspc/$vf_name"
        else
            # An in-place tablespace (a directory inside pg_tblspc) was copied with the data.
            ln -s "$vf_entry" "$vf_farm/pg_tblspc/$vf_name"
        fi || return 1
    done
}

# shutdown_checkpoint_end WALDIR: the LSN where the shutdown checkpoint record ends (uses PG_BIN,
# TIMELINE, REDO, REDO_WAL_FILE, CHECKPOINT and WAL_SEGMENT_SIZE), the end of the WAL range a backup
# of the stopped cluster needs: pg_waldump reads from REDO and stops at the first invalid record
# after it. Named, the REDO segment is where pg_waldump learns the segment size; otherwise it reads
# it from whichever WAL file readdir lists first, and a segment PostgreSQL preallocated but never
# wrote holds zeros there, which fails the lookup (intermittently: readdir order varies). WALDIR is
# the copy's WAL, or, for a copy that is not on this host, the source's while it is still (stopped,
# or the clone). Prints nothing when it cannot tell.
shutdown_checkpoint_end() {
    sce_out=$("$PG_BIN/pg_waldump" -p "$1" -t "$TIMELINE" -s "$REDO" "$REDO_WAL_FILE" 2>&1 >/dev/null)
    # Usually the rest of the last page is zeros: "invalid record length at <end>".
    sce_end=$(printf '%s\n' "$sce_out" | sed -n 's/.*invalid record length at \([0-9A-F]*\/[0-9A-F]*\).*/\1/p' |
        head -n 1)
    if [ -z "$sce_end" ]; then
        # The record ended where a page ends, so the next one would begin a new page: that page is
        # an old one of a recycled segment ("unexpected pageaddr") or was never written ("invalid
        # magic number"), and the message names its segment and offset, which is where the record
        # ended. Seen in a --snapshot reflink run of the benchmark on its 8 GB cluster.
        # A segment's name is its timeline, log and segment number, 8 hex digits each: "log seg offset".
        sce_at=$(printf '%s\n' "$sce_out" | sed -n \
            's/.* segment [0-9A-F]\{8\}\([0-9A-F]\{8\}\)\([0-9A-F]\{8\}\),.* offset \([0-9][0-9]*\).*/\1 \2 \3/p' |
            head -n 1)
        [ -n "$sce_at" ] && [ -n "${WAL_SEGMENT_SIZE:-}" ] || return 0
        sce_log=${sce_at%% *}
        sce_seg=${sce_at#* }
        sce_off=${sce_seg#* }
        sce_seg=${sce_seg% *}
        sce_end=$(printf '%X/%X' "$((0x$sce_log))" "$((0x$sce_seg * WAL_SEGMENT_SIZE + sce_off))")
    fi
    # Only a position past the checkpoint record is its end (not a failure to read the record itself).
    [ "$(lsn_value "$sce_end")" -gt "$(lsn_value "$CHECKPOINT")" ] || return 0
    printf '%s\n' "$sce_end"
}

# lsn_value X/Y: the LSN as one number, for comparisons.
lsn_value() {
    printf '%s\n' "$(((0x${1%/*} << 32) + 0x${1#*/}))"
}

# --- asking the running server -----------------------------------------------------------------

# pg_query SQL: one query to the server running from $PGDATA (port and socket from postmaster.pid),
# as $DB_USER on $DB_NAME, with $PG_BIN/psql; unaligned, tuples only, fields separated by US.
pg_query() {
    pq_port=$(line_of 4 "$PGDATA/postmaster.pid")
    pq_sock=$(line_of 5 "$PGDATA/postmaster.pid")
    [ -n "$pq_sock" ] || pq_sock=$(line_of 6 "$PGDATA/postmaster.pid")
    [ -n "$pq_sock" ] && [ "$pq_sock" != '*' ] || pq_sock=127.0.0.1
    PGCONNECT_TIMEOUT=10 "$PG_BIN/psql" -X -A -t -q -F "$US" -h "$pq_sock" -p "$pq_port" -U "$DB_USER" \
        -d "$DB_NAME" -c "$1" < /dev/null
}

# The directories outside PGDATA that PGDATA links to: "area<TAB>link<TAB>location<TAB>real path"
# for each pg_tblspc/<oid> link and a pg_wal link; the real path is empty when the link leads
# nowhere. An in-place tablespace (a directory in pg_tblspc) is part of PGDATA and not listed.
linked_areas() {
    if [ -d "$1/pg_tblspc" ]; then
        for la_entry in "$1/pg_tblspc"/*; do
            [ -L "$la_entry" ] || continue
            la_oid=${la_entry##*/}
            printf 'tablespaces/%s\tpg_tblspc/%s\t%s\t%s\n' "$la_oid" "$la_oid" "$(link_location "$la_entry")" \
                "$(realpath -e -- "$la_entry" 2>/dev/null)"
        done
    fi
    if [ -L "$1/pg_wal" ]; then
        printf 'wal\tpg_wal\t%s\t%s\n' "$(link_location "$1/pg_wal")" "$(realpath -e -- "$1/pg_wal" 2>/dev/null)"
    fi
}

# Where a link says it leads, as an absolute path (a relative link is read from its directory).
link_location() {
    ll_target=$(readlink -- "$1")
    case $ll_target in
        /*) printf '%s' "$ll_target" ;;
        *) realpath -m -- "$(dirname -- "$1")/$ll_target" ;;
    esac
}

# Names of the tablespaces from the catalog: "oid<US>name" (control characters as "?").
tablespace_names() {
    pg_query "SELECT oid, regexp_replace(spcname, '[[:cntrl:]]', '?', 'g') FROM pg_tablespace"
}

# --- configuration outside PGDATA ------------------------------------------------------------

# config_files WORK: the configuration files of the cluster at $PGDATA that live outside it, as
# "setting<TAB>type<TAB>real path" lines (type file or directory), using WORK as scratch space.
# The running server says where its files are (pg_settings, and pg_file_settings for every file
# that set something); a stopped one is read from postmaster.opts (Debian starts it with -c
# config_file=...) or, without that, from the postgresql-common cluster whose data directory it
# is, and the files themselves. include, include_if_exists and include_dir lines are
# followed in every file found, so a file or directory that only exists to be included is not
# missed; beside a postgresql.conf outside PGDATA, the files postgresql-common keeps there
# (start.conf, pg_ctl.conf, environment) come along.
config_files() {
    cf_work=$1
    : > "$cf_work/config.found"
    cf_known=false
    if [ -n "$(live_server_pid)" ] && [ -n "$DB_USER" ] &&
        pg_query "SELECT name, setting FROM pg_settings WHERE name IN ('config_file', 'hba_file', 'ident_file')" \
            > "$cf_work/config.settings" 2> "$cf_work/config.err"; then
        tr "$US" "$TAB" < "$cf_work/config.settings" >> "$cf_work/config.found"
        cf_known=true
        # Only superusers (and pg_read_all_settings) may read pg_file_settings; the include lines below cover the rest.
        if pg_query "SELECT DISTINCT sourcefile FROM pg_file_settings WHERE sourcefile IS NOT NULL" \
            > "$cf_work/config.sources" 2>> "$cf_work/config.err"; then
            sed "s/^/include$TAB/" "$cf_work/config.sources" >> "$cf_work/config.found"
        fi
    fi
    if [ "$cf_known" = false ]; then
        cf_conf=$(sed -n 's/.*"\(-c\)" "config_file=\([^"]*\)".*/\2/p; s/.*"--config[-_]file=\([^"]*\)".*/\1/p' \
            "$PGDATA/postmaster.opts" 2>/dev/null | head -n 1)
        if [ -z "$cf_conf" ]; then
            # A stopped Debian cluster started by pg_ctlcluster last time has its configuration in
            # the conf root, which names PGDATA as its data_directory.
            cf_debian=$(debian_clusters "$(realpath -e -- "$PGDATA")" | head -n 1)
            [ -n "$cf_debian" ] &&
                cf_conf=${PG_CLUSTER_CONF_ROOT:-/etc/postgresql}/$(printf '%s' "$cf_debian" | tr "$TAB" /)/postgresql.conf
        fi
        [ -n "$cf_conf" ] || cf_conf=$PGDATA/postgresql.conf
        printf 'config_file\t%s\n' "$cf_conf" >> "$cf_work/config.found"
        for cf_setting in hba_file ident_file; do
            cf_value=$(conf_value "$cf_conf" "$cf_setting")
            [ -n "$cf_value" ] || cf_value=$PGDATA/$( [ "$cf_setting" = hba_file ] && echo pg_hba.conf || echo pg_ident.conf)
            printf '%s\t%s\n' "$cf_setting" "$cf_value" >> "$cf_work/config.found"
        done
    fi
    cf_conf=$(sed -n "s/^config_file$TAB//p" "$cf_work/config.found" | head -n 1)
    for cf_sibling in start.conf pg_ctl.conf environment; do
        [ -f "$(dirname -- "$cf_conf")/$cf_sibling" ] &&
            printf 'postgresql-common\t%s\n' "$(dirname -- "$cf_conf")/$cf_sibling" >> "$cf_work/config.found"
    done
    # Follow include lines until no new file turns up (bounded: a loop of includes cannot run away).
    cf_round=0
    cp "$cf_work/config.found" "$cf_work/config.todo"
    while [ -s "$cf_work/config.todo" ] && [ "$cf_round" -lt 10 ]; do
        cf_round=$((cf_round + 1))
        : > "$cf_work/config.next"
        while IFS="$TAB" read -r _ cf_file; do
            [ -f "$cf_file" ] || continue
            conf_includes "$cf_file" >> "$cf_work/config.next"
        done < "$cf_work/config.todo"
        awk -F '\t' 'FILENAME == ARGV[1] { seen[$2] = 1; next } !($2 in seen) { seen[$2] = 1; print }' \
            "$cf_work/config.found" "$cf_work/config.next" > "$cf_work/config.todo"
        cat "$cf_work/config.todo" >> "$cf_work/config.found"
    done
    cf_pgdata=$(realpath -e -- "$PGDATA")
    while IFS="$TAB" read -r cf_setting cf_path; do
        cf_real=$(realpath -e -- "$cf_path" 2>/dev/null) || continue
        case $cf_real/ in "$cf_pgdata"/*) continue ;; esac
        if [ -d "$cf_real" ]; then cf_type='directory'; else cf_type='file'; fi
        printf '%s\t%s\t%s\n' "$cf_setting" "$cf_type" "$cf_real"
    done < "$cf_work/config.found" | awk -F '\t' '!seen[$3]++'
}

# debian_clusters REAL_PGDATA: the postgresql-common clusters whose data directory is REAL_PGDATA, as
# "version<TAB>name" lines. PgCommon takes the data directory from data_directory in the
# cluster's postgresql.conf, or else from the "pgdata" link beside it.
debian_clusters() {
    command -v pg_lsclusters > /dev/null 2>&1 || return 0
    pg_lsclusters -h 2>/dev/null < /dev/null | while read -r dc_version dc_name _; do
        case $dc_version$dc_name in *[!A-Za-z0-9_.@+-]*|'') continue ;; esac
        dc_conf=${PG_CLUSTER_CONF_ROOT:-/etc/postgresql}/$dc_version/$dc_name
        dc_dir=$(conf_value "$dc_conf/postgresql.conf" data_directory)
        [ -n "$dc_dir" ] || dc_dir=$dc_conf/pgdata
        [ "$(realpath -e -- "$dc_dir" 2>/dev/null)" = "$1" ] && printf '%s\t%s\n' "$dc_version" "$dc_name"
    done
}

# The pid of a live postmaster of $PGDATA, or nothing.
live_server_pid() {
    lsp_pid=$(line_of 1 "$PGDATA/postmaster.pid")
    case $lsp_pid in ''|*[!0-9]*) return 0 ;; esac
    proc_name "$lsp_pid"
    case $PROC_NAME in postgres|postmaster) printf '%s\n' "$lsp_pid" ;; esac
}

# conf_value FILE NAME: the last value FILE gives NAME (postgresql.conf syntax), as an absolute path.
conf_value() {
    awk -v name="$2" '
        { line = $0; sub(/#.*/, "", line) }
        line ~ "^[ \t]*" name "[ \t]*(=[ \t]*)?" {
            sub("^[ \t]*" name "[ \t]*(=[ \t]*)?", "", line); sub(/[ \t]*$/, "", line)
            if (line ~ /^'\''/) { line = substr(line, 2); sub(/'\''.*/, "", line) }
            value = line
        }
        END { if (value != "") print value }' "$1" 2>/dev/null | absolute_from "$1"
}

# conf_includes FILE: the files and directories FILE includes, as "setting<TAB>absolute path"; for
# include_dir also each *.conf file in the directory (the ones PostgreSQL reads).
conf_includes() {
    awk '
        { line = $0; sub(/#.*/, "", line) }
        match(line, /^[ \t]*(include_if_exists|include_dir|include)[ \t]*(=[ \t]*)?/) {
            kind = line; sub(/^[ \t]*/, "", kind); sub(/[ \t=].*/, "", kind)
            rest = substr(line, RLENGTH + 1); sub(/[ \t]*$/, "", rest)
            if (rest ~ /^'\''/) { rest = substr(rest, 2); sub(/'\''.*/, "", rest) }
            if (rest != "") printf "%s\t%s\n", kind, rest
        }' "$1" 2>/dev/null |
        while IFS="$TAB" read -r ci_kind ci_path; do
            ci_path=$(printf '%s\n' "$ci_path" | absolute_from "$1")
            printf '%s\t%s\n' "$ci_kind" "$ci_path"
            if [ "$ci_kind" = include_dir ] && [ -d "$ci_path" ]; then
                find "$ci_path/" -mindepth 1 -maxdepth 1 -name '*.conf' ! -name '.*' -type f -printf "include_dir\t%p\n"
            fi
        done
}

# Reads a path per line and prints it absolute, a relative one taken from the directory of file $1.
absolute_from() {
    ab_dir=$(dirname -- "$1")
    while IFS= read -r ab_path; do
        case $ab_path in
            /*) printf '%s\n' "$ab_path" ;;
            *) printf '%s\n' "$ab_dir/$ab_path" ;;
        esac
    done
}
