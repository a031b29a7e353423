#!/bin/sh
# pg-offline-backup verify: re-reads a backup on the host and checks it against its manifest.json.
# It only reads. Usage (lib.sh is sent ahead of this script on stdin, or lies beside it):
#   verify.sh BACKUP_DIR MODE [DATA_DIR] [PG_BIN] [AREA_MAP]
#     MODE      checksums (every file's SHA-256 too) or sizes (list, types and sizes only)
#     DATA_DIR  the directory to compare with the manifest's data (default BACKUP_DIR/data), e.g. a
#               freshly restored PGDATA
#     PG_BIN    where pg_verifybackup is; when given and DATA_DIR is the backup's own, it runs too
#     AREA_MAP  with DATA_DIR: a file of "area<TAB>link<TAB>directory" lines saying where each
#               tablespace or WAL area was restored (and so where its link in DATA_DIR leads);
#               areas it does not name (configuration) are not compared
# Output: key=value lines; "problem=" repeats as kind<US>path<US>detail, "area=" as
# area<US>link<US>original location<US>name<US>bytes, "config=" as setting<US>type<US>original path.
# The manifest's paths are only ever compared as strings with what is on disk: they never name a
# file to open.

set -u
LC_ALL=C
export LC_ALL
# shellcheck source=lib.sh
[ -n "${PGOB_LIB_LOADED:-}" ] || . "$(dirname "$0")/lib.sh"

BACKUP=$1
MODE=$2
DATA=${3:-}
PG_BIN=${4:-}
AREA_MAP=${5:-}
OWN_DATA=false
[ -n "$DATA" ] || { DATA=$BACKUP/data; OWN_DATA=true; }
US=$(printf '\037')

kv() { printf '%s=%s\n' "$1" "$2"; }
problem() { kv problem "$1$US$2$US$3"; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pgob-verify.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT

finish() {
    kv status "$1"
    kv end true
    exit 0
}

if [ ! -d "$BACKUP" ]; then
    problem missing "$BACKUP" "the backup directory does not exist"
    finish not_found
fi
name=$(basename "$BACKUP")
case $name in
    .*.partial|*.partial)
        problem incomplete "$BACKUP" "a .partial directory is what an unfinished or failed run left; it is never a backup"
        finish incomplete
        ;;
esac
MANIFEST=$BACKUP/manifest.json
if [ ! -f "$MANIFEST" ]; then
    problem missing manifest.json "the backup has no manifest.json, so it cannot be verified"
    finish failed
fi
stored=$(tail -n 1 "$MANIFEST" | sed -n 's/^  "manifestChecksum": "\([0-9a-f]*\)"}$/\1/p')
if [ -z "$stored" ] || [ "$stored" != "$(checksum_but_last_line "$MANIFEST")" ]; then
    problem manifest manifest.json "the manifest was changed after the backup wrote it (its checksum does not match)"
    finish failed
fi

field() { sed -n "s/^.*\"$1\": \"\\([^\"]*\\)\".*$/\\1/p" "$MANIFEST" | head -n 1; }
kv backup_id "$(field backupId)"
kv major_version "$(field majorVersion)"
kv system_identifier "$(field systemIdentifier)"
kv pgdata "$(field pgdata)"

if [ ! -d "$DATA" ]; then
    problem missing "$DATA" "the data directory does not exist"
    finish failed
fi

manifest_entries "$MANIFEST" > "$WORK/manifest.tsv"
manifest_areas "$MANIFEST" > "$WORK/areas.tsv"
manifest_config "$MANIFEST" > "$WORK/config.tsv"

# A sealed manifest is only as trustworthy as whoever could write the backup directory, and the
# checksum is no signature: every name in it must stay inside its area, every area be one a backup
# makes, every place a restore would write to an absolute path without "." or ".." in it; and the
# areas themselves must be directories, not links to somewhere else.
awk -F '\t' -v us="$US" '
    function clean(path, absolute,    n, i, part) {
        if (path == "" || path ~ /\/$/ && path != "/") return 0
        if (absolute != (substr(path, 1, 1) == "/")) return 0
        n = split(absolute ? substr(path, 2) : path, part, "/")
        for (i = 1; i <= n; i++) if (part[i] == "" || part[i] == "." || part[i] == "..") return 0
        return 1
    }
    function unsafe(what, detail) { printf "problem=unsafe%s%s%s%s\n", us, what, us, detail }
    FILENAME == ARGV[1] {
        if (!clean($4, 0) || $4 !~ /^(data|wal|config|tablespaces\/[0-9]+)\/./) unsafe($4, "a path outside the areas of a backup")
        next
    }
    FILENAME == ARGV[2] {
        if ($1 !~ /^(wal|tablespaces\/[0-9]+)$/ || $2 !~ /^(pg_wal|pg_tblspc\/[0-9]+)$/) unsafe($1, "not an area a backup makes")
        else if (!clean($3, 1)) unsafe($1, "its location " $3 " is not a plain absolute path")
        next
    }
    {
        if (!clean($3, 1) || ($2 != "file" && $2 != "directory")) unsafe($3, "a configuration path that is not a plain absolute path")
    }' "$WORK/manifest.tsv" "$WORK/areas.tsv" "$WORK/config.tsv" > "$WORK/unsafe"
for area_dir in "$BACKUP/data" "$BACKUP/config" "$BACKUP/wal" "$BACKUP"/tablespaces "$BACKUP"/tablespaces/*; do
    if [ -L "$area_dir" ]; then
        problem unsafe "${area_dir#"$BACKUP"/}" "a link to $(readlink -- "$area_dir") where the backup has a directory" >> "$WORK/unsafe"
    fi
done
if [ -s "$WORK/unsafe" ]; then
    head -n 20 "$WORK/unsafe"
    finish failed
fi
# Every link in data/ to a tablespace or to the WAL directory must come with its area. A backup
# without it (a cluster found stopped was once backed up so) would restore links that lead to
# whatever is at those places then, not to a copy.
awk -F '\t' 'FILENAME == ARGV[1] { held[$2] = 1; next }
    $1 == "l" && ($4 ~ /^data\/pg_tblspc\/[^\/]+$/ || $4 == "data/pg_wal") && !(substr($4, 6) in held) {
        print substr($4, 6) "\t" $5 }' "$WORK/areas.tsv" "$WORK/manifest.tsv" > "$WORK/unheld"
while IFS="$TAB" read -r link target; do
    problem missing "data/$link" "a link to $target, which the backup holds no copy of: it is incomplete and cannot be restored"
done < "$WORK/unheld"
if [ -s "$WORK/unheld" ]; then
    finish failed
fi
# What each area holds, for the restore's pre-flight: where it goes and how much room it needs.
awk -F '\t' -v us="$US" "$AREA_OF_AWK"'
    FILENAME == ARGV[1] { if ($1 == "f") bytes[area_of($4)] += $2; next }
    { printf "area=%s%s%s%s%s%s%s%s%.0f\n", $1, us, $2, us, $3, us, $4, us, bytes[$1] }
    END { printf "data_bytes=%.0f\nconfig_bytes=%.0f\n", bytes["data"], bytes["config"] }' \
    "$WORK/manifest.tsv" "$WORK/areas.tsv"
awk -F '\t' -v us="$US" '{ printf "config=%s%s%s%s%s\n", $1, us, $2, us, $3 }' "$WORK/config.tsv"

# The areas to compare, "area<TAB>directory<TAB>kind" (kind as for area_find), and the link
# targets to expect instead of those the manifest recorded, "key<TAB>target".
: > "$WORK/expected_links.tsv"
if [ "$OWN_DATA" = true ]; then
    printf 'data\t%s\tall\n' "$DATA" > "$WORK/compare.tsv"
    while IFS="$TAB" read -r area _; do
        printf '%s\t%s\tall\n' "$area" "$BACKUP/$area"
    done < "$WORK/areas.tsv" >> "$WORK/compare.tsv"
    if cut -f 4 "$WORK/manifest.tsv" | grep -q '^config/'; then
        printf 'config\t%s\tall\n' "$BACKUP/config" >> "$WORK/compare.tsv"
    fi
else
    # A restored PGDATA gets the original's postmaster.opts, and a running one a postmaster.pid.
    printf 'data\t%s\tdata\n' "$DATA" > "$WORK/compare.tsv"
    if [ -n "$AREA_MAP" ]; then
        while IFS="$TAB" read -r area link dir; do
            printf '%s\t%s\tarea\n' "$area" "$dir" >> "$WORK/compare.tsv"
            printf 'data/%s\t%s\n' "$link" "$dir" >> "$WORK/expected_links.tsv"
        done < "$AREA_MAP"
    fi
fi
: > "$WORK/actual.tsv"
: > "$WORK/sums.tsv"
while IFS="$TAB" read -r area dir kind; do
    if [ ! -d "$dir" ]; then
        problem missing "$dir" "the directory of $area does not exist"
        continue
    fi
    listing "$dir" "$kind" | prefixed "$area" >> "$WORK/actual.tsv"
    if [ "$MODE" = checksums ]; then
        checksum_files "$dir" | prefixed "$area" 1 >> "$WORK/sums.tsv"
    fi
done < "$WORK/compare.tsv" > "$WORK/missing_areas"
cat "$WORK/missing_areas"
# Entries of areas that are not compared (a restore's configuration) are not expected on disk.
awk -F '\t' "$AREA_OF_AWK"'
    FILENAME == ARGV[1] { compared[$1] = 1; next }
    area_of($4) in compared' "$WORK/compare.tsv" "$WORK/manifest.tsv" > "$WORK/expected.tsv"

awk -F '\t' -v us="$US" -v mode="$MODE" '
    function shown(key) { sub(/^data\//, "", key); return key }
    FILENAME == ARGV[1] { type[$4] = $1; size[$4] = $2; sha[$4] = $3; target[$4] = $5; next }
    FILENAME == ARGV[2] { sum[$1] = $2; next }
    FILENAME == ARGV[3] { target[$1] = $2; next }
    {
        path = $3
        if (!(path in type)) { print "problem=extra" us shown(path) us "on disk but not in the manifest"; next }
        seen[path] = 1
        if (type[path] != $1) { print "problem=type" us shown(path) us "type " $1 " on disk, " type[path] " in the manifest"; next }
        if ($1 == "f" && size[path] != $2) {
            print "problem=size" us shown(path) us $2 " bytes on disk, " size[path] " in the manifest"; next
        }
        if ($1 == "f" && mode == "checksums" && sha[path] != "" && sum[path] != sha[path]) {
            print "problem=checksum" us shown(path) us "SHA-256 differs from the manifest"
        }
        if ($1 == "l" && target[path] != $4) { print "problem=target" us shown(path) us "link points elsewhere" }
    }
    END {
        for (path in type) {
            if (!(path in seen)) print "problem=missing" us shown(path) us "in the manifest but not on disk"
            if (type[path] == "f") { files++; bytes += size[path] }
        }
        printf "files=%d\nbytes=%.0f\n", files, bytes
    }' "$WORK/expected.tsv" "$WORK/sums.tsv" "$WORK/expected_links.tsv" "$WORK/actual.tsv" > "$WORK/result"
cat "$WORK/result"

# PostgreSQL's own tool, where the backup has a backup_manifest, checks the WAL range too.
VERIFYBACKUP=skipped
if [ "$OWN_DATA" = true ] && [ "$MODE" = checksums ] && [ -n "$PG_BIN" ] && [ -x "$PG_BIN/pg_verifybackup" ] &&
    [ -f "$BACKUP/backup_manifest" ]; then
    if out=$(pg_verifybackup_safely "$PG_BIN" "$BACKUP/backup_manifest" "$BACKUP" 2>&1); then
        VERIFYBACKUP=passed
    else
        VERIFYBACKUP=failed
        printf '%s\n' "$out" | head -n 5 | while IFS= read -r line; do
            problem pg_verifybackup backup_manifest "$line"
        done
    fi
fi
kv pg_verifybackup "$VERIFYBACKUP"

if grep -q '^problem=' "$WORK/result" "$WORK/missing_areas" || [ "$VERIFYBACKUP" = failed ]; then
    finish failed
fi
finish ok
