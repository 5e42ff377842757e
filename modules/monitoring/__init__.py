"""The Monitoring module: staff-only health overview and scheduled module health checks."""
