package io.pgofflinebackup.util;

import java.io.ByteArrayOutputStream;

/**
 * The shell scripts that run on the database host, shipped as resources. A script sent on stdin
 * ({@code sh -s}) gets lib.sh in front of it; one that is uploaded gets lib.sh beside it.
 */
public final class RemoteScripts {
    private static final String DIR = "/io/pgofflinebackup/remote/";

    private RemoteScripts() {
    }

    public static byte[] lib() {
        return Resources.read(RemoteScripts.class, DIR + "lib.sh");
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
}
