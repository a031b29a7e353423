package io.pgofflinebackup.verify;

/**
 * A configuration file (or included directory) from outside PGDATA as a backup holds it.
 *
 * @param setting what made it part of the configuration: config_file, hba_file, ident_file,
 *                include, include_dir, or a file postgresql-common keeps beside postgresql.conf
 * @param type file or directory
 * @param original its absolute path on the host it was backed up from
 */
public record ConfigFile(String setting, String type, String original) {

    static ConfigFile parse(String value) {
        String[] f = value.split("\u001f", -1);
        return new ConfigFile(f[0], f.length > 1 ? f[1] : "", f.length > 2 ? f[2] : "");
    }

    public boolean directory() {
        return "directory".equals(type);
    }
}
