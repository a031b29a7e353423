#!/bin/sh
# pg-offline-backup: functions shared by the remote scripts (runner, verify, restore).
# Sourced, or sent ahead of a script on stdin; it defines functions and does nothing else.

# shellcheck disable=SC2034  # read by the scripts that source this file
PGOB_LIB_LOADED=1
TAB=$(printf '\t')

now_ms() { date +%s%3N; }

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

# One JSON string literal.
js() {
    printf '%s\n' "$1" | awk "$JSON_AWK"' { printf "\"%s\"", esc($0) }'
}

# SHA-256 of a file without its last line: the manifests end with a line that holds the checksum of
# everything before it (PostgreSQL's backup_manifest does the same).
checksum_but_last_line() {
    head -n -1 "$1" | sha256sum | cut -d ' ' -f 1
}

# SHA-256 of every regular file below $1, in parallel: "path<TAB>hash" lines, paths relative.
# sha256sum prefixes a line with a backslash when it had to escape the name; only a backslash can
# need that here (line breaks in names are refused before any copy).
checksum_files() {
    (cd "$1" && find . -type f -print0 | xargs -0 -r -P "${CHECKSUM_JOBS:-2}" -n 64 sha256sum) |
        awk '{
            hash = $1; name = substr($0, length($1) + 3)
            if (substr(hash, 1, 1) == "\\") { hash = substr(hash, 2); gsub(/\\\\/, "\\", name) }
            sub(/^\.\//, "", name)
            printf "%s\t%s\n", name, hash
        }' | LC_ALL=C sort
}

# The entries of a directory tree: "type<TAB>size<TAB>path<TAB>link target", sorted; directory
# sizes (which differ between file systems) as 0. Extra arguments are paths to leave out.
listing() {
    root=$1
    shift
    find "$root" -mindepth 1 -printf '%y\t%s\t%P\t%l\n' |
        awk -F '\t' -v omit="$*" 'BEGIN { OFS = "\t"; n = split(omit, o, " "); for (i = 1; i <= n; i++) skip[o[i]] = 1 }
            ($3 in skip) { next }
            { if ($1 == "d") $2 = 0; print }' |
        LC_ALL=C sort
}

# The file entries of our manifest.json: "type<TAB>size<TAB>sha256<TAB>path<TAB>target", sorted by
# path. Only call it on a manifest whose checksum was verified: it relies on our own line format.
manifest_entries() {
    awk "$JSON_AWK"'
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
        }
        /^    \{"path": / {
            t = field($0, "type")
            type = (t == "file") ? "f" : (t == "directory") ? "d" : (t == "symlink") ? "l" : "?"
            size = (type == "f") ? field($0, "size") : 0
            printf "%s\t%s\t%s\t%s\t%s\n", type, size, field($0, "sha256"), field($0, "path"), field($0, "target")
        }' "$1" | LC_ALL=C sort -t "$TAB" -k4,4
}

# pg_verifybackup BIN MANIFEST DATA: PostgreSQL's own check of a backup. pg_verifybackup hands the
# WAL directory to pg_waldump through a shell, unescaped, so a path with quotes or $( ) would be
# executed. It gets a link to the WAL directory under a name mktemp made (letters and digits only).
pg_verifybackup_safely() {
    wal_link_dir=$(mktemp -d "/tmp/pgob-wal.XXXXXXXX") || return 1
    ln -s "$3/pg_wal" "$wal_link_dir/pg_wal" || { rm -rf "$wal_link_dir"; return 1; }
    vb_rc=0
    "$1/pg_verifybackup" -q -m "$2" -w "$wal_link_dir/pg_wal" "$3" || vb_rc=$?
    rm -rf "$wal_link_dir"
    return "$vb_rc"
}
