/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.plugins:credentials:1511.v2e3cb_0008ef0 (BOM 6916.v15ec97679743; read at jenkinsci/credentials-plugin d96751bc),
 * src/main/java/com/cloudbees/plugins/credentials/common/StandardCredentials.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package com.cloudbees.plugins.credentials.common;

import edu.umd.cs.findbugs.annotations.NonNull;

public interface StandardCredentials extends IdCredentials {
    @NonNull
    String getDescription();
}
