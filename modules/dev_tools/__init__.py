"""The Developer tools module: staff-only views of the module registry and dependency graph."""
