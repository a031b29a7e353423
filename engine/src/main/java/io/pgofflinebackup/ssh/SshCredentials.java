package io.pgofflinebackup.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * How to authenticate. Secrets are held as bytes in memory only (the Jenkins plugin passes key
 * material it got from the credentials store); {@link #toString()} never shows them.
 */
public sealed interface SshCredentials {

    /** A private key (OpenSSH or PEM), with its passphrase when it has one. */
    record PrivateKey(String name, byte[] key, byte[] passphrase) implements SshCredentials {
        public PrivateKey {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(key, "key");
            key = key.clone();
            passphrase = passphrase == null ? null : passphrase.clone();
        }

        @Override
        public byte[] key() {
            return key.clone();
        }

        @Override
        public byte[] passphrase() {
            return passphrase == null ? null : passphrase.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof PrivateKey that && name.equals(that.name) && Arrays.equals(key, that.key)
                    && Arrays.equals(passphrase, that.passphrase);
        }

        @Override
        public int hashCode() {
            return name.hashCode();
        }

        @Override
        public String toString() {
            return "PrivateKey[" + name + (passphrase == null ? "" : ", with passphrase") + "]";
        }
    }

    /** A password. */
    record Password(byte[] password) implements SshCredentials {
        public Password {
            Objects.requireNonNull(password, "password");
            password = password.clone();
        }

        @Override
        public byte[] password() {
            return password.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Password that && Arrays.equals(password, that.password);
        }

        @Override
        public int hashCode() {
            return 1;
        }

        @Override
        public String toString() {
            return "Password[****]";
        }
    }

    /** Reads a key file, and its passphrase from a file when one is given. */
    static PrivateKey keyFile(Path keyFile, Path passphraseFile) throws IOException {
        byte[] key = Files.readAllBytes(keyFile);
        byte[] passphrase = passphraseFile == null ? null : secretFromFile(passphraseFile);
        return new PrivateKey(keyFile.toString(), key, passphrase);
    }

    /** Reads a password from a file. */
    static Password passwordFile(Path file) throws IOException {
        return new Password(secretFromFile(file));
    }

    /** A secret from a file: its first line, without the line end (as editors leave one). */
    static byte[] secretFromFile(Path file) throws IOException {
        return firstLine(Files.readString(file, StandardCharsets.UTF_8));
    }

    /** A secret from an environment variable's value. */
    static byte[] secretFromValue(String value) {
        return firstLine(value);
    }

    private static byte[] firstLine(String text) {
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        return line.getBytes(StandardCharsets.UTF_8);
    }
}
