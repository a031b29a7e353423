package io.pgofflinebackup.verify;

/**
 * One way a backup differs from its manifest. Kinds: missing, extra, size, checksum, type, target,
 * manifest (the manifest itself was changed), incomplete (a .partial directory), pg_verifybackup.
 */
public record VerifyProblem(String path, String kind, String detail) {

    static VerifyProblem parse(String value) {
        String[] f = value.split("\u001f", 3);
        return new VerifyProblem(f.length > 1 ? f[1] : "", f[0], f.length > 2 ? f[2] : "");
    }

    public String describe() {
        return kind + ": " + path + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
