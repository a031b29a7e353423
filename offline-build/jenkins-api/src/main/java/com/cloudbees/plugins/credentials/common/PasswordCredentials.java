/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.plugins:credentials:1511.v2e3cb_0008ef0 (BOM 6916.v15ec97679743; read at jenkinsci/credentials-plugin d96751bc),
 * src/main/java/com/cloudbees/plugins/credentials/common/PasswordCredentials.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package com.cloudbees.plugins.credentials.common;

import com.cloudbees.plugins.credentials.Credentials;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.util.Secret;

public interface PasswordCredentials extends Credentials {
    @NonNull
    Secret getPassword();
}
