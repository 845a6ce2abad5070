package dev.modelbuilder.cli;

import picocli.CommandLine.IVersionProvider;

/** Reads the tool's version from its jar manifest. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = ModelBuilderCli.class.getPackage().getImplementationVersion();
        return new String[] {"modelbuilder " + (v == null ? "development build" : v)};
    }
}
