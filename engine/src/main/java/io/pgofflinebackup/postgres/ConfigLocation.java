package io.pgofflinebackup.postgres;

/**
 * A configuration file (or included directory) of the cluster that lives outside PGDATA, as
 * inspect.sh found it: a backup copies it to {@code config/<path>}.
 *
 * @param setting what makes it part of the configuration: config_file, hba_file, ident_file,
 *                include, include_if_exists, include_dir, or postgresql-common (start.conf and the like)
 * @param type file or directory
 * @param path its real path
 */
public record ConfigLocation(String setting, String type, String path, long bytes, boolean readable) {

    static ConfigLocation parse(String value) {
        String[] f = value.split("\u001f", -1);
        return new ConfigLocation(LinkedArea.at(f, 0), LinkedArea.at(f, 1), LinkedArea.at(f, 2),
                Math.max(0, LinkedArea.number(LinkedArea.at(f, 3))), "true".equals(LinkedArea.at(f, 4)));
    }
}
