/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/hudson/model/Item.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson.model;

import hudson.security.AccessControlled;
import hudson.security.Permission;
import hudson.security.PermissionGroup;

// Real: extends PersistenceRoot, SearchableModelObject, AccessControlled, OnMaster, ... with many
// abstract methods; tests use Mockito mocks of it, which work against either.
public interface Item extends AccessControlled {
    // The constants are built with trivial stand-in constructors so tests can tell them apart.
    PermissionGroup PERMISSIONS = new PermissionGroup(Item.class, null);

    Permission CONFIGURE = new Permission(PERMISSIONS, "Configure", null, null);

    Permission EXTENDED_READ = new Permission(PERMISSIONS, "ExtendedRead", null, CONFIGURE);
}
