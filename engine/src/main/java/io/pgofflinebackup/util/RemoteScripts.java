package io.pgofflinebackup.util;

import java.io.ByteArrayOutputStream;

/**
 * The shell scripts that run on the database host, shipped as resources. A script sent on stdin
 * ({@code sh -s}) gets lib.sh in front of it; one that is uploaded gets lib.sh beside it. wait.sh,
 * the wait on a file that lib.sh and follow.sh share, comes with each of the two.
 */
public final class RemoteScripts {
    private static final String DIR = "/io/pgofflinebackup/remote/";

    private RemoteScripts() {
    }

    /** lib.sh, followed by wait.sh. */
    public static byte[] lib() {
        return concat("lib.sh", "wait.sh");
    }

    /** follow.sh, preceded by wait.sh: what the client runs on the host to follow a runner. */
    public static byte[] follow() {
        return concat("wait.sh", "follow.sh");
    }

    public static byte[] script(String name) {
        return Resources.read(RemoteScripts.class, DIR + name);
    }

    /** lib.sh followed by the script, for {@code sh -s}. */
    public static byte[] withLib(String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(lib());
        out.writeBytes(script(name));
        return out.toByteArray();
    }

    private static byte[] concat(String... names) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String name : names) {
            out.writeBytes(script(name));
        }
        return out.toByteArray();
    }
}
