/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.plugins:credentials:1511.v2e3cb_0008ef0 (BOM 6916.v15ec97679743; read at jenkinsci/credentials-plugin d96751bc),
 * src/main/java/com/cloudbees/plugins/credentials/domains/DomainRequirement.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package com.cloudbees.plugins.credentials.domains;

import java.io.Serializable;

// Real: implements ExtensionPoint, Serializable.
public class DomainRequirement implements Serializable {
    private static final long serialVersionUID = 1L;

    private DomainRequirement() {
        throw new UnsupportedOperationException("stand-in");
    }
}
