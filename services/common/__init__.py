"""Code every service and the gateway share: configuration, database, metrics, events, errors."""
